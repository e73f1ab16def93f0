"""The product's dev settings, served by the booking benchmark's gunicorn and worker.

Only the URL configuration differs: bench.urls adds the trivial view the benchmark
measures its ratios against, so the product's own URLs never carry it.
"""

from marketplace.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

"""The product's production settings, served by bench/scaleout.py's app servers and workers.

As bench/settings.py does for the dev settings, only what the benchmark needs differs: the trivial view's
URLs (bench.urls), mail written to the worker's standard output (/dev/null) rather than to an SMTP server
the machine has not got, and static files by their plain names (the run collects none, and the manifest
storage would answer 500 for every page without its manifest).
"""

from marketplace.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

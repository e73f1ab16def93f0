"""The app as ``make run`` serves it, started for a test run or a benchmark.

The app (development settings, demo data from ``seed_demo``) runs in its own
database: a SQLite file, or a database of its own on the PostgreSQL server
when ``DATABASE_URL`` points there, so nothing it does touches the caller's.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.background import run, wait_for
from tests.databases import own_database

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url, server, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the app did not start at {url}:\n{Path(log_path).read_text()[-4000:]}")


@contextmanager
def serve(stop=None, migrated=None):
    """Migrate and seed a database of its own, serve the app on a free port, and yield its base URL.

    ``stop``, a ``threading.Event``, calls the migration or the seeding off. ``migrated``, the state
    file of ``tests.databases.migrated`` run in the background: the database starts as a copy of it.
    """
    stop = stop or threading.Event()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="panlong-browser-", ignore_cleanup_errors=True) as tmp:
        template = wait_for(migrated, "the migrated database", stop) if migrated else None
        workdir = Path(tmp)
        with own_database(workdir, "browser", template) as database_url, open(workdir / "server.log", "w") as log:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
                "DATABASE_URL": database_url,
                "MEDIA_ROOT": str(workdir / "media"),
                "SITE_URL": base_url,
                "LOG_LEVEL": "WARNING",
            }
            manage = [sys.executable, "manage.py"]
            if not template:
                run([*manage, "migrate", "--noinput", "-v0"], env, log, stop)
            run([*manage, "seed_demo"], env, log, stop)
            server = subprocess.Popen(
                [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_serving(base_url + "/", server, log.name)
                yield base_url
            finally:
                server.terminate()
                server.wait(timeout=20)

"""The app as ``make run`` serves it, started for a test run or a benchmark.

The app (development settings, demo data from ``seed_demo``) runs in its own
database: a SQLite file, or a database of its own on the PostgreSQL server
when ``DATABASE_URL`` points there, so nothing it does touches the caller's.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

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


class _Database:
    """The live app's own database, beside the test run's: a SQLite file or a PostgreSQL database."""

    def __init__(self, workdir):
        url = os.environ.get("DATABASE_URL", "")
        self.server_url = url if url.startswith(("postgres://", "postgresql://")) else None
        if self.server_url:
            self.name = f"panlong_browser_{uuid.uuid4().hex[:10]}"
            self.url = self.server_url.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.url = f"sqlite:///{workdir}/browser.sqlite3"

    def __enter__(self):
        if self.server_url:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.server_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql):
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(sql)


def _run(args, env, log):
    result = subprocess.run(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    if result.returncode:
        log.flush()
        raise RuntimeError(f"{' '.join(args)} failed:\n{Path(log.name).read_text()[-4000:]}")


@contextmanager
def serve():
    """Migrate and seed a database of its own, serve the app on a free port, and yield its base URL."""
    workdir = Path(tempfile.mkdtemp(prefix="panlong-browser-"))
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with _Database(workdir) as database:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
            "DATABASE_URL": database.url,
            "MEDIA_ROOT": str(workdir / "media"),
            "SITE_URL": base_url,
            "LOG_LEVEL": "WARNING",
        }
        log_path = workdir / "server.log"
        with open(log_path, "w") as log:
            manage = [sys.executable, "manage.py"]
            _run([*manage, "migrate", "--noinput", "-v0"], env, log)
            _run([*manage, "seed_demo"], env, log)
            server = subprocess.Popen(
                [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_serving(base_url + "/", server, log_path)
                yield base_url
            finally:
                server.terminate()
                server.wait(timeout=20)
    shutil.rmtree(workdir, ignore_errors=True)

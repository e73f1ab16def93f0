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
import threading
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


class Stopped(Exception):
    """The app was called off before it was serving (the run ended first)."""


def _run(args, env, log, stop):
    """``args`` in the project's directory, its output to ``log``; ``stop`` (an Event) calls it off."""
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    while process.poll() is None:
        if stop.wait(0.5):
            process.terminate()
            process.wait(timeout=20)
            raise Stopped(" ".join(args))
    if process.returncode:
        log.flush()
        raise RuntimeError(f"{' '.join(args)} failed:\n{Path(log.name).read_text()[-4000:]}")


@contextmanager
def serve(stop=None):
    """Migrate and seed a database of its own, serve the app on a free port, and yield its base URL.

    ``stop``, a ``threading.Event``, calls the migration or the seeding off when it is set.
    """
    stop = stop or threading.Event()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with (
        tempfile.TemporaryDirectory(prefix="panlong-browser-", ignore_cleanup_errors=True) as tmp,
        _Database(tmp) as database,
        open(Path(tmp) / "server.log", "w") as log,
    ):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
            "DATABASE_URL": database.url,
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "SITE_URL": base_url,
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, "manage.py"]
        _run([*manage, "migrate", "--noinput", "-v0"], env, log, stop)
        _run([*manage, "seed_demo"], env, log, stop)
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


# Under `make test` the run's controller (pytest-xdist), which collects no tests and mostly waits,
# builds the app once while both workers run the rest of the suite; the workers, other processes,
# learn where it serves from a state file.


class InBackground:
    """``serve()`` in a thread, left at ``stop()``. Its state file says ``ready <base URL>`` once the
    app answers, or ``failed <why>``."""

    def __init__(self):
        self.state = Path(tempfile.mkdtemp(prefix="panlong-live-app-")) / "state"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="live app", daemon=True)
        self._thread.start()

    def _serve(self):
        try:
            with serve(self._stop) as base_url:
                self._say(f"ready {base_url}")
                self._stop.wait()
        except Stopped:
            pass
        except Exception as error:  # whatever it was, the workers must hear of it
            self._say(f"failed {error}")

    def _say(self, text):
        # Written aside and renamed into place, so that a worker never reads half of it.
        draft = self.state.with_suffix(".draft")
        draft.write_text(text)
        draft.replace(self.state)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=60)
        shutil.rmtree(self.state.parent, ignore_errors=True)


def wait_for(state, seconds=1800):
    """The base URL of the app an ``InBackground`` in another process serves, once it does."""
    deadline = time.monotonic() + seconds
    state = Path(state)
    while time.monotonic() < deadline:
        if state.exists():
            said = state.read_text()
            if said.startswith("ready "):
                return said.removeprefix("ready ")
            raise RuntimeError(f"the live app did not start: {said.removeprefix('failed ')}")
        time.sleep(0.5)
    raise RuntimeError(f"the live app was not serving after {seconds} s")

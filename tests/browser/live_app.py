"""The app as ``make run`` serves it, started for a test run or a benchmark.

The app (development settings, demo data from ``seed_demo``) runs in its own
database: a SQLite file, or a database of its own on the PostgreSQL server
when ``DATABASE_URL`` points there, so nothing it does touches the caller's.
Migrating and seeding that database takes a minute; another process may do it
(``build``) and each server run on a copy of it (``serve(demo)``).

The app does not read the real clock: the build chooses a clock pinned to 10:00
local time on a working day (``tests/browser/clock.py``), and the migration,
the seeding and every server of that demo run on it, so that a journey can book
a slot later today at 23:50 or on 春节 as well.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.browser import clock

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


@dataclass(frozen=True)
class Demo:
    """A migrated database holding the demo data, the media files ``seed_demo`` wrote, and the clock it was
    seeded on (``clock_offset``: seconds from the real clock), which the servers of its copies and the tests keep."""

    database_url: str
    media_root: str
    clock_offset: float


def _copy_sqlite(source_path, target_path):
    # SQLite's own backup, not a file copy: the live app's databases are in WAL mode.
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    with source, target:
        source.backup(target)
    source.close()
    target.close()


class _Database:
    """The live app's own database, beside the test run's: a SQLite file or a PostgreSQL database,
    empty or a copy of a ``Demo``'s."""

    def __init__(self, workdir, copy_of=None):
        url = os.environ.get("DATABASE_URL", "")
        self.server_url = url if url.startswith(("postgres://", "postgresql://")) else None
        self.copy_of = copy_of
        if self.server_url:
            self.name = f"panlong_browser_{uuid.uuid4().hex[:10]}"
            self.url = self.server_url.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.path = Path(workdir) / "browser.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def __enter__(self):
        if self.server_url:
            template = f' TEMPLATE "{self.copy_of.rsplit("/", 1)[1]}"' if self.copy_of else ""
            self._admin(f'CREATE DATABASE "{self.name}"{template}')
        elif self.copy_of:
            _copy_sqlite(self.copy_of.removeprefix("sqlite:///"), self.path)
        return self

    def __exit__(self, *exc):
        if self.server_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}_migrated" WITH (FORCE)')

    def keep_a_copy(self):
        """A copy of the database as it is now, nobody connected to it, which lives as long as this one: a
        PostgreSQL database's name or a SQLite file's path (what tests/template_database.py copies again)."""
        if self.server_url:
            self._admin(f'CREATE DATABASE "{self.name}_migrated" TEMPLATE "{self.name}"')
            return f"{self.name}_migrated"
        copy = self.path.with_name("migrated.sqlite3")
        _copy_sqlite(self.path, copy)
        return str(copy)

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


def _env(database_url, media_root, site_url=None):
    """The environment of ``manage.py`` for the app; without ``site_url`` (a build), the settings' default."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
        # The journeys and sweeps sign in, register and reset passwords from 127.0.0.1 again and again, with
        # wrong passwords and the same addresses on purpose: the abuse limits are raised, as for a load test
        # (tests/marketplace/users/ try the limits themselves).
        "SIGNIN_FAILURE_LIMIT": "100000",
        "REGISTRATION_RATE_PER_ADDRESS": "100000/m",
        "REGISTRATION_RATE_PER_ACCOUNT": "100000/m",
        "PASSWORD_RESET_RATE_PER_ADDRESS": "100000/m",
        "PASSWORD_RESET_RATE_PER_ACCOUNT": "100000/m",
        "SMS_CODE_RATE_PER_ADDRESS": "100000/m",
        "SMS_CODE_RATE_PER_NUMBER": "100000/m",
        "SMS_VERIFY_RATE_PER_ADDRESS": "100000/m",
        "SMS_VERIFY_RATE_PER_NUMBER": "100000/m",
    }
    env.pop("SITE_URL", None)
    if site_url:
        env["SITE_URL"] = site_url
    return env


def _manage(clock_offset):
    """``manage.py`` on the clock ``clock_offset`` seconds from the real one."""
    return [sys.executable, "-m", "tests.browser.clock", repr(clock_offset), "manage.py"]


@contextmanager
def _workdir():
    with tempfile.TemporaryDirectory(prefix="panlong-browser-", ignore_cleanup_errors=True) as tmp:
        yield Path(tmp)


@contextmanager
def build(stop=None, migrated=None):
    """Migrate and seed a database of its own and yield it as a ``Demo``, until the block ends.

    ``stop``, a ``threading.Event``, calls the migration or the seeding off when it is set. ``migrated``, if
    given, is called with a copy of the database as the migrations left it (``_Database.keep_a_copy``).
    """
    stop = stop or threading.Event()
    offset = clock.pinned_offset()
    manage = _manage(offset)
    with _workdir() as tmp, _Database(tmp) as database, open(tmp / "build.log", "w") as log:
        env = _env(database.url, tmp / "media")
        _run([*manage, "migrate", "--noinput", "-v0"], env, log, stop)
        if migrated is not None:
            # The migrations write no time of day (only the official calendar's dates), so the copy is the
            # same whichever clock they ran on.
            migrated(database.keep_a_copy())
        _run([*manage, "seed_demo"], env, log, stop)
        # The tasks the seeding queued (Wagtail's reference and search indexes, search refreshes) run
        # once here, not again in every copy's worker while the tests drive the pages.
        _run([*manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"], env, log, stop)
        yield Demo(database.url, str(tmp / "media"), offset)


@contextmanager
def serve(demo=None):
    """Serve the app on a free port and yield its base URL: on a copy of ``demo``, so that servers
    started from one ``Demo`` never see each other's bookings, or on a database it builds itself."""
    if demo is None:
        with build() as demo, _served(demo) as base_url:
            yield base_url
        return
    with _workdir() as tmp, _Database(tmp, copy_of=demo.database_url) as database:
        if Path(demo.media_root).exists():
            shutil.copytree(demo.media_root, tmp / "media")
        with _served(Demo(database.url, str(tmp / "media"), demo.clock_offset)) as base_url:
            yield base_url


@contextmanager
def _served(demo):
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _env(demo.database_url, demo.media_root, base_url)
    manage = _manage(demo.clock_offset)
    with _workdir() as tmp, open(tmp / "server.log", "w") as log:
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # As `make run` does: a worker runs the background tasks (notices, search refreshes, offers).
        worker = subprocess.Popen(
            [*manage, "db_worker", "--no-reload", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(base_url + "/", server, log.name)
            yield base_url
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(timeout=20)


# Under `make test` the run's controller (pytest-xdist), which collects no tests and mostly waits,
# builds the demo once while both workers run the rest of the suite; the workers, other processes,
# learn where it is from a state file, and each serves a copy of it: tests on two workers at once
# must not count each other's bookings. The workers' test databases start from a copy of the demo's
# database as the migrations left it (tests/template_database.py): the run migrates once, not twice.


class InBackground:
    """``build()`` in a thread, left at ``stop()``. Its state file says ``ready <Demo as JSON>`` once
    the demo is built, or ``failed <why>``; the file ``migrated`` beside it names the copy of the
    database the migrations left, once they have run."""

    def __init__(self):
        self.state = Path(tempfile.mkdtemp(prefix="panlong-live-app-")) / "state"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._build, name="live app", daemon=True)
        self._thread.start()

    def _build(self):
        try:
            with build(self._stop, migrated=lambda copy: self._say(copy, self.state.with_name("migrated"))) as demo:
                self._say(f"ready {json.dumps(asdict(demo))}")
                self._stop.wait()
        except Stopped:
            pass
        except Exception as error:  # whatever it was, the workers must hear of it
            self._say(f"failed {error}")

    def _say(self, text, path=None):
        # Written aside and renamed into place, so that a worker never reads half of it.
        path = path or self.state
        draft = path.with_suffix(".draft")
        draft.write_text(text)
        draft.replace(path)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=60)
        shutil.rmtree(self.state.parent, ignore_errors=True)


def wait_for(state, seconds=1800):
    """The ``Demo`` an ``InBackground`` in another process builds, once it is built."""
    deadline = time.monotonic() + seconds
    state = Path(state)
    while time.monotonic() < deadline:
        if state.exists():
            said = state.read_text()
            if said.startswith("ready "):
                return Demo(**json.loads(said.removeprefix("ready ")))
            raise RuntimeError(f"the demo for the live app was not built: {said.removeprefix('failed ')}")
        time.sleep(0.5)
    raise RuntimeError(f"the demo for the live app was not built after {seconds} s")


def migrated_copy(state, seconds=600):
    """The copy of the migrated database an ``InBackground`` in another process keeps, once the migrations
    have run; None if its build failed or took longer than ``seconds``."""
    state = Path(state)
    migrated = state.with_name("migrated")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if migrated.exists():
            return migrated.read_text()
        if state.exists() and state.read_text().startswith("failed "):
            return None
        time.sleep(0.2)
    return None

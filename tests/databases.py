"""Databases of a test run beside its workers' own, and copies of one migrated database.

Applying the 357 migrations takes some 40 seconds of a core, and a run with
two workers and the live app applied them three times. Under ``make test``
the run's controller migrates one database when the run starts
(``migrated``), and each worker's test database and the live app's database
are copies of it: SQLite's online backup, or PostgreSQL's
``CREATE DATABASE … TEMPLATE``, a second or two each.
"""

import os
import sqlite3
import sys
import tempfile
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

from tests.background import run


def _server_url():
    """The PostgreSQL server of ``DATABASE_URL``, if that is where the run's database is."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _admin(sql):
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def own_database(workdir, name, template=None):
    """A database for a process of its own: a SQLite file in ``workdir``, or a new database on the
    PostgreSQL server of ``DATABASE_URL``; empty, or a copy of ``template`` (a URL that ``migrated``
    yielded). Yields its URL; it is dropped afterwards."""
    if not _server_url():
        path = Path(workdir) / f"{name}.sqlite3"
        if template:
            copy(template, str(path))
        yield f"sqlite:///{path}"
        return
    name = f"panlong_{name}_{uuid.uuid4().hex[:10]}"
    if template:
        copy(template, name)
    else:
        _admin(f'CREATE DATABASE "{name}"')
    try:
        yield _server_url().rsplit("/", 1)[0] + "/" + name
    finally:
        drop(name)


@contextmanager
def migrated(stop):
    """A database with every migration applied, to copy; yields its URL. ``stop`` calls it off."""
    with (
        tempfile.TemporaryDirectory(prefix="panlong-migrated-", ignore_cleanup_errors=True) as tmp,
        own_database(tmp, "migrated") as url,
        open(Path(tmp) / "migrate.log", "w") as log,
    ):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test", "DATABASE_URL": url}
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env, log, stop)
        yield url


def copy(template, name):
    """The database at URL ``template`` copied to ``name``: a SQLite file or a PostgreSQL database."""
    if _server_url():
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
        return
    with closing(sqlite3.connect(template.removeprefix("sqlite:///"))) as source, closing(sqlite3.connect(name)) as to:
        source.backup(to)


def drop(name):
    if _server_url():
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    for suffix in ("", "-wal", "-shm"):
        Path(name + suffix).unlink(missing_ok=True)

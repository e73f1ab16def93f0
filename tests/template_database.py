"""One migrated test database per parallel run, copied by every worker (tests/conftest.py's ``django_db_setup``).

Running the 450 migrations takes a worker about 80 s of CPU (Django renders the project's models again for
most operations), and under ``make test`` each worker used to run them for its own database. Now the first
worker to get here migrates its database and keeps a copy of it as the run's template; the others make their
databases from that copy (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL) and let Django
check it with ``keepdb``, which finds nothing left to apply. When the run builds the live app for the browser
tests, whose database is migrated the same way, the template is a copy of that database before its demo data,
and the run migrates once. What the migrations wrote (the Wagtail root,
groups, workflow names) is in the copy as it was in the original.
"""

import fcntl
import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def _files(run_id):
    base = Path(tempfile.gettempdir()) / f"panlong_template_{run_id}"
    return base.with_suffix(".lock"), base.with_suffix(".json")


@contextmanager
def _locked(path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _test_name():
    return connection.settings_dict["TEST"]["NAME"]


def _is_sqlite():
    return connection.vendor == "sqlite"


def _copy(source, target):
    """Database ``target`` as a copy of ``source`` (neither in use by this process)."""
    if _is_sqlite():
        shutil.copyfile(source, target)
        return
    with connection.creation._nodb_cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(source)}")


def _drop(name):
    if _is_sqlite():
        Path(name).unlink(missing_ok=True)
        return
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


@contextmanager
def shared(run_id, setup_databases, migrated=None):
    """``setup_databases(keepdb)`` for this worker, from the run's template when there is one; the worker that
    made the template drops it when its run ends (the others copied it long before). The default database only:
    the project has no other.

    ``migrated``, if given, is asked for a migrated database another process keeps for the whole run (the live
    app's, before its demo data: tests/browser/live_app.py) and answers its name or path, or None: the first
    worker takes that as the run's template instead of migrating a database of its own."""
    lock, record = _files(run_id)
    made_it = recorded_it = False
    with _locked(lock):
        template = json.loads(record.read_text())["template"] if record.exists() else None
        if not template and migrated is not None:
            template = migrated()
            if template:
                record.write_text(json.dumps({"template": template}))
                recorded_it = True
        if template:
            _copy(template, _test_name())
            setup_databases(keepdb=True)
        else:
            setup_databases(keepdb=False)
            # The copy is taken with no connection open on the original (PostgreSQL insists, and SQLite's
            # write-ahead log is folded back into the file when the last connection closes).
            connection.close()
            template = f"{_test_name()}_template" if not _is_sqlite() else f"{_test_name()}.template"
            _copy(_test_name(), template)
            record.write_text(json.dumps({"template": template}))
            made_it = True
    try:
        yield
    finally:
        if made_it or recorded_it:
            with _locked(lock):
                record.unlink(missing_ok=True)
                if made_it:  # the other process drops its own
                    connection.close()
                    _drop(template)
            lock.unlink(missing_ok=True)

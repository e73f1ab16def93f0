"""Running background tasks for real in tests: the database queue and its worker."""

import signal

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_db_worker():
    """``manage.py db_worker --batch``: run every task that is due, then return."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        # The worker takes Ctrl-C for itself; pytest's own handlers come back.
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def worker(worker_id):
    """A worker as db_worker runs it, for a thread (signals are the main thread's only)."""
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )

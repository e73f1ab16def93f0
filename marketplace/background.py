"""Background tasks (DESIGN.md §12): side work enqueued when the transaction commits, run by a worker.

Our code names no queue or backend: a task is defined with :func:`background_task`
and enqueued with :func:`enqueue_on_commit`; settings.TASKS decides where it runs
(the database queue and its ``db_worker`` processes; the immediate backend in tests).
A task's arguments are ids and plain values, and the task reads its rows again,
so it acts on what was committed, not on what the request saw.

A task that raises is tried again after each of ``TASK_RETRY_MINUTES`` (1, 5 and
30 minutes) and then left failed. Each failed attempt is kept with its error for
administrators (``/django-admin/``, "Task results"); the error is the original
traceback with phones, ID numbers and email addresses masked, since an exception's
text may carry them.
"""

import functools
import logging
import re
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from marketplace.users.models import mask_phone

logger = logging.getLogger(__name__)


class TaskFailed(Exception):
    """An attempt of a background task failed; the message says why, personal data masked."""


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{9}[\dXx](?![0-9A-Za-z])")
EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")


def scrub(text):
    """The text with mobile phones, resident ID numbers and email addresses masked."""
    text = ID_NUMBER.sub(lambda match: match.group()[:6] + "*" * 8 + match.group()[-4:], text)
    text = PHONE.sub(lambda match: mask_phone(match.group()), text)
    return EMAIL.sub(lambda match: f"{match.group(1)}***@{match.group(2)}", text)


def retry_delays():
    return [timedelta(minutes=minutes) for minutes in settings.TASK_RETRY_MINUTES]


def background_task(function):
    """Make ``function`` a task (``.enqueue(...)``, ``.call(...)``), tried again with backoff when it raises."""

    @functools.wraps(function)
    def attempt_once(*args, attempt=1, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            try:
                retry_at = _retry(this_task, args, kwargs, attempt)
            except Exception as queue_error:
                # The queue itself is in trouble (the database down). Only the type is logged: the
                # traceback would carry the task's own error, unmasked, as its context.
                logger.error("Task %s could not be enqueued again: %s", this_task.name, type(queue_error).__name__)
                retry_at = None
            outcome = (
                f"attempt {attempt}; tried again at {retry_at:%Y-%m-%d %H:%M:%S %Z}"
                if retry_at
                else f"attempt {attempt}; not tried again"
            )
            # `from None`: the original exception (and its text) is not stored beside the masked copy.
            raise TaskFailed(f"{outcome}\n{scrub(''.join(traceback.format_exception(error)))}") from None

    this_task = task(attempt_once)
    return this_task


def _retry(failed_task, args, kwargs, attempt):
    """Enqueue the next attempt after its delay; returns when it runs, or None when there is none."""
    delays = retry_delays()
    if attempt > len(delays):
        return None
    if not failed_task.get_backend().supports_defer:
        # The immediate backend runs a task at once: a retry would fail the same way, in the same request.
        return None
    retry_at = timezone.now() + delays[attempt - 1]
    failed_task.using(run_after=retry_at).enqueue(*args, attempt=attempt + 1, **kwargs)
    return retry_at


def requeue_abandoned():
    """Put back in the queue the tasks a worker claimed and never finished; returns how many.

    A worker killed mid-task, or one that loses the database while it runs one (django-tasks-db's worker
    then exits, and systemd starts it again), leaves its task ``RUNNING`` for good: no worker takes a task
    in that state, so a notice or a refund would wait forever. A task still running after
    ``TASK_ABANDONED_MINUTES`` is taken for abandoned and made ready again. Our tasks may run twice (a
    notice is claimed per channel before it goes out, a refund carries the same idempotency key), so one
    that was only slow does no harm by running again.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    abandoned = DBTaskResult.objects.running().filter(
        started_at__lt=timezone.now() - timedelta(minutes=settings.TASK_ABANDONED_MINUTES)
    )
    paths = list(abandoned.values_list("task_path", flat=True))
    count = abandoned.update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("%d abandoned task(s) put back in the queue: %s", count, ", ".join(sorted(set(paths))))
    return count


def enqueue_on_commit(background, *args, delay=None, **kwargs):
    """Enqueue the task once the current transaction commits (at once outside one); never if it rolls back.

    ``delay``: the task runs no sooner than this long after the commit, where the backend can wait
    (the immediate backend of the tests runs it at once).
    ``robust``: a queue that cannot take the task is logged and does not turn the
    committed change into an error page.
    """

    def enqueue():
        chosen = background
        if delay is not None and background.get_backend().supports_defer:
            chosen = background.using(run_after=timezone.now() + delay)
        chosen.enqueue(*args, **kwargs)

    transaction.on_commit(enqueue, robust=True)

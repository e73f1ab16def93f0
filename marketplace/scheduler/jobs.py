"""The periodic jobs (README's "Jobs"): when each runs, and the one way a firing becomes a task.

APScheduler keeps the clock (``manage.py run_scheduler``, one process); at each
firing it calls :func:`fire_due`, which writes a ``JobRun`` row for the job and
its scheduled time and, in the same transaction, enqueues the job's task for the
workers. The row is unique per job and time, so a second scheduler started by
mistake finds the firing taken and enqueues nothing: each job runs once per
scheduled time however many schedulers run. The jobs themselves are idempotent
too, and each stays a management command to run by hand.

Times are the site's (Asia/Shanghai).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from marketplace.scheduler.models import JobRun

logger = logging.getLogger(__name__)

# A firing later than this (the machine asleep, the scheduler stopped) is skipped, not
# run late; it is shorter than the most frequent job's interval, so a firing's
# scheduled time is always the trigger's one fire time in the last MISFIRE_GRACE.
MISFIRE_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # the background task's dotted path, imported when the job fires
    cron: dict = field(default_factory=dict)  # CronTrigger's fields, in the site's time zone
    grace: timedelta = MISFIRE_GRACE

    def trigger(self):
        return CronTrigger(timezone=settings.TIME_ZONE, **self.cron)


EVERY_FIVE_MINUTES = {"minute": "*/5"}

JOBS = (
    Job("generate_slots", "providers.tasks.generate_slots", {"hour": 1, "minute": 0}),
    Job("compute_index", "streetindex.tasks.compute_index", {"hour": 2, "minute": 30}),
    Job("purge_dead_tokens", "marketplace.users.tasks.purge_dead_tokens", {"hour": 3, "minute": 15}),
    Job("purge_expired_matters", "marketplace.matters.tasks.purge_expired_matters", {"hour": 3, "minute": 45}),
    Job("mark_no_shows", "marketplace.booking.tasks.mark_no_shows", {"hour": 22, "minute": 30}),
    Job("send_reminders", "marketplace.notifications.tasks.send_reminders", {"minute": 5}),
    Job("retry_refunds", "marketplace.payment.tasks.retry_refunds", {"minute": 20}),
    Job("lapse_waiting_matters", "marketplace.matters.tasks.lapse_waiting_matters", {"minute": 35}),
    Job("escalate_late_matters", "marketplace.matters.tasks.escalate_late_matters", {"minute": "*/15"}),
    Job("expire_holds", "marketplace.booking.tasks.expire_holds", EVERY_FIVE_MINUTES),
    Job("expire_waitlist_offers", "marketplace.booking.tasks.expire_waitlist_offers", EVERY_FIVE_MINUTES),
    Job("end_waitlist_entries", "marketplace.booking.tasks.end_waitlist_entries", EVERY_FIVE_MINUTES),
    Job("publish_scheduled", "cms.tasks.publish_scheduled", EVERY_FIVE_MINUTES),
    Job("refresh_search_availability", "search.tasks.refresh_search_availability", {"minute": "*/15"}),
    Job("requeue_abandoned_tasks", "marketplace.scheduler.tasks.requeue_abandoned_tasks", EVERY_FIVE_MINUTES),
)


def jobs_by_name(jobs=JOBS):
    return {job.name: job for job in jobs}


def fire(job, scheduled_for):
    """Enqueue the job's task for the firing at ``scheduled_for`` unless that firing is taken; the run or None."""
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, scheduled_for=scheduled_for)
            # In the same transaction: a task that cannot be enqueued leaves the firing free.
            result = import_string(job.task).enqueue()
            run.task_id = str(result.id)[:64]
            run.save(update_fields=["task_id"])
    except IntegrityError:
        logger.info("Job %s of %s already fired (by another scheduler).", job.name, scheduled_for)
        return None
    return run


def scheduled_time(job, now):
    """The trigger's fire time that this firing is for: the one within the job's grace before ``now``."""
    fire_time = job.trigger().get_next_fire_time(None, now - job.grace)
    if fire_time is None or fire_time > now:
        return None
    return fire_time


def fire_due(name, jobs=JOBS, now=None):
    """Called by the scheduler at a job's fire time."""
    close_old_connections()  # the scheduler's thread may have held its connection for hours
    job = jobs_by_name(jobs)[name]
    now = now or timezone.now()
    scheduled_for = scheduled_time(job, now)
    if scheduled_for is None:
        logger.warning("Job %s fired at %s, not within %s of its time: skipped.", name, now, job.grace)
        return None
    try:
        return fire(job, scheduled_for)
    finally:
        close_old_connections()


def build_scheduler(scheduler_class=BlockingScheduler, jobs=JOBS, **options):
    """An APScheduler scheduler with every job; ``start()`` it (blocking, or a BackgroundScheduler in tests)."""
    scheduler = scheduler_class(timezone=settings.TIME_ZONE, **options)
    for job in jobs:
        scheduler.add_job(
            fire_due,
            job.trigger(),
            args=[job.name],
            kwargs={"jobs": jobs},
            id=job.name,
            name=job.name,
            # Late firings are skipped rather than piled up: the jobs catch up on their own next time.
            coalesce=True,
            misfire_grace_time=max(1, int(job.grace.total_seconds())),
            max_instances=1,
        )
    return scheduler

"""The periodic jobs: each runs on its schedule by itself, once per firing however many schedulers run."""

import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from marketplace.background import background_task
from marketplace.booking import services
from marketplace.scheduler import jobs
from marketplace.scheduler.jobs import JOBS, Job, build_scheduler, fire, fire_due, scheduled_time
from marketplace.scheduler.models import JobRun
from tests.conftest import needs_postgres
from tests.marketplace.tasks_helpers import DATABASE_QUEUE, run_db_worker

README = Path(__file__).resolve().parents[3] / "README.md"


@background_task
def heartbeat():
    return "beat"


EVERY_SECOND = Job("heartbeat", f"{__name__}.heartbeat", {"second": "*"}, grace=timedelta(milliseconds=900))


def test_every_job_in_the_readme_is_scheduled_with_a_task_and_can_still_be_run_by_hand():
    from django.core.management import get_commands

    jobs_section = README.read_text().split("## Jobs", 1)[1].split("\n## ", 1)[0]
    table = [line for line in jobs_section.splitlines() if line.startswith("| `")]
    documented = {name for line in table for name in re.findall(r"`(\w+)`", line.split("|")[1])}
    assert {job.name for job in JOBS} == documented
    for job in JOBS:
        assert isinstance(import_string(job.task), Task), job.name
        assert job.trigger().get_next_fire_time(None, timezone.now()) is not None
        assert job.name in get_commands(), job.name


def test_a_firing_is_for_the_time_it_was_scheduled_at_and_a_late_one_is_skipped():
    every_five = jobs.jobs_by_name()["expire_holds"]
    on_time = datetime(2026, 12, 5, 2, 5, 0, 300_000, tzinfo=UTC)  # 10:05:00.3 in Shanghai
    assert scheduled_time(every_five, on_time) == datetime(2026, 12, 5, 2, 5, tzinfo=UTC)
    assert scheduled_time(every_five, on_time + timedelta(minutes=2)) is None


def test_the_nightly_jobs_run_at_night_in_shanghai():
    nightly = jobs.jobs_by_name()["compute_index"]
    after = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    fire_time = nightly.trigger().get_next_fire_time(None, after)
    assert timezone.localtime(fire_time).strftime("%Y-%m-%d %H:%M") == "2026-12-06 02:30"


def test_a_firing_fired_twice_runs_its_job_once(resident, make_slot, offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.book(resident, make_slot(offering, starts_in=timedelta(hours=3)).pk)
    mail.outbox.clear()
    reminders = jobs.jobs_by_name()["send_reminders"]
    moment = timezone.now().replace(minute=5, second=0, microsecond=0)

    assert fire(reminders, moment) is not None
    assert fire(reminders, moment) is None

    assert len(mail.outbox) == 1 and "提醒" in mail.outbox[0].subject + mail.outbox[0].body
    assert JobRun.objects.filter(job="send_reminders").count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_firing_enqueues_the_jobs_task_for_the_worker():
    run = fire_due("expire_holds", now=datetime(2026, 12, 5, 2, 5, 1, tzinfo=UTC))

    task = DBTaskResult.objects.get()
    assert task.task_path == "marketplace.booking.tasks.expire_holds"
    assert JobRun.objects.get().task_id == str(task.pk) == run.task_id
    run_db_worker()
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", 0)


@needs_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_two_schedulers_firing_the_same_moment_enqueue_each_job_once():
    every_five = jobs.jobs_by_name()["expire_waitlist_offers"]
    moments = [datetime(2026, 12, 5, 2, 5 * n, tzinfo=UTC) for n in range(10)]
    outcomes = []

    def scheduler(name):
        try:
            for moment in moments:
                together[moment].wait()
                outcomes.append((name, moment, fire(every_five, moment) is not None))
        finally:
            connection.close()

    together = {moment: threading.Barrier(2) for moment in moments}
    threads = [threading.Thread(target=scheduler, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 20
    for moment in moments:
        assert sorted(fired for _name, at, fired in outcomes if at == moment) == [False, True]
    assert JobRun.objects.count() == 10
    assert DBTaskResult.objects.filter(task_path="marketplace.booking.tasks.expire_waitlist_offers").count() == 10


@needs_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_two_real_schedulers_running_at_once_still_run_each_firing_once(caplog):
    from apscheduler.schedulers.background import BackgroundScheduler

    schedulers = [build_scheduler(BackgroundScheduler, jobs=(EVERY_SECOND,)) for _ in range(2)]
    with caplog.at_level(logging.INFO, logger="marketplace.scheduler.jobs"):
        for scheduler in schedulers:
            scheduler.start()
        time.sleep(4.5)
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)

    runs = list(JobRun.objects.filter(job="heartbeat").values_list("scheduled_for", flat=True))
    assert len(runs) >= 3
    assert len(set(runs)) == len(runs)
    assert all(moment.microsecond == 0 for moment in runs)
    assert DBTaskResult.objects.filter(task_path=f"{__name__}.heartbeat").count() == len(runs)
    # The second scheduler did fire too, and found each firing taken.
    assert sum("already fired" in record.getMessage() for record in caplog.records) >= 2

"""The matters' jobs, as the scheduler fires them: answered questions left alone close, old matters lose their
personal content; each run as the system, and a second run finds nothing more to do."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.audit.models import Action
from marketplace.matters import services
from marketplace.scheduler import jobs
from tests.marketplace.matters.conftest import upload

pytestmark = pytest.mark.django_db

QUESTION = {"category": "labour"}


def answered(resident, staff, at, text="老板拖欠工资三个月，怎么办？", materials=()):
    question = services.submit(resident, "legal_question", text, QUESTION, materials=materials, now=at)
    services.take_step(staff, question.reference, "answer", "可以申请劳动仲裁。", now=at + timedelta(hours=2))
    question.refresh_from_db()
    return question


def test_the_hourly_job_closes_answers_left_unrated_past_their_days_and_tells_the_resident(
    desks, resident, staff, django_capture_on_commit_callbacks
):
    now = timezone.now()
    left = answered(resident, staff, now - timedelta(days=40))
    recent = answered(resident, staff, now - timedelta(hours=5), "房东不退押金")
    waiting = services.submit(resident, "legal_question", "还没答复的问题", QUESTION, now=now - timedelta(days=40))
    mail.outbox.clear()

    lapse = jobs.jobs_by_name()["lapse_waiting_matters"]
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.fire(lapse, now.replace(minute=35, second=0, microsecond=0)) is not None

    for matter in (left, recent, waiting):
        matter.refresh_from_db()
    assert (left.status, left.waits_for) == ("closed", "") and left.closed_at is not None
    assert left.steps.order_by("-at", "-pk").first().actor_kind == "system"
    # an answer still within its days, and a question waiting for the lawyer (overdue, not lapsed), stay
    assert recent.status == "answered" and waiting.status == "submitted"
    entry = Action.objects.get(matter_reference=left.reference, action=Action.Code.MATTER_STEP, detail__step="lapse")
    assert (entry.actor_kind, entry.door, entry.actor_id) == ("system", "job", None)
    # the resident is told, in Chinese, that it closed
    told = [message for message in mail.outbox if message.to == [resident.email]]
    assert len(told) == 1 and left.reference in told[0].subject and told[0].subject.endswith("已办结")
    assert "因超过追问或评价的期限，该事项已自动办结" in told[0].body


def test_the_nightly_purge_removes_what_the_retention_period_allows_and_a_second_run_nothing(
    desks, resident, staff, settings, capsys, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = answered(
        resident, staff, now - timedelta(days=settings.MATTER_RETENTION_DAYS + 30), materials=[("document", upload())]
    )
    material = old.materials.get()
    services.take_step(resident, old.reference, "rate", stars=4, now=old.status_since + timedelta(hours=1))
    kept = answered(resident, staff, now - timedelta(days=settings.MATTER_RETENTION_DAYS - 30), "近期的问题")
    services.take_step(resident, kept.reference, "rate", stars=5, now=kept.status_since + timedelta(hours=1))

    purge = jobs.jobs_by_name()["purge_expired_matters"]
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.fire(purge, now.replace(hour=3, minute=45, second=0, microsecond=0)) is not None

    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.purged_at is not None and old.text == "" and not old.materials.exists()
    assert not material.file.storage.exists(material.file.name)
    assert (old.status, old.stars) == ("closed", 4)  # the figures stay
    assert kept.purged_at is None and kept.text == "近期的问题"
    entry = Action.objects.get(action=Action.Code.MATTER_PURGED)
    assert (entry.matter_reference, entry.actor_kind, entry.door) == (old.reference, "system", "job")

    call_command("purge_expired_matters")
    call_command("lapse_waiting_matters")
    assert Action.objects.filter(action=Action.Code.MATTER_PURGED).count() == 1
    assert [re.findall(r"\d+", line) for line in capsys.readouterr().out.splitlines()] == [["0"], ["0"]]


def test_the_jobs_run_at_their_hours_in_shanghai():
    from datetime import UTC, datetime

    after = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    purge, lapse = (jobs.jobs_by_name()[name] for name in ("purge_expired_matters", "lapse_waiting_matters"))
    assert timezone.localtime(purge.trigger().get_next_fire_time(None, after)).strftime("%m-%d %H:%M") == "12-06 03:45"
    assert timezone.localtime(lapse.trigger().get_next_fire_time(None, after)).strftime("%m-%d %H:%M") == "12-05 20:35"

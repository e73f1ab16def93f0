"""Supervision (督办, issue 22 item 2): a late matter goes to its street's supervisor, then to the district;
"not resolved" goes up at once; the supervisor sets a new deadline, reassigns, or closes with a finding.

Deadlines are in working days of the official calendar: the matters are submitted long enough ago (40 days)
that any holiday still leaves them late, and the job runs "now"; the levels' deadlines are passed by running
the job again 40 days later."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.audit.context import acting
from marketplace.audit.models import Action
from marketplace.matters import services, supervision, workdays
from marketplace.matters.models import Escalation, Supervisor
from marketplace.scheduler import jobs
from providers.models import Street

pytestmark = pytest.mark.django_db

QUESTION = {"category": "labour"}
LONG_AGO = timedelta(days=40)


@pytest.fixture
def street_supervisor(make_user, street):
    user = make_user(email="supervisor@tuodong.example", name="李督办", phone="13700000011")
    Supervisor.objects.create(user=user, street=street)
    return user


@pytest.fixture
def district_supervisor(make_user):
    user = make_user(email="supervisor@district.example", name="区督办", phone="13700000012")
    Supervisor.objects.create(user=user, street=None)
    return user


@pytest.fixture
def other_street_supervisor(make_user):
    other = Street.objects.create(slug="gulou", name="鼓楼街道", position=2)
    user = make_user(email="supervisor@gulou.example", name="周督办", phone="13700000013")
    Supervisor.objects.create(user=user, street=other)
    return user


def question(resident, at, text="老板拖欠工资三个月，怎么办？"):
    return services.submit(resident, "legal_question", text, QUESTION, now=at)


def test_the_job_escalates_a_late_matter_to_its_street_then_to_the_district(
    desks, resident, staff, street, street_supervisor, district_supervisor, django_capture_on_commit_callbacks
):
    now = timezone.now()
    late = question(resident, now - LONG_AGO)
    in_time = question(resident, now, "房东不退押金")
    waiting_for_resident = question(resident, now - LONG_AGO, "邻居噪音")
    services.take_step(staff, waiting_for_resident.reference, "answer", "可以先协商。", now=now - LONG_AGO)
    mail.outbox.clear()

    job = jobs.jobs_by_name()["escalate_late_matters"]
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.fire(job, now.replace(minute=0, second=0, microsecond=0)) is not None

    escalation = Escalation.objects.get(matter=late)
    assert (escalation.level, escalation.reason, escalation.street) == ("street", "late", street)
    assert escalation.due_at == workdays.deadline(escalation.opened_at, 3)
    assert not Escalation.objects.filter(matter__in=[in_time, waiting_for_resident]).exists()
    # on the timeline and in the action log, as the system's
    step = late.steps.order_by("-at", "-pk").first()
    assert (step.action, step.actor_kind) == ("escalated", "system")
    entry = Action.objects.get(matter_reference=late.reference, action=Action.Code.MATTER_ESCALATED)
    assert (entry.detail["level"], entry.actor_kind, entry.door) == ("street", "system", "job")
    # the organisation is told by email
    told = [message for message in mail.outbox if message.to == [staff.email]]
    assert len(told) == 1 and late.reference in told[0].subject
    # it is in the street supervisor's queue, not yet the district's
    assert [e.matter for e in supervision.queue_of(street_supervisor)] == [late]
    assert list(supervision.queue_of(district_supervisor)) == []

    # a second run at once opens nothing more
    assert supervision.escalate_late_matters(now) == 0
    # the street's days pass: the district (and the matter in time then, late by now, goes to its street)
    assert supervision.escalate_late_matters(now + LONG_AGO) == 2
    assert Escalation.objects.get(matter=in_time).level == "street"
    escalation.refresh_from_db()
    assert (escalation.closed_at is not None, escalation.outcome) == (True, "raised")
    district = Escalation.objects.get(matter=late, closed_at__isnull=True)
    assert district.level == "district"
    assert [e.matter for e in supervision.queue_of(district_supervisor)] == [late]
    assert [e.matter for e in supervision.queue_of(street_supervisor)] == [in_time]
    assert late.steps.filter(action="escalated_district").exists()


def test_an_answer_ends_an_escalation_for_lateness(desks, resident, staff, street_supervisor):
    now = timezone.now()
    late = question(resident, now - LONG_AGO)
    supervision.escalate_late_matters(now)

    services.take_step(staff, late.reference, "answer", "可以申请劳动仲裁。", now=now)

    escalation = Escalation.objects.get(matter=late)
    assert (escalation.outcome, list(supervision.queue_of(street_supervisor))) == ("handled", [])


def test_not_resolved_escalates_a_follow_up_case_at_once(
    rated_visit, resident, offering, staff, street_supervisor, django_capture_on_commit_callbacks
):
    from ratings import services as ratings

    case = rated_visit(resident, offering, 1, comment="等了很久").matter
    ratings.answer_case(staff, case.pk, "已增加窗口")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ratings.confirm_case(resident, case.pk, resolved=False, note="还是没解决")

    escalation = Escalation.objects.get(matter=case)
    assert (escalation.level, escalation.reason) == ("street", "unresolved")
    assert [e.matter for e in supervision.queue_of(street_supervisor)] == [case]
    assert any(case.reference in message.subject for message in mail.outbox if message.to == [staff.email])


def test_not_resolved_on_a_questions_answer_escalates_at_once(desks, resident, staff, street_supervisor):
    asked = question(resident, timezone.now())
    services.take_step(staff, asked.reference, "answer", "可以申请劳动仲裁。")

    services.take_step(resident, asked.reference, "unresolved", "仲裁委不受理")

    asked.refresh_from_db()
    assert asked.status == "unresolved" and asked.is_closed
    assert Escalation.objects.get(matter=asked).reason == "unresolved"


@pytest.fixture
def escalated(desks, resident, street_supervisor):
    late = question(resident, timezone.now() - LONG_AGO)
    supervision.escalate_late_matters()
    return Escalation.objects.get(matter=late)


def test_the_supervisor_sets_a_new_deadline(escalated, street_supervisor, staff, django_capture_on_commit_callbacks):
    day = workdays.local_day(timezone.now()) + timedelta(days=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), acting("web", user=street_supervisor):
        supervision.set_deadline(street_supervisor, escalated.pk, day.isoformat(), "请尽快答复")

    matter = escalated.matter
    matter.refresh_from_db()
    assert matter.due_at == workdays.end_of(day) and not matter.is_overdue()
    step = matter.steps.order_by("-at", "-pk").first()
    assert (step.action, step.actor, step.actor_kind) == ("supervision_deadline", street_supervisor, "supervisor")
    entry = Action.objects.get(matter_reference=matter.reference, action=Action.Code.MATTER_SUPERVISED)
    assert (entry.actor, entry.detail["step"]) == (street_supervisor, "supervision_deadline")
    assert any(message.to == [staff.email] for message in mail.outbox)
    # the level waits as long as the organisation was given: the job does not send it up meanwhile
    assert supervision.escalate_late_matters() == 0


@pytest.mark.parametrize("day", ["", "yesterday", "today", "2000-01-01"])
def test_a_new_deadline_must_be_a_day_ahead_and_changes_nothing_otherwise(escalated, street_supervisor, day):
    if day == "today":
        day = workdays.local_day(timezone.now()).isoformat()
    before = escalated.matter.due_at
    with pytest.raises(services.InvalidInput):
        supervision.set_deadline(street_supervisor, escalated.pk, day)
    escalated.matter.refresh_from_db()
    assert escalated.matter.due_at == before


def test_the_supervisor_reassigns_to_another_organisation(escalated, street_supervisor, other_provider, other_staff):
    supervision.reassign(street_supervisor, escalated.pk, other_provider.pk, "工作站人手不足")

    matter = escalated.matter
    matter.refresh_from_db()
    assert matter.organisation == other_provider and matter.assignee is None and not matter.is_overdue()
    assert matter.steps.filter(action="supervision_reassign", actor=street_supervisor).exists()
    # the new organisation sees it in its queue, flagged
    assert matter in services.queue_of(other_staff)
    assert supervision.open_escalation_of(matter) == escalated


def test_a_reassignment_needs_a_reason_and_an_organisation_taking_the_kind(
    escalated, street_supervisor, provider, other_provider
):
    with pytest.raises(services.InvalidInput):
        supervision.reassign(street_supervisor, escalated.pk, other_provider.pk, "")
    with pytest.raises(services.InvalidInput):
        supervision.reassign(street_supervisor, escalated.pk, provider.pk, "原机构")
    escalated.matter.refresh_from_db()
    assert escalated.matter.organisation == provider


def test_the_supervisor_closes_with_a_finding(
    escalated, street_supervisor, resident, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supervision.close_with_finding(street_supervisor, escalated.pk, "已约谈工作站，答复已电话告知居民。")

    escalated.refresh_from_db()
    matter = escalated.matter
    matter.refresh_from_db()
    assert (escalated.outcome, escalated.closed_by) == ("finding", street_supervisor)
    assert matter.is_closed and matter.status == "closed_by_supervisor" and str(matter.status_label)
    assert list(supervision.queue_of(street_supervisor)) == []
    assert any(message.to == [resident.email] for message in mail.outbox)
    with pytest.raises(services.NotNow):
        supervision.close_with_finding(street_supervisor, escalated.pk, "再次")


def test_only_the_right_supervisors_see_an_escalation(
    escalated, other_street_supervisor, district_supervisor, staff, resident
):
    for user in (other_street_supervisor, district_supervisor, staff, resident):
        assert list(supervision.queue_of(user)) == []
        with pytest.raises(services.NotFound):
            supervision.escalation_for(user, escalated.pk)
        with pytest.raises(services.NotFound):
            supervision.close_with_finding(user, escalated.pk, "越权")
    assert Escalation.objects.get(pk=escalated.pk).closed_at is None


def test_the_district_sees_open_overdue_and_escalated_matters_per_street(escalated, resident, street):
    question(resident, timezone.now(), "还在期限内")

    rows = {row["organisation__street_id"]: row for row in supervision.by_street()}

    assert (rows[street.pk]["open"], rows[street.pk]["overdue"], rows[street.pk]["escalated"]) == (2, 1, 1)


def test_the_resident_reads_the_supervisors_step_by_their_office_not_their_name(escalated, street_supervisor):
    supervision.close_with_finding(street_supervisor, escalated.pk, "已督促办结")

    last = services.timeline_for_applicant(escalated.matter)[-1]

    assert last["action"] == "supervision_finding" and last["text"] == "已督促办结"
    assert last["by"]["kind"] == "staff" and street_supervisor.name not in str(last["by"])

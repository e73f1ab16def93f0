"""The matters engine: kinds as data, one service module, the timeline and the action log."""

import json
from datetime import timedelta

import pytest
import responses
from django.core import mail
from django.utils import timezone

from marketplace.audit.context import acting
from marketplace.audit.models import Access, Action
from marketplace.matters import services, workdays
from marketplace.matters.models import Matter
from tests.marketplace.matters.conftest import PNG, upload

pytestmark = pytest.mark.django_db

QUESTION = {"category": "labour"}


@pytest.fixture
def question(desks, resident):
    with acting("web", user=resident):
        return services.submit(resident, "legal_question", "老板拖欠工资三个月，怎么办？", QUESTION)


def test_a_question_gets_a_reference_a_deadline_in_working_days_and_its_first_step(question, provider, settings):
    assert question.reference.startswith(f"ZX-{workdays.local_day(question.submitted_at).year}-")
    assert len(question.reference) == len("ZX-2026-000001")
    assert question.organisation == provider
    assert question.status == "submitted" and question.waits_for == "staff"
    assert question.due_at == workdays.deadline(question.submitted_at, settings.MATTER_QUESTION_ANSWER_DAYS)
    assert [step.action for step in question.steps.all()] == ["submitted"]
    entry = Action.objects.get(matter_reference=question.reference)
    assert (entry.action, entry.actor_kind, entry.door) == ("matter_submitted", "resident", "web")


def test_references_count_up_per_kind_and_year(desks, resident):
    first = services.submit(resident, "legal_question", "一", QUESTION)
    second = services.submit(resident, "legal_question", "二", QUESTION)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_the_lawyer_answers_the_resident_asks_once_more_then_rates(
    question, staff, resident, django_capture_on_commit_callbacks
):
    with acting("console", user=staff), django_capture_on_commit_callbacks(execute=True):
        services.take_step(staff, question.reference, "answer", "可以申请劳动仲裁。")
    question.refresh_from_db()
    assert (question.status, question.waits_for) == ("answered", "applicant")
    # The resident is told, by email (the staff member was told of the new question before).
    assert any(question.reference in message.subject for message in mail.outbox if message.to == [resident.email])

    services.take_step(resident, question.reference, "follow_up", "需要准备什么材料？")
    services.take_step(staff, question.reference, "answer", "劳动合同和工资条。")
    with pytest.raises(services.FollowUpUsed):
        services.take_step(resident, question.reference, "follow_up", "还有一个问题")
    services.take_step(resident, question.reference, "rate", "", stars=5)

    question.refresh_from_db()
    assert (question.status, question.stars, question.follow_ups) == ("closed", 5, 1)
    assert question.closed_at is not None and question.due_at is None
    timeline = services.timeline_for_applicant(question)
    assert [row["action"] for row in timeline] == ["submitted", "answer", "follow_up", "answer", "rate"]
    # Staff are named by their organisation, never by themselves.
    assert timeline[1]["by"] == {"kind": "staff", "name": question.organisation.name}


def test_a_step_the_status_does_not_allow_is_refused_and_changes_nothing(question, resident, staff):
    with pytest.raises(services.StepNotAllowed) as refused:
        services.take_step(resident, question.reference, "rate", stars=5)
    assert refused.value.code == "step_not_allowed"
    with pytest.raises(services.StepNotAllowed):
        services.take_step(staff, question.reference, "grant", "?")  # not a step of this kind
    question.refresh_from_db()
    assert question.status == "submitted" and question.steps.count() == 1


def test_another_organisations_staff_and_other_residents_find_nothing(question, other_staff, other_resident):
    for person in (other_staff, other_resident):
        with pytest.raises(services.NotFound):
            services.take_step(person, question.reference, "answer", "x")
        with pytest.raises(services.NotFound):
            services.matter_for(person, question.reference)


def test_bad_input_is_refused_before_anything_is_written(desks, resident):
    cases = [
        ("nonsense", "x", {}, services.UnknownType),
        ("follow_up", "x", {}, services.UnknownType),  # opened by the system only
        ("legal_question", "", QUESTION, services.InvalidInput),
        ("legal_question", "x", {}, services.InvalidInput),
        ("legal_question", "x", {"category": "aliens"}, services.InvalidInput),
        ("legal_question", "x", {**QUESTION, "extra": 1}, services.InvalidInput),
        ("legal_question", "x", {"category": ["labour"]}, services.InvalidInput),  # a list is no answer
        ("legal_question", ["x"], QUESTION, services.InvalidInput),
        ("legal_question", "x", ["category"], services.InvalidInput),
    ]
    for kind, text, fields, error in cases:
        with pytest.raises(error):
            services.submit(resident, kind, text, fields)
    assert not Matter.objects.exists() and not Action.objects.exists()


def test_legal_aid_screen_refuses_who_does_not_qualify(desks, resident):
    with pytest.raises(services.NotEligible) as refused:
        services.submit(resident, "legal_aid", "离婚纠纷", {"category": "none", "matter": "family"})
    assert refused.value.code == "not_eligible"
    assert not Matter.objects.exists()


def test_legal_aid_waits_for_its_materials_and_the_clock_starts_when_they_are_complete(desks, resident, staff):
    fields = {"category": "subsistence", "matter": "labour"}
    matter = services.submit(resident, "legal_aid", "追讨工伤赔偿", fields, materials=[("id_card", upload())])
    assert (matter.status, matter.waits_for) == ("awaiting_materials", "applicant")

    later = timezone.now() + timedelta(days=3)
    services.add_material(resident, matter.reference, "hardship_proof", upload(PNG, "低保证.png"), now=later)
    matter.refresh_from_db()
    assert matter.status == "submitted"
    assert matter.due_at == workdays.deadline(later, 7)

    services.take_step(staff, matter.reference, "request_materials", "请补充收入证明")
    matter.refresh_from_db()
    assert (matter.status, matter.waits_for) == ("awaiting_materials", "applicant")
    services.add_material(resident, matter.reference, "case_evidence", upload())
    services.take_step(staff, matter.reference, "grant", "指派王律师，三日内电话联系。")
    matter.refresh_from_db()
    assert matter.status == "granted" and matter.is_closed


def test_a_migrant_worker_claiming_wages_needs_no_economic_check(desks, resident):
    fields = {"category": "unpaid_wages", "matter": "labour"}
    matter = services.submit(
        resident, "legal_aid", "工地欠薪", fields, materials=[("id_card", upload()), ("case_evidence", upload())]
    )
    assert matter.status == "submitted"


def test_materials_are_checked_by_content_and_size(question, resident, settings):
    with pytest.raises(services.UnsupportedType):
        services.add_material(resident, question.reference, "document", upload(b"MZ\x90\x00 not a pdf", "x.pdf"))
    settings.MATTER_MATERIAL_MAX_BYTES = 100
    with pytest.raises(services.TooLarge):
        services.add_material(resident, question.reference, "document", upload(b"%PDF-1.4" + b"0" * 200))
    assert not question.materials.exists()


@responses.activate
def test_the_other_party_of_a_mediation_is_asked_once_by_text_and_may_decline(
    desks, resident, settings, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY_URL = "https://sms.example.test/send"
    responses.post(settings.SMS_GATEWAY_URL, json={"id": "1"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        matter = services.submit(
            resident,
            "mediation",
            "楼上漏水",
            {"category": "neighbours"},
            other_party={"name": "李四", "phone": "13900001111"},
        )
    for callback in callbacks:  # a second run of the task (a retry, a second worker) sends nothing more
        callback()
    to_other_party = [json.loads(call.request.body) for call in responses.calls]
    to_other_party = [body for body in to_other_party if body["to"] == "13900001111"]
    assert len(to_other_party) == 1 and "/matters/respond/" in to_other_party[0]["text"]

    services.other_party_answer(matter.pk, accept=False, text="不想调解")
    matter.refresh_from_db()
    assert matter.status == "refused" and matter.is_closed
    with pytest.raises(services.StepNotAllowed):
        services.other_party_answer(matter.pk, accept=True)


def test_progress_by_reference_and_last_four_digits_says_nothing_personal(question, resident):
    found = services.progress(question.reference, resident.phone[-4:])
    assert found["status"] == "submitted" and len(found["steps"]) == 1
    assert "老板" not in str(found) and resident.name not in str(found)
    for reference, digits in ((question.reference, "0000"), ("ZX-2026-999999", resident.phone[-4:]), ("x", "1")):
        with pytest.raises(services.NotFound):
            services.progress(reference, digits)


def test_staff_reading_a_matter_is_recorded_for_the_applicant(question, staff, resident):
    services.record_view(staff, question)
    services.record_view(resident, question)  # their own reading is not someone seeing their data
    seen = Access.objects.get(person=resident)
    assert (seen.what, seen.matter_reference, seen.organisation_id) == (
        "matter",
        question.reference,
        question.organisation_id,
    )


def test_the_queue_puts_the_overdue_first(desks, resident, staff):
    now = timezone.now()
    late = services.submit(resident, "legal_question", "早", QUESTION, now=now - timedelta(days=30))
    fresh = services.submit(resident, "legal_question", "晚", QUESTION, now=now)
    queue = list(services.queue_of(staff, status="open"))
    assert queue[:2] == [late, fresh]
    assert list(services.queue_of(staff, overdue=True)) == [late]


def test_after_the_retention_period_text_and_files_go_and_the_figures_stay(
    question, resident, staff, settings, django_capture_on_commit_callbacks
):
    material = services.add_material(resident, question.reference, "document", upload())
    stored = material.file.name
    services.take_step(staff, question.reference, "answer", "答复")
    services.take_step(resident, question.reference, "rate", stars=4)
    question.refresh_from_db()

    assert services.purge_expired(now=question.closed_at + timedelta(days=settings.MATTER_RETENTION_DAYS - 1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired(now=question.closed_at + timedelta(days=settings.MATTER_RETENTION_DAYS + 1)) == 1
    question.refresh_from_db()
    assert question.text == "" and not question.materials.exists() and question.purged_at is not None
    assert not material.file.storage.exists(stored)
    assert (question.status, question.stars, question.steps.count()) == ("closed", 4, 3)
    assert set(question.steps.values_list("text", flat=True)) == {""}


def test_waits_that_ran_out_close_where_the_kind_says_so(desks, resident, staff, settings):
    past = timezone.now() - timedelta(days=60)
    answered = services.submit(resident, "legal_question", "问", QUESTION, now=past)
    services.take_step(staff, answered.reference, "answer", "答", now=past)
    mediation = services.submit(
        resident, "mediation", "漏水", {"category": "neighbours"}, {"name": "李四", "phone": "13900001111"}, now=past
    )
    waiting = services.submit(resident, "legal_aid", "欠薪", {"category": "unpaid_wages", "matter": "labour"}, now=past)
    fresh = services.submit(resident, "legal_question", "新", QUESTION)
    services.take_step(staff, fresh.reference, "answer", "答")

    assert services.lapse_waiting_matters() == 2
    assert services.lapse_waiting_matters() == 0  # a second run changes nothing
    statuses = {m.reference: m.status for m in Matter.objects.all()}
    assert statuses[answered.reference] == "closed"
    assert statuses[mediation.reference] == "refused"
    assert statuses[waiting.reference] == "awaiting_materials"
    assert statuses[fresh.reference] == "answered"

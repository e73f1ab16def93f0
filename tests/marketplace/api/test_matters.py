"""Matters through the JSON API (API.md, “Matters: questions, mediation, legal aid, demands”)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.api import matters as matters_api
from marketplace.audit.context import acting
from marketplace.audit.models import Access, Action
from marketplace.matters import services
from marketplace.matters.models import Desk, Material, Matter, MatterStep
from marketplace.users.services import add_dependant
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error, authorised_client
from tests.marketplace.matters.conftest import PDF, PNG

QUESTION = {"type": "legal_question", "text": "老板拖欠工资三个月，怎么办？", "fields": {"category": "labour"}}
MEDIATION = {
    "type": "mediation",
    "text": "楼上漏水，多次协商未果。",
    "fields": {"category": "neighbours"},
    "other_party": {"name": "李四", "phone": "13987654321"},
}
LEGAL_AID = {
    "type": "legal_aid",
    "text": "工伤赔偿，单位不认。",
    "fields": {"category": "subsistence", "matter": "labour"},
}


@pytest.fixture
def desks(provider, other_provider):
    """The provider takes every kind of matter (the default), the other provider too."""
    for kind in ("legal_question", "mediation", "legal_aid", "follow_up"):
        Desk.objects.create(kind=kind, organisation=provider, is_default=True)
        Desk.objects.create(kind=kind, organisation=other_provider)
    return provider


@pytest.fixture(autouse=True)
def in_english(settings):
    """The answers read in English (the site's default is Chinese), so the labels asserted read plainly here."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff_api(staff):
    return authorised_client(staff)


@pytest.fixture
def other_staff_api(other_staff):
    return authorised_client(other_staff)


def post(client, path, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}{path}", data, content_type="application/json")


def submitted(client, body=QUESTION):
    response = post(client, "/matters", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def question(desks, resident):
    with acting("web", user=resident):
        return services.submit(resident, "legal_question", "加班费怎么算？", {"category": "labour"})


def answered(matter, staff, text="按劳动法第四十四条计算。"):
    with acting("console", user=staff):
        return services.take_step(staff, matter.reference, "answer", text)


def nothing_recorded():
    return (Matter.objects.count(), MatterStep.objects.count(), Material.objects.count(), Action.objects.count())


# --- the kinds ------------------------------------------------------------------------


def test_matter_types_are_public_and_say_what_each_asks_for(api, desks, provider, other_provider):
    response = api.get(f"{API}/matter-types")

    assert response.status_code == 200, response.content
    types = {each["code"]: each for each in response.json()}
    # a rating's follow-up is not applied for
    assert set(types) == {"legal_question", "mediation", "legal_aid", "outreach_request"}
    category = types["legal_question"]["fields"][0]
    assert (category["name"], category["kind"], category["required"]) == ("category", "choice", True)
    assert {"value": "labour", "label": "Work and wages"} in category["choices"]
    assert {"kind": "id_card", "label": "ID card (both sides)", "required": True} in types["legal_aid"]["materials"]
    assert types["mediation"]["description"]
    assert types["legal_aid"]["organisations"] == [
        {"id": provider.pk, "name": provider.name},  # the default first
        {"id": other_provider.pk, "name": other_provider.name},
    ]


def test_a_lecture_request_of_the_menu_is_offered_and_submitted_through_the_api(resident_api, sector, provider):
    from catalog.services import add_offering, create_service

    lecture = create_service(
        "法治大讲堂", sector.add_child(name="法治宣传", slug="legal-education"), slug="law-lecture"
    )
    add_offering(lecture, provider)
    types = {each["code"]: each for each in resident_api.get(f"{API}/matter-types").json()}
    topic = types["outreach_request"]["fields"][0]
    assert (topic["name"], topic["kind"], topic["choices"]) == (
        "service",
        "choice",
        [{"value": "law-lecture", "label": "法治大讲堂"}],
    )
    assert types["outreach_request"]["organisations"] == [{"id": provider.pk, "name": provider.name}]
    details = {
        "service": "law-lecture",
        "organisation_name": "金马社区居委会",
        "venue": "community",
        "contact_name": "刘主任",
        "contact_phone": "13911112222",
        "preferred_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "audience": "40",
        "address": "金马社区市民驿站",
    }
    matter = submitted(resident_api, {"type": "outreach_request", "text": "民法典", "fields": details})
    assert matter["reference"].startswith("JJ-") and matter["organisation"]["id"] == provider.pk
    assert matter["fields"]["audience"] == 40
    response = post(
        resident_api, "/matters", {"type": "outreach_request", "text": "x", "fields": {**details, "audience": "0"}}
    )
    assert_error(response, 400, "invalid")


# --- submitting -------------------------------------------------------------------------


def test_a_question_is_submitted_with_a_reference_and_a_deadline(desks, resident_api, resident, provider):
    matter = submitted(resident_api)

    assert matter["reference"].startswith("ZX-") and len(matter["reference"]) == len("ZX-2026-000001")
    assert matter["type"]["code"] == "legal_question"
    assert matter["status"] == "submitted"
    assert matter["status_label"] == "Waiting for the lawyer's answer"
    assert matter["applicant"] == {"name": "张三"}
    assert matter["organisation"] == {"id": provider.pk, "name": provider.name}
    assert matter["other_party"] is None and matter["dependant"] is None and matter["assignee"] is None
    assert matter["due_at"] > matter["submitted_at"] and matter["closed_at"] is None
    assert matter["submitted_at"].endswith("+08:00")
    assert matter["timeline"] == [
        {"at": matter["submitted_at"], "status": "submitted", "action": "submitted", "by": {"kind": "resident"}}
    ]
    assert matter["materials"] == [] and matter["bookings"] == []
    stored = Matter.objects.get(reference=matter["reference"])
    assert (stored.applicant, stored.channel, stored.text) == (resident, "api", QUESTION["text"])
    entry = Action.objects.get(matter_reference=stored.reference)
    assert (entry.action, entry.door, entry.actor_kind) == ("matter_submitted", "api", "resident")


def test_a_mediation_names_the_other_party_with_the_phone_masked(desks, resident_api):
    matter = submitted(resident_api, MEDIATION)

    assert matter["status"] == "awaiting_other_party"
    assert matter["other_party"] == {"name": "李四", "phone": "139****4321"}
    assert "13987654321" not in json.dumps(matter)


def test_for_a_dependant_at_a_chosen_organisation(desks, resident, resident_api, other_provider):
    mother = add_dependant(resident, "王秀英", "parent", "13700001111")

    matter = submitted(resident_api, {**QUESTION, "dependant": mother.pk, "organisation": other_provider.pk})

    assert matter["dependant"] == {"id": mother.pk, "name": "王秀英", "relation": "parent"}
    assert matter["organisation"]["id"] == other_provider.pk


def test_legal_aid_waits_for_its_materials_then_goes_to_be_decided(desks, resident_api):
    matter = submitted(resident_api, LEGAL_AID)
    assert matter["status"] == "awaiting_materials"
    path = f"{API}/matters/{matter['reference']}/materials"

    first = resident_api.post(path, {"kind": "id_card", "file": upload(PNG, "身份证.png")})
    second = resident_api.post(path, {"kind": "hardship_proof", "file": upload(PDF, "低保证.pdf")})

    assert first.status_code == second.status_code == 201, (first.content, second.content)
    assert first.json()["name"] == "身份证.png" and first.json()["kind"] == "id_card"
    assert first.json()["size"] == len(PNG)
    after = resident_api.get(f"{API}/matters/{matter['reference']}").json()
    assert after["status"] == "submitted"
    assert [m["kind"] for m in after["materials"]] == ["id_card", "hardship_proof"]
    assert [step["action"] for step in after["timeline"]] == ["submitted", "wait_for_materials", "materials_complete"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({**QUESTION, "type": "divorce"}, 400, "unknown_type", id="unknown type"),
        pytest.param({**QUESTION, "type": "follow_up"}, 400, "unknown_type", id="not for residents"),
        pytest.param({**QUESTION, "fields": {}}, 400, "invalid", id="required field missing"),
        pytest.param({**QUESTION, "fields": {"category": "space"}}, 400, "invalid", id="unknown choice"),
        pytest.param({**QUESTION, "fields": {"category": ["labour"]}}, 400, "invalid", id="a list as answer"),
        pytest.param({**QUESTION, "fields": {"colour": "red"}}, 400, "invalid", id="unknown field"),
        pytest.param({**QUESTION, "text": "   "}, 400, "invalid", id="blank text"),
        pytest.param({**QUESTION, "text": "问" * 4001}, 400, "invalid", id="text too long"),
        pytest.param({"text": "没有类型"}, 400, "invalid", id="type missing"),
        pytest.param({**QUESTION, "other_party": {"name": "李四", "phone": "13987654321"}}, 400, "invalid", id="party"),
        pytest.param({**MEDIATION, "other_party": None}, 400, "invalid", id="mediation without the other party"),
        pytest.param({**MEDIATION, "other_party": {"name": "李四", "phone": "12345"}}, 400, "invalid", id="bad phone"),
        pytest.param({**QUESTION, "dependant": 999_999}, 400, "invalid", id="somebody's dependant"),
        pytest.param({**QUESTION, "organisation": 999_999}, 400, "invalid", id="organisation without a desk"),
        pytest.param(
            {**LEGAL_AID, "fields": {"category": "none", "matter": "labour"}}, 409, "not_eligible", id="legal aid"
        ),
        pytest.param("{not json", 400, "invalid", id="not JSON"),
    ],
)
def test_a_refused_submission_changes_nothing(desks, resident_api, body, status, code):
    before = nothing_recorded()

    body = assert_error(post(resident_api, "/matters", body), status, code)

    assert nothing_recorded() == before
    if code == "not_eligible":
        assert "12348" in body["detail"]  # where to go instead


def test_when_nobody_takes_the_kind_yet(resident_api, db):
    assert_error(post(resident_api, "/matters", QUESTION), 409, "not_available")

    assert Matter.objects.count() == 0


def test_the_refusal_is_in_the_requests_language(resident_api):
    response = resident_api.get(f"{API}/provider/matters", headers={"accept-language": "zh-hans"})

    body = assert_error(response, 403, "not_staff")
    assert body["detail"] == "只有机构的工作人员才能查看其事项。"


def test_every_resident_endpoint_needs_a_token(api, question):
    reference = question.reference
    for method, path in [
        ("post", "/matters"),
        ("get", "/matters"),
        ("get", f"/matters/{reference}"),
        ("post", f"/matters/{reference}/materials"),
        ("post", f"/matters/{reference}/follow-up"),
        ("get", "/provider/matters"),
        ("post", f"/provider/matters/{reference}/steps"),
    ]:
        assert_error(getattr(api, method)(f"{API}{path}"), 401, "unauthorized")


# --- reading one's own ---------------------------------------------------------------------


def test_the_list_has_the_callers_matters_newest_first(desks, resident_api, other_api):
    first = submitted(resident_api)
    second = submitted(resident_api, MEDIATION)
    submitted(other_api)

    results = resident_api.get(f"{API}/matters").json()["results"]

    assert [each["reference"] for each in results] == [second["reference"], first["reference"]]


def test_the_list_asks_the_database_the_same_number_of_times_for_one_or_many(
    desks, resident, resident_api, django_assert_max_num_queries
):
    for _ in range(6):
        submitted(resident_api)
    with django_assert_max_num_queries(12):
        assert len(resident_api.get(f"{API}/matters").json()["results"]) == 6


def test_a_matter_shows_its_timeline_with_staff_named_by_their_organisation(question, staff, resident_api, provider):
    answered(question, staff)

    matter = resident_api.get(f"{API}/matters/{question.reference.lower()}").json()

    assert matter["status"] == "answered"
    answer = matter["timeline"][-1]
    assert answer["by"] == {"kind": "staff", "name": provider.name}
    assert answer["text"] == "按劳动法第四十四条计算。"
    assert staff.get_full_name() not in json.dumps(matter, ensure_ascii=False)


def test_someone_elses_or_an_unknown_matter_is_not_found(question, other_api, staff_api):
    for client in (other_api, staff_api):  # staff read matters through the provider endpoints only
        body = assert_error(client.get(f"{API}/matters/{question.reference}"), 404, "not_found")
        assert question.reference not in body["detail"]
    assert_error(other_api.get(f"{API}/matters/ZX-2000-000001"), 404, "not_found")
    assert_error(other_api.get(f"{API}/matters/nonsense"), 404, "not_found")
    assert other_api.get(f"{API}/matters").json() == {"results": []}
    assert not Access.objects.exists()


# --- materials ----------------------------------------------------------------------------------


def upload(content=PDF, name="evidence.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add(client, matter, kind="document", content=PDF, name="证据.pdf"):
    return client.post(f"{API}/matters/{matter.reference}/materials", {"kind": kind, "file": upload(content, name)})


def test_a_material_is_added_and_kept_privately(question, resident_api):
    response = add(resident_api, question)

    assert response.status_code == 201, response.content
    body = response.json()
    material = Material.objects.get(pk=body["id"])
    assert body == {
        "id": material.pk,
        "kind": "document",
        "name": "证据.pdf",
        "size": len(PDF),
        "uploaded_at": body["uploaded_at"],
    }
    assert material.content_type == "application/pdf"
    assert material.file.read() == PDF
    assert Action.objects.get(action="material_added").door == "api"


@pytest.mark.parametrize(
    ("kind", "content", "status", "code"),
    [
        pytest.param("document", b"MZ\x90\x00 not a document at all", 415, "unsupported_type", id="an executable"),
        pytest.param("document", b"<html><script>alert(1)</script></html>", 415, "unsupported_type", id="html as pdf"),
        pytest.param("document", b"", 400, "invalid", id="empty"),
        pytest.param("id_card", PDF, 400, "invalid", id="a kind the type has not"),
    ],
)
def test_a_refused_file_leaves_nothing_behind(question, resident_api, kind, content, status, code):
    before = nothing_recorded()

    assert_error(add(resident_api, question, kind=kind, content=content, name="证据.pdf"), status, code)

    assert nothing_recorded() == before


def test_a_file_too_large(question, resident_api, settings):
    settings.MATTER_MATERIAL_MAX_BYTES = 1024

    assert_error(add(resident_api, question, content=PDF + b"0" * 1024), 413, "too_large")

    assert not Material.objects.exists()


def test_a_file_needs_its_kind_and_its_file(question, resident_api):
    path = f"{API}/matters/{question.reference}/materials"
    assert_error(resident_api.post(path, {"file": upload()}), 400, "invalid")
    assert_error(resident_api.post(path, {"kind": "document"}), 400, "invalid")
    assert_error(post(resident_api, f"/matters/{question.reference}/materials", {"kind": "document"}), 400, "invalid")
    assert not Material.objects.exists()


def test_not_now_once_answered(question, staff, resident_api):
    answered(question, staff)

    assert_error(add(resident_api, question), 409, "not_now")

    assert not Material.objects.exists()


def test_not_to_someone_elses_matter(question, other_api, staff_api):
    for client in (other_api, staff_api):
        assert_error(add(client, question), 404, "not_found")
    assert not Material.objects.exists()


# --- the follow-up question -----------------------------------------------------------------------


def test_one_follow_up_question_then_follow_up_used(question, staff, resident_api):
    path = f"/matters/{question.reference}/follow-up"
    assert_error(post(resident_api, path, {"text": "还没回答呢"}), 409, "step_not_allowed")
    answered(question, staff)

    response = post(resident_api, path, {"text": "需要准备什么材料？"})

    assert response.status_code == 201, response.content
    matter = response.json()
    assert matter["status"] == "follow_up"
    assert matter["timeline"][-1] == {
        "at": matter["timeline"][-1]["at"],
        "status": "follow_up",
        "action": "follow_up",
        "by": {"kind": "resident"},
        "text": "需要准备什么材料？",
    }
    answered(question, staff, "劳动合同和工资条。")
    steps = MatterStep.objects.count()

    assert_error(post(resident_api, path, {"text": "再问一个"}), 409, "follow_up_used")

    question.refresh_from_db()
    assert (question.status, question.follow_ups, MatterStep.objects.count()) == ("answered", 1, steps)


def test_a_follow_up_needs_text_and_ones_own_matter(question, staff, resident_api, other_api):
    answered(question, staff)
    path = f"/matters/{question.reference}/follow-up"

    assert_error(post(resident_api, path, {"text": " "}), 400, "invalid")
    assert_error(post(resident_api, path, {}), 400, "invalid")
    assert_error(post(other_api, path, {"text": "我也想问"}), 404, "not_found")

    question.refresh_from_db()
    assert (question.status, question.follow_ups) == ("answered", 0)


def test_a_mediation_has_no_follow_up(desks, resident_api):
    matter = submitted(resident_api, MEDIATION)

    assert_error(
        post(resident_api, f"/matters/{matter['reference']}/follow-up", {"text": "?"}), 409, "step_not_allowed"
    )


# --- the public progress lookup -----------------------------------------------------------------------


def test_progress_with_the_reference_and_the_last_four_digits(question, staff, api):
    answered(question, staff)

    response = api.get(f"{API}/progress/{question.reference}", {"phone_last4": "5678"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == question.reference
    assert body["type"]["code"] == "legal_question"
    assert (body["status"], body["status_label"]) == ("answered", "Answered: read it, ask one follow-up or rate it")
    assert [step["status_label"] for step in body["steps"]] == [
        "Waiting for the lawyer's answer",
        "Answered: read it, ask one follow-up or rate it",
    ]
    text = response.content.decode()
    for personal in ("张三", "加班费", "第四十四条", "13812345678", "拓东"):
        assert personal not in text


def test_wrong_digits_and_unknown_references_are_answered_alike(question, api):
    wrong = assert_error(api.get(f"{API}/progress/{question.reference}", {"phone_last4": "1234"}), 404, "not_found")
    unknown = assert_error(api.get(f"{API}/progress/ZX-2000-000001", {"phone_last4": "5678"}), 404, "not_found")
    missing = assert_error(api.get(f"{API}/progress/{question.reference}"), 404, "not_found")

    assert wrong == unknown == missing


def test_too_many_lookups_are_refused_with_retry_after(question, api, monkeypatch, time_machine):
    time_machine.move_to(timezone.now(), tick=False)  # the count's window does not turn over mid-test
    monkeypatch.setattr(matters_api, "PROGRESS_RATE", "3/m")
    for _ in range(3):
        api.get(f"{API}/progress/{question.reference}", {"phone_last4": "0000"})

    response = api.get(f"{API}/progress/{question.reference}", {"phone_last4": "5678"})

    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    # Another address is still answered.
    other = Client(REMOTE_ADDR="10.0.0.9").get(f"{API}/progress/{question.reference}", {"phone_last4": "5678"})
    assert other.status_code == 200


# --- staff --------------------------------------------------------------------------------------------


def test_the_queue_has_the_organisations_matters_oldest_deadline_first(
    desks, resident, other_resident, staff_api, other_provider
):
    with acting("web", user=resident):
        later = services.submit(resident, "legal_question", "一", {"category": "labour"})
        sooner = services.submit(other_resident, "legal_question", "二", {"category": "debt"})
        elsewhere = services.submit(resident, "legal_question", "三", {"category": "debt"}, organisation=other_provider)
    Matter.objects.filter(pk=sooner.pk).update(due_at=later.due_at - timedelta(days=1))

    response = staff_api.get(f"{API}/provider/matters")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [each["reference"] for each in body["results"]] == [sooner.reference, later.reference]
    assert (body["count"], body["page"]) == (2, 1)
    assert body["results"][0]["status_label"] == "Awaiting the answer"  # the console's words
    # The staff read what they answer (an addition to API.md's matter).
    assert (body["results"][0]["text"], body["results"][0]["fields"]) == ("二", {"category": "debt"})
    assert elsewhere.reference not in response.content.decode()


def test_the_queue_filters_by_status_and_lateness(desks, resident, staff, staff_api):
    with acting("web", user=resident):
        late = services.submit(resident, "legal_question", "一", {"category": "labour"})
        done = services.submit(resident, "legal_question", "二", {"category": "labour"})
    answered(done, staff)
    Matter.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))

    def references(**query):
        response = staff_api.get(f"{API}/provider/matters", query)
        assert response.status_code == 200, response.content
        return [each["reference"] for each in response.json()["results"]]

    assert references(overdue="true") == [late.reference]
    assert references(status="answered") == [done.reference]
    assert references(status="open") == [late.reference, done.reference]
    assert references(status="closed") == []
    assert references(status="", overdue="") == [late.reference, done.reference]
    assert references(page=2, page_size=1) == [done.reference]
    assert_error(staff_api.get(f"{API}/provider/matters", {"page_size": 1000}), 400, "invalid")


def test_reading_the_queue_is_written_down_for_the_applicant(question, staff_api, resident_api, provider):
    staff_api.get(f"{API}/provider/matters")

    access = Access.objects.get()
    assert (access.what, access.organisation, access.matter_reference) == ("matter", provider, question.reference)
    log = resident_api.get(f"{API}/me/access-log").json()["results"]
    assert [(entry["what"], entry["organisation"]["name"]) for entry in log] == [("matter", provider.name)]


def test_residents_are_not_staff(question, resident_api):
    assert_error(resident_api.get(f"{API}/provider/matters"), 403, "not_staff")
    assert_error(
        post(resident_api, f"/provider/matters/{question.reference}/steps", {"action": "withdraw"}), 403, "not_staff"
    )
    question.refresh_from_db()
    assert question.status == "submitted"


def test_another_organisations_staff_see_nothing_of_it(question, other_staff_api):
    assert other_staff_api.get(f"{API}/provider/matters").json()["results"] == []

    body = assert_error(
        post(other_staff_api, f"/provider/matters/{question.reference}/steps", {"action": "answer", "text": "x"}),
        404,
        "not_found",
    )

    assert question.reference not in body["detail"]
    question.refresh_from_db()
    assert (question.status, question.steps.count()) == ("submitted", 1)
    assert not Access.objects.exists()


def step(client, matter, **body):
    return post(client, f"/provider/matters/{matter.reference}/steps", body)


def test_staff_answer_a_question(question, staff_api, provider):
    response = step(staff_api, question, action="answer", text="可以申请劳动仲裁。")

    assert response.status_code == 200, response.content
    matter = response.json()
    assert (matter["status"], matter["status_label"]) == ("answered", "Answered")
    assert matter["timeline"][-1]["by"] == {"kind": "staff", "name": provider.name}
    entry = Action.objects.filter(action="matter_step").get()
    assert (entry.door, entry.actor_kind, entry.detail["step"]) == ("api", "staff", "answer")
    assert Access.objects.filter(what="matter", matter_reference=question.reference).count() == 1


def test_staff_assign_a_handler_and_transfer(question, staff, staff_api, other_provider, make_user):
    colleague = make_user(email="lawyer@tuodong.example", name="刘律师", phone="13700000003")
    question.organisation.users.add(colleague)

    assigned = step(staff_api, question, action="assign", assignee=colleague.pk)
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assignee"] == {"name": "刘律师"}

    moved = step(staff_api, question, action="transfer", to=other_provider.pk, text="属于鼓楼辖区")
    assert moved.status_code == 200, moved.content
    assert moved.json()["organisation"]["id"] == other_provider.pk
    assert moved.json()["assignee"] is None
    # Now it is the other organisation's: gone from this queue.
    assert_error(step(staff_api, question, action="answer", text="?"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"action": "grant", "text": "x"}, 409, "step_not_allowed", id="a step the kind has not"),
        pytest.param({"action": "follow_up", "text": "x"}, 409, "step_not_allowed", id="the applicant's step"),
        pytest.param({"action": "answer"}, 400, "invalid", id="an answer without text"),
        pytest.param({"action": "assign", "assignee": 999_999}, 400, "invalid", id="nobody of the staff"),
        pytest.param({"action": "transfer", "to": 999_999, "text": "x"}, 400, "invalid", id="nowhere to transfer"),
        pytest.param({"text": "x"}, 400, "invalid", id="no action"),
        pytest.param({"action": 5}, 400, "invalid", id="action not text"),
    ],
)
def test_a_refused_step_changes_nothing(question, staff_api, body, status, code):
    before = nothing_recorded()

    assert_error(step(staff_api, question, **body), status, code)

    question.refresh_from_db()
    assert (question.status, question.assignee, question.organisation_id) == (
        "submitted",
        None,
        question.organisation_id,
    )
    assert nothing_recorded() == before


def test_no_step_after_closing(question, staff, staff_api, resident):
    answered(question, staff)
    services.take_step(resident, question.reference, "rate", "", stars=4)

    assert_error(step(staff_api, question, action="answer", text="补充"), 409, "step_not_allowed")


def test_staff_may_not_record_an_agreement_before_it_is_uploaded(desks, resident, staff_api, resident_api):
    with acting("web", user=resident):
        matter = services.submit(
            resident, "mediation", "噪音", {"category": "neighbours"}, {"name": "李四", "phone": "13987654321"}
        )
    services.other_party_answer(matter.pk, accept=True)

    assert_error(step(staff_api, matter, action="agree", text="赔偿 500 元"), 409, "materials_missing")

    matter.refresh_from_db()
    assert matter.status == "in_mediation"
    mine = resident_api.get(f"{API}/matters/{matter.reference}").json()
    assert mine["timeline"][-1] == {
        "at": mine["timeline"][-1]["at"],
        "status": "in_mediation",
        "action": "accept",
        "by": {"kind": "other_party"},
    }


def test_staff_grant_legal_aid(desks, resident, resident_api, staff_api):
    matter = submitted(resident_api, {**LEGAL_AID, "fields": {"category": "unpaid_wages", "matter": "labour"}})
    path = f"{API}/matters/{matter['reference']}/materials"
    resident_api.post(path, {"kind": "id_card", "file": upload(PNG, "id.png")})
    resident_api.post(path, {"kind": "case_evidence", "file": upload(PDF, "pay.pdf")})
    found = Matter.objects.get(reference=matter["reference"])

    assert step(staff_api, found, action="accept").json()["status"] == "reviewing"
    granted = step(staff_api, found, action="grant", text="指派王律师，三日内联系。").json()

    assert granted["status"] == "granted" and granted["closed_at"] is not None and granted["due_at"] is None
    mine = resident_api.get(f"{API}/matters/{matter['reference']}").json()
    assert mine["status_label"] == "Legal aid granted"
    assert mine["timeline"][-1]["text"] == "指派王律师，三日内联系。"


# --- the resident's data ------------------------------------------------------------------------------


def test_the_export_has_the_matters_with_their_timelines(question, staff, staff_api, resident_api, provider):
    answered(question, staff)
    staff_api.get(f"{API}/provider/matters")

    data = resident_api.get(f"{API}/me/export").json()

    (matter,) = data["matters"]
    assert matter["reference"] == question.reference
    assert matter["text"] == "加班费怎么算？"
    assert matter["fields"] == {"category": "labour"}
    assert [(step["action"], step["by"]["kind"]) for step in matter["timeline"]] == [
        ("submitted", "resident"),
        ("answer", "staff"),
    ]
    assert matter["timeline"][-1]["by"]["name"] == provider.name
    assert matter["timeline"][-1]["text"] == "按劳动法第四十四条计算。"
    assert {"what": "matter", "matter": question.reference}.items() <= data["access_log"][0].items()


def test_the_web_download_and_page_have_the_matters(desks, resident, resident_api):
    submitted(resident_api, MEDIATION)
    browser = Client()
    assert browser.login(username=resident.email, password=PASSWORD)

    download = json.loads(browser.get(reverse("my-data-download")).content)
    page = browser.get(reverse("my-data")).content.decode()

    assert download["matters"][0]["other_party"] == {"name": "李四", "phone": "13987654321"}  # the own copy
    assert download["matters"][0]["reference"] in page
    assert "楼上漏水" in page
    assert "139****4321" in page and "13987654321" not in page

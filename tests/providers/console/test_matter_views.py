"""The station's matters in the console (issue 20), and the district's view of them, as staff use them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.models import Access, Action
from marketplace.matters import services, workdays
from marketplace.matters.models import Desk, Matter
from providers.models import Street
from tests.conftest import ended_booking
from tests.marketplace.matters.conftest import PNG, upload

# "Today" and "this week" are the local calendar's: at 10:00 local time, whatever the hour the tests run.
pytestmark = pytest.mark.usefixtures("daytime")

QUESTION = {"category": "labour"}
AID = {"category": "subsistence", "matter": "labour"}
OTHER_PARTY = {"name": "王邻居", "phone": "13911112222"}


@pytest.fixture
def desks(provider, other_provider):
    for kind in ("legal_question", "mediation", "legal_aid", "follow_up"):
        Desk.objects.create(kind=kind, organisation=provider, is_default=True)
        Desk.objects.create(kind=kind, organisation=other_provider)
    return provider


@pytest.fixture
def ask(desks, resident):
    def make(text="老板拖欠工资三个月，怎么办？", **extra):
        return services.submit(resident, "legal_question", text, QUESTION, **extra)

    return make


@pytest.fixture
def aid(desks, resident):
    """A complete legal-aid application: waiting for the organisation's decision."""
    return services.submit(
        resident,
        "legal_aid",
        "工伤赔偿，需要律师",
        AID,
        materials=[("id_card", upload(PNG, "id.png")), ("hardship_proof", upload())],
    )


@pytest.fixture
def mediation(desks, resident):
    return services.submit(resident, "mediation", "楼上漏水", {"category": "neighbours"}, other_party=OTHER_PARTY)


@pytest.fixture
def console(client, staff):
    client.force_login(staff)
    return client


def queue_url(provider, query=""):
    return reverse("provider:matters", kwargs={"partner_id": provider.pk}) + query


def matter_url(matter, name="provider:matter"):
    return reverse(name, kwargs={"partner_id": matter.organisation_id, "reference": matter.reference})


def due_on(matter, day):
    """Put the matter's deadline at the end of ``day`` (a local date)."""
    Matter.objects.filter(pk=matter.pk).update(due_at=workdays.end_of(day))


def today():
    return workdays.local_day(timezone.now())


def grouped(response):
    return {key: [matter.reference for matter in rows] for key, _label, rows, _count in response.context["groups"]}


def reload(matter):
    matter.refresh_from_db()
    return matter


# --- the queue --------------------------------------------------------------------


def test_the_queue_groups_open_matters_by_deadline_most_urgent_first(console, provider, ask, mediation, resident):
    day = today()
    late = ask("一")
    later_late = ask("二")
    due_today = ask("三")
    this_week = ask("四")
    later = ask("五")
    closed = ask("六")
    due_on(late, day - timedelta(days=9))
    due_on(later_late, day - timedelta(days=2))
    due_on(due_today, day)
    week_day = day + timedelta(days=1) if day.weekday() < 6 else day  # on a Sunday the week ends today
    due_on(this_week, week_day)
    due_on(later, day + timedelta(days=10))
    services.take_step(resident, closed.reference, "withdraw")

    response = console.get(queue_url(provider))

    assert response.status_code == 200
    groups = grouped(response)
    expected_week = "week" if day.weekday() < 6 else "today"
    assert groups["overdue"] == [late.reference, later_late.reference]  # the longest past deadline first
    assert groups["today"] == [due_today.reference] + ([this_week.reference] if expected_week == "today" else [])
    if expected_week == "week":
        assert groups["week"] == [this_week.reference]
    assert groups["later"] == [later.reference]
    # The mediation waits for the other party's consent, not for the station.
    assert groups["waiting"] == [mediation.reference]
    assert list(groups) == [key for key in ("overdue", "today", "week", "later", "waiting") if key in groups]
    assert [matter.reference for matter in response.context["closed"]] == [closed.reference]

    html = response.content.decode()
    # Overdue matters say by how many working days (or, over a weekend with none yet, that they are overdue).
    rows = {m.reference: m for m in response.context["groups"][0][2]}
    assert rows[late.reference].working_days_late == workdays.working_days_between(day - timedelta(days=9), day)
    assert rows[late.reference].working_days_late >= 5
    assert html.count('class="text-danger matter-late"') == 2
    assert html.index(late.reference) < html.index(due_today.reference) < html.index(later.reference)
    # The closed ones are folded away; the applicant's name is masked in the list and the phone absent.
    assert "<details>" in html and "张*" in html and "张三" not in html and resident.phone not in html
    # The navigation counts the open ones.
    assert 'id="open-matter-count"' in html and response.context["open_count"] == 6


def test_a_long_group_lists_its_first_matters_and_says_how_many_there_are(console, provider, ask, monkeypatch):
    from marketplace.matters import staff_reads

    monkeypatch.setattr(staff_reads, "GROUP_SIZE", 2)
    first, second, third = ask("一"), ask("二"), ask("三")

    response = console.get(queue_url(provider))

    # All three are due on the same day: this week or later, by the weekday the test runs on.
    ((group, listed),) = grouped(response).items()
    assert listed == [first.reference, second.reference]
    assert response.context["open_count"] == 3
    html = response.content.decode()
    assert f'id="group-{group}-more"' in html and third.reference not in html


def test_the_queue_filters_by_kind_status_handler_and_lateness(console, provider, staff, ask, aid, mediation):
    question = ask()
    late = ask("晚了")
    due_on(late, today() - timedelta(days=5))
    services.take_step(staff, question.reference, "assign", assignee=staff.pk)

    def shown(query):
        response = console.get(queue_url(provider, query))
        assert response.status_code == 200
        return sorted(ref for refs in grouped(response).values() for ref in refs)

    assert shown("?kind=legal_aid") == [aid.reference]
    assert shown("?kind=mediation") == [mediation.reference]
    assert shown("?status=mediation:awaiting_other_party") == [mediation.reference]
    assert shown("?mine=1") == [question.reference]
    assert shown("?overdue=1") == [late.reference]
    assert shown("?kind=legal_question&status=legal_aid:submitted") == []
    # A value that cannot be used is ignored, and the page says so.
    response = console.get(queue_url(provider, "?status=nonsense"))
    assert response.status_code == 200 and response.context["form"].errors
    assert len([ref for refs in grouped(response).values() for ref in refs]) == 4


def test_the_queue_reads_the_same_number_of_queries_for_3_or_30_matters(
    console, provider, ask, django_assert_max_num_queries
):
    # One query lists each group that has matters: both pages have the same groups (overdue, today, later).
    offsets = (-3, 0, 10)
    for offset in offsets:
        due_on(ask(f"问题{offset}"), today() + timedelta(days=offset))
    with django_assert_max_num_queries(40) as few:
        assert console.get(queue_url(provider)).status_code == 200

    for number in range(27):
        due_on(ask(f"更多问题{number}"), today() + timedelta(days=offsets[number % 3]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = console.get(queue_url(provider))
    assert sum(len(rows) for _key, _label, rows, _count in response.context["groups"]) == 30


def test_closed_matters_are_paginated_latest_first(console, provider, ask, resident):
    matters = [ask(f"问题{number}") for number in range(22)]
    for number, matter in enumerate(matters):
        services.take_step(resident, matter.reference, "withdraw", now=timezone.now() + timedelta(minutes=number))

    first = console.get(queue_url(provider))
    second = console.get(queue_url(provider, "?page=2"))

    assert [m.reference for m in first.context["closed"]] == [m.reference for m in reversed(matters)][:20]
    assert [m.reference for m in second.context["closed"]] == [matters[1].reference, matters[0].reference]
    assert "<details open>" in second.content.decode()


# --- one matter -----------------------------------------------------------------------


def test_the_matter_page_shows_staff_everything_with_phones_masked_and_records_the_view(
    console, provider, staff, mediation, resident
):
    services.add_material(resident, mediation.reference, "evidence", upload(name="漏水照片.pdf"))
    services.take_step(staff, mediation.reference, "assign", assignee=staff.pk)

    response = console.get(matter_url(mediation))

    assert response.status_code == 200
    html = response.content.decode()
    assert mediation.reference in html and "楼上漏水" in html
    assert "张三" in html and "138****5678" in html and resident.phone not in html
    assert "王邻居" in html and "139****2222" in html and OTHER_PARTY["phone"] not in html
    assert str(dict(mediation.kind_spec.fields[0].choices)["neighbours"]) in html  # the choice's label
    material = mediation.materials.get()
    assert reverse("matters:material", args=[material.pk]) in html and "漏水照片.pdf" in html
    # The timeline names the staff member who assigned it.
    assert [row["action"] for row in response.context["timeline"]] == ["submitted", "assign"]
    assert staff.get_full_name() in response.context["timeline"][1]["by"]
    # One form per step the status allows staff: refuse, assign, link an appointment (consent is the other party's).
    assert {step.action for step in response.context["steps"]} == {"assign", "refuse"}
    assert response.context["may_link_booking"] and response.context["may_add_material"]
    seen = Access.objects.get(matter_reference=mediation.reference)
    assert (seen.viewer, seen.organisation, seen.person, seen.what) == (staff, provider, resident, Access.What.MATTER)


def test_the_lawyer_answers_through_the_page(console, ask, staff):
    question = ask()

    response = console.post(
        matter_url(question, "provider:matter-step"), {"action": "answer", "text": "可以申请劳动仲裁。"}
    )

    assert response.status_code == 302 and response.url.startswith(matter_url(question))
    assert (reload(question).status, question.waits_for) == ("answered", "applicant")
    step = question.steps.order_by("-pk").first()
    assert (step.action, step.actor, step.text) == ("answer", staff, "可以申请劳动仲裁。")
    assert Action.objects.filter(matter_reference=question.reference, action="matter_step", door="console").exists()


def test_staff_ask_for_more_materials(console, aid):
    response = console.post(
        matter_url(aid, "provider:matter-step"), {"action": "request_materials", "text": "请补充劳动合同"}
    )
    assert response.status_code == 302
    assert (reload(aid).status, aid.waits_for) == ("awaiting_materials", "applicant")


def test_staff_assign_a_handler_of_their_organisation(console, ask, staff, other_staff, make_user, provider):
    question = ask()
    colleague = make_user(email="colleague@tuodong.example", name="钱律师", phone="13700000003")
    provider.users.add(colleague)

    page = console.get(matter_url(question)).content.decode()
    assert "钱律师" in page and other_staff.get_full_name() not in page  # only the organisation's staff to choose

    assigned = console.post(
        matter_url(question, "provider:matter-step"), {"action": "assign", "assignee": colleague.pk}
    )
    assert assigned.status_code == 302
    assert reload(question).assignee == colleague
    refused = console.post(
        matter_url(question, "provider:matter-step"), {"action": "assign", "assignee": other_staff.pk}
    )
    assert refused.status_code == 400 and reload(question).assignee == colleague


def test_staff_transfer_a_matter_to_another_organisation(console, ask, provider, other_provider):
    question = ask()

    page = console.get(matter_url(question))
    assert [organisation.pk for organisation in page.context["organisations"]] == [other_provider.pk]
    response = console.post(
        matter_url(question, "provider:matter-step"),
        {"action": "transfer", "to": other_provider.pk, "text": "属于鼓楼"},
    )

    assert response.status_code == 302 and response.url == queue_url(provider)
    assert reload(question).organisation == other_provider
    # It has gone from this organisation's pages.
    gone = reverse("provider:matter", kwargs={"partner_id": provider.pk, "reference": question.reference})
    assert console.get(gone).status_code == 404


def test_granting_legal_aid_asks_to_confirm_first(console, aid):
    url = matter_url(aid, "provider:matter-step")
    data = {"action": "grant", "text": "指派李律师，三日内电话联系"}

    asked = console.post(url, data)

    assert asked.status_code == 200
    assert "providers/matter_step_confirm.html" in [t.name for t in asked.templates]
    html = asked.content.decode()
    assert 'name="confirmed" value="yes"' in html and "指派李律师" in html
    assert reload(aid).status == "submitted"  # nothing done yet

    done = console.post(url, {**data, "confirmed": "yes"})
    assert done.status_code == 302
    assert reload(aid).status == "granted" and aid.closed_at is not None


def test_refusing_legal_aid_asks_to_confirm_and_needs_a_reason(console, aid):
    url = matter_url(aid, "provider:matter-step")

    without_reason = console.post(url, {"action": "refuse", "text": "  "})
    assert without_reason.status_code == 400 and without_reason.context["failed"]["form"] == "refuse"
    assert reload(aid).status == "submitted"

    assert console.post(url, {"action": "refuse", "text": "收入超过标准"}).status_code == 200
    assert reload(aid).status == "submitted"
    assert console.post(url, {"action": "refuse", "text": "收入超过标准", "confirmed": "yes"}).status_code == 302
    assert reload(aid).status == "refused"
    assert aid.steps.order_by("-pk").first().text == "收入超过标准"


def test_a_step_the_matter_does_not_allow_is_refused_clearly_and_changes_nothing(console, ask):
    question = ask()
    before = question.steps.count()

    for action in ("grant", "rate", "link_booking", "no-such-step"):
        response = console.post(
            matter_url(question, "provider:matter-step"), {"action": action, "text": "x", "confirmed": "yes"}
        )
        assert response.status_code == 409, action
        assert response.context["failed"]["message"], action
        assert 'id="step-error-summary"' in response.content.decode()

    assert reload(question).status == "submitted" and question.steps.count() == before


def test_staff_link_the_applicants_appointment_here_and_nothing_else(
    console, ask, resident, other_resident, make_slot, offering
):
    question = ask()
    theirs = ended_booking(resident, make_slot, offering)
    someone_elses = ended_booking(other_resident, make_slot, offering, ended_ago=timedelta(hours=5))
    url = matter_url(question, "provider:matter-booking")

    refused = console.post(url, {"code": someone_elses.code})
    assert refused.status_code == 400 and not question.bookings.exists()

    response = console.post(url, {"code": theirs.code.lower()})

    assert response.status_code == 302
    assert list(question.bookings.all()) == [theirs]
    assert reload(question).status == "submitted"  # the status stays
    step = question.steps.order_by("-pk").first()
    assert (step.action, step.text) == ("link_booking", theirs.code)
    assert Action.objects.filter(matter_reference=question.reference, booking_code=theirs.code).exists()
    assert theirs.code in console.get(matter_url(question)).content.decode()
    assert console.post(url, {"code": theirs.code}).status_code == 400  # once


def test_staff_upload_the_signed_agreement_then_record_it(console, mediation, resident, staff):
    services.other_party_answer(mediation.pk, accept=True)
    step_url = matter_url(mediation, "provider:matter-step")

    too_early = console.post(step_url, {"action": "agree", "text": "赔偿500元", "confirmed": "yes"})
    assert too_early.status_code == 409 and reload(mediation).status == "in_mediation"

    uploaded = console.post(
        matter_url(mediation, "provider:matter-material"), {"kind": "agreement", "file": upload(name="协议.pdf")}
    )
    assert uploaded.status_code == 302
    material = mediation.materials.get()
    assert (material.kind, material.uploaded_by, material.by_kind) == ("agreement", staff, "staff")

    not_a_file = console.post(
        matter_url(mediation, "provider:matter-material"), {"kind": "agreement", "file": upload(b"hello", "x.pdf")}
    )
    assert not_a_file.status_code == 415 and mediation.materials.count() == 1

    assert console.post(step_url, {"action": "agree", "text": "赔偿500元", "confirmed": "yes"}).status_code == 302
    assert reload(mediation).status == "agreed"


# --- the district ----------------------------------------------------------------------


@pytest.fixture
def district(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_district_sees_every_matter_and_the_overdue_ones_by_street_and_organisation(
    district, provider, other_provider, ask, resident
):
    far_street = Street.objects.create(slug="jinchen", name="金辰街道", position=2)
    other_provider.street = far_street
    other_provider.save()
    here = [ask(f"这里{number}") for number in range(3)]
    there = [ask(f"那里{number}", organisation=other_provider.pk) for number in range(2)]
    for matter in here[:2] + there[:1]:
        due_on(matter, today() - timedelta(days=3))

    response = district.get(reverse("operations:matters"))

    assert response.status_code == 200
    streets = {
        row["organisation__street__name"]: (row["open"], row["overdue"]) for row in response.context["by_street"]
    }
    assert streets == {provider.street.name: (3, 2), "金辰街道": (2, 1)}
    organisations = [(row["organisation__name"], row["overdue"]) for row in response.context["by_organisation"]]
    assert organisations == [(provider.name, 2), (other_provider.name, 1)]
    assert {m.reference for m in response.context["page"]} == {m.reference for m in here + there}
    html = response.content.decode()
    assert "金辰街道" in html and resident.phone not in html

    overdue_only = district.get(reverse("operations:matters") + "?overdue=1&kind=legal_question")
    assert {m.reference for m in overdue_only.context["page"]} == {m.reference for m in here[:2] + there[:1]}


def test_the_district_reads_a_matter_without_steps_and_the_reading_is_recorded(district, ask, admin_user, resident):
    question = ask()

    response = district.get(reverse("operations:matter", kwargs={"reference": question.reference}))

    assert response.status_code == 200
    html = response.content.decode()
    assert question.reference in html and "138****5678" in html and resident.phone not in html
    assert 'name="action"' not in html and "matter-material-form" not in html and "matter-booking-form" not in html
    seen = Access.objects.get(matter_reference=question.reference)
    assert (seen.viewer, seen.organisation, seen.what) == (admin_user, None, Access.What.MATTER_DISTRICT)
    assert district.get(reverse("operations:matter", kwargs={"reference": "ZX-2000-999999"})).status_code == 404

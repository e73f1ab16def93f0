"""The 12348 hotline operator's workspace as operators, callers and everybody else meet it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.audit.models import Access, Action
from marketplace.booking.models import Booking
from marketplace.hotline import services
from marketplace.hotline.models import Call, CallBack
from marketplace.matters.models import Matter
from marketplace.users.services import register_resident_at_counter

pytestmark = pytest.mark.usefixtures("daytime")


def login(client, user, language="en"):
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def take(client, phone="13812345678", topic="booking", summary="想预约法律咨询"):
    response = client.post(
        "/hotline/calls/new/", {"phone": phone, "topic": topic, "summary": summary, "outcome": "answered"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Call.objects.get(pk=int(re.search(r"/hotline/calls/(\d+)/", response["Location"]).group(1)))


# Who may use the workspace


@pytest.mark.parametrize("kind", ["resident", "staff"])
def test_only_operators_reach_the_workspace(client, resident, staff, kind):
    login(client, resident if kind == "resident" else staff)

    assert client.get("/hotline/").status_code == 403
    assert client.post("/hotline/calls/new/", {"phone": "13812345678", "topic": "other"}).status_code == 403
    assert not Call.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/hotline/")

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_operator_sees_their_queue_in_chinese(client, operator):
    page = login(client, operator, "zh-hans").get("/hotline/").content.decode()

    assert "12348" in page and "接听来电" in page and "待回访" in page


# Taking a call, finding the caller


def test_a_call_finds_its_caller_by_phone_and_is_listed_masked(client, operator, resident):
    login(client, operator)
    call = take(client, phone="138 1234 5678")

    assert (call.phone, call.caller, call.operator, call.topic) == ("13812345678", resident, operator, "booking")
    taken = Action.objects.get(action=Action.Code.CALL_TAKEN)
    assert (taken.door, taken.person, taken.actor) == ("hotline", resident, operator)
    queue = client.get("/hotline/").content.decode()
    assert "138****5678" in queue and "13812345678" not in queue
    # the resident sees the hotline's reads under "who has seen my data"
    seen = set(Access.objects.filter(person=resident).values_list("what", flat=True))
    assert {Access.What.HOTLINE_QUEUE} <= seen
    client.get(f"/hotline/calls/{call.pk}/")
    assert Access.objects.filter(person=resident, what=Access.What.HOTLINE_CALL, viewer=operator).exists()
    log = login(client, resident).get("/shop/accounts/my-data/").content.decode()
    assert "12348 hotline" in log


def test_a_call_of_a_wrong_number_is_refused_and_nothing_recorded(client, operator):
    response = login(client, operator).post(
        "/hotline/calls/new/", {"phone": "12345", "topic": "other", "outcome": "answered"}
    )

    assert response.status_code == 400
    assert not Call.objects.exists() and not Action.objects.exists()


def test_a_new_caller_is_registered_by_name_and_the_calls_number_without_email(client, operator):
    login(client, operator)
    call = take(client, phone="13900001111")
    assert call.caller is None

    response = client.post(f"/hotline/calls/{call.pk}/register/", {"name": "王大爷"})

    call.refresh_from_db()
    assert response.status_code == 302
    assert (call.caller.name, call.caller.phone, call.caller.email) == ("王大爷", "13900001111", None)
    assert Action.objects.filter(action=Action.Code.COUNTER_REGISTERED, person=call.caller, door="hotline").exists()


def test_the_operator_chooses_among_those_sharing_the_number_and_no_one_else(client, operator, resident, make_user):
    parent = register_resident_at_counter(name="张父", phone=resident.phone)
    stranger = make_user(email="x@example.com", name="路人", phone="13911112222")
    login(client, operator)
    call = take(client)
    assert call.caller is None  # two accounts hold the number

    client.post(f"/hotline/calls/{call.pk}/caller/", {"resident": stranger.pk})
    call.refresh_from_db()
    assert call.caller is None
    client.post(f"/hotline/calls/{call.pk}/caller/", {"resident": parent.pk})
    call.refresh_from_db()
    assert call.caller == parent


# Booking for the caller


@pytest.fixture
def hotline_slot(make_slot, offering, other_provider, service):
    """Tomorrow, at the provider the operator does not work for (nobody does: any provider's offering)."""
    return make_slot(offering, starts_in=timedelta(days=1), capacity=2, counter_capacity=1)


def test_the_operator_books_any_offering_for_the_caller_with_consent_and_the_sms_confirms_it(
    client,
    operator,
    resident,
    hotline_slot,
    sms,
    django_capture_on_commit_callbacks,
):
    login(client, operator)
    call = take(client)
    page = client.get(f"/hotline/calls/{call.pk}/book/?q=法律").content.decode()
    assert f"?offering={hotline_slot.offering.pk}" in page
    page = client.get(
        f"/hotline/calls/{call.pk}/book/?offering={hotline_slot.offering.pk}"
        f"&date={timezone.localtime(hotline_slot.starts_at):%Y-%m-%d}"
    ).content.decode()
    assert f'value="{hotline_slot.pk}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/hotline/calls/{call.pk}/book/",
            {"offering": hotline_slot.offering.pk, "slot": hotline_slot.pk, "consent": "on", "note": "行动不便"},
        )

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.user, booking.channel, booking.booked_by, booking.status) == (
        resident,
        "hotline",
        operator,
        "booked",
    )
    assert booking.consent_at is not None
    placed = Action.objects.get(action=Action.Code.PLACED)
    assert (placed.door, placed.actor, placed.actor_kind) == ("hotline", operator, "staff")
    call.refresh_from_db()
    assert (call.booking, call.outcome) == (booking, Call.Outcome.BOOKED)
    (text,) = sms.to(resident.phone)
    assert booking.code in text
    # online rules: the place held back for walk-ins stays free
    hotline_slot.refresh_from_db()
    assert hotline_slot.num_booked == 1


def book_page(client, call, slot):
    day = f"{timezone.localtime(slot.starts_at):%Y-%m-%d}"
    return client.get(f"/hotline/calls/{call.pk}/book/?offering={slot.offering.pk}&date={day}").content.decode()


def test_a_caller_of_a_service_offered_both_ways_may_be_booked_online(
    client, operator, resident, hotline_slot, service
):
    service.mode = service.Mode.BOTH
    service.save()
    login(client, operator)
    call = take(client)
    assert 'name="mode" id="id_mode_1" value="online"' in book_page(client, call, hotline_slot)

    response = client.post(
        f"/hotline/calls/{call.pk}/book/",
        {"offering": hotline_slot.offering.pk, "slot": hotline_slot.pk, "consent": "on", "mode": "online"},
    )

    assert response.status_code == 302
    assert Booking.objects.get().mode == "online"


def test_online_is_refused_for_a_service_given_only_on_site(client, operator, resident, hotline_slot):
    login(client, operator)
    call = take(client)
    assert 'name="mode"' not in book_page(client, call, hotline_slot)

    response = client.post(
        f"/hotline/calls/{call.pk}/book/",
        {"offering": hotline_slot.offering.pk, "slot": hotline_slot.pk, "consent": "on", "mode": "online"},
    )

    assert response.status_code == 400
    assert not Booking.objects.exists()
    hotline_slot.refresh_from_db()
    assert hotline_slot.num_booked == 0


def test_a_caller_declares_the_group_a_service_is_for(client, operator, resident, hotline_slot, service):
    from catalog.models import EligibilityRule

    EligibilityRule.objects.create(service=service, kind="group", group="低保", evidence="低保证")
    login(client, operator)
    call = take(client)
    assert "低保证" in book_page(client, call, hotline_slot)
    wanted = {"offering": hotline_slot.offering.pk, "slot": hotline_slot.pk, "consent": "on"}

    refused = client.post(f"/hotline/calls/{call.pk}/book/", wanted)
    assert refused.status_code == 409
    assert not Booking.objects.exists()

    assert client.post(f"/hotline/calls/{call.pk}/book/", {**wanted, "group": "低保"}).status_code == 302
    assert (Booking.objects.get().declared_group, Booking.objects.get().evidence) == ("低保", "低保证")


def test_the_provider_sees_the_booking_came_by_the_hotline(client, operator, resident, staff, provider, hotline_slot):
    services.book_by_hotline(operator, hotline_slot.pk, resident, consent=True)

    day = f"{timezone.localtime(hotline_slot.starts_at):%Y-%m-%d}"
    page = login(client, staff, "zh-hans").get(f"/provider/{provider.pk}/day/?date={day}").content.decode()
    assert "热线代约" in page


def test_without_the_callers_consent_nothing_is_booked(client, operator, resident, hotline_slot):
    login(client, operator)
    call = take(client)

    response = client.post(
        f"/hotline/calls/{call.pk}/book/", {"offering": hotline_slot.offering.pk, "slot": hotline_slot.pk}
    )

    assert response.status_code == 400
    assert "Ask the caller for their consent" in response.content.decode()
    assert not Booking.objects.exists()
    hotline_slot.refresh_from_db()
    assert hotline_slot.num_booked == 0


def test_the_service_refuses_without_consent_and_for_anyone_but_an_operator(operator, staff, resident, hotline_slot):
    from marketplace.booking import services as booking_services

    with pytest.raises(booking_services.ConsentMissing):
        services.book_by_hotline(operator, hotline_slot.pk, resident, consent=False)
    with pytest.raises(services.NotOperator):
        services.book_by_hotline(staff, hotline_slot.pk, resident, consent=True)
    assert not Booking.objects.exists()


def test_the_callers_own_limits_hold_on_the_hotline(operator, resident, make_slot, offering):
    from marketplace.booking import services as booking_services

    first = make_slot(offering, starts_in=timedelta(days=1))
    services.book_by_hotline(operator, first.pk, resident, consent=True)

    with pytest.raises(booking_services.AlreadyBooked):
        services.book_by_hotline(operator, first.pk, resident, consent=True)
    assert Booking.objects.count() == 1


# A matter taken on the phone


def test_a_call_becomes_a_written_legal_question_of_the_caller(client, operator, resident, desks):
    login(client, operator)
    call = take(client, topic="legal_question")

    response = client.post(
        f"/hotline/calls/{call.pk}/matter/legal_question/",
        {"category": "labour", "text": "老板拖欠三个月工资，怎么办？"},
    )

    assert response.status_code == 302
    matter = Matter.objects.get()
    assert (matter.kind, matter.channel, matter.applicant, matter.organisation) == (
        "legal_question",
        "hotline",
        resident,
        desks,
    )
    submitted = matter.steps.get(action="submitted")
    assert (submitted.actor, submitted.actor_kind) == (operator, "staff")
    entry = Action.objects.get(action=Action.Code.MATTER_SUBMITTED)
    assert (entry.door, entry.actor, entry.person) == ("hotline", operator, resident)
    call.refresh_from_db()
    assert (call.matter, call.outcome) == (matter, Call.Outcome.MATTER)
    # the caller finds it among their matters
    assert login(client, resident).get(f"/matters/{matter.reference}/").status_code == 200


def test_a_matter_without_its_text_is_refused_and_nothing_recorded(client, operator, resident, desks):
    login(client, operator)
    call = take(client, topic="legal_question")

    response = client.post(f"/hotline/calls/{call.pk}/matter/legal_question/", {"category": "labour", "text": ""})

    assert response.status_code == 400 and not Matter.objects.exists()


# Call-backs


def test_a_call_back_due_shows_in_the_queue_overdue_first_and_is_done_or_moved(client, operator, resident, daytime):
    login(client, operator)
    call = take(client)
    now = timezone.localtime()
    for hours, note in ((3, "later one"), (1, "sooner one")):
        response = client.post(
            f"/hotline/calls/{call.pk}/call-back/",
            {"due_at": f"{now + timedelta(hours=hours):%Y-%m-%dT%H:%M}", "note": note},
        )
        assert response.status_code == 302
    call.refresh_from_db()
    assert call.outcome == Call.Outcome.CALL_BACK
    sooner, later = CallBack.objects.order_by("due_at")

    daytime.move_to(timezone.now() + timedelta(hours=2))  # the sooner one is now overdue
    page = client.get("/hotline/").content.decode()
    assert page.index("sooner one") < page.index("later one")
    assert "1 call-back is overdue." in page

    client.post(f"/hotline/call-backs/{sooner.pk}/done/", {"result": "已回访，问题解决"})
    new_time = timezone.localtime() + timedelta(days=1)
    client.post(f"/hotline/call-backs/{later.pk}/move/", {"due_at": f"{new_time:%Y-%m-%dT%H:%M}"})

    page = client.get("/hotline/").content.decode()
    assert "sooner one" not in page and "later one" in page and "overdue." not in page
    codes = list(Action.objects.filter(door="hotline").values_list("action", flat=True))
    assert {Action.Code.CALL_BACK_SCHEDULED, Action.Code.CALL_BACK_DONE, Action.Code.CALL_BACK_MOVED} <= set(codes)
    # done twice is refused, and nothing changes
    with pytest.raises(services.AlreadyDone):
        services.call_back_done(operator, sooner.pk)


def test_a_call_back_in_the_past_is_refused(client, operator):
    login(client, operator)
    call = take(client)
    past = timezone.localtime() - timedelta(hours=2)

    response = client.post(f"/hotline/calls/{call.pk}/call-back/", {"due_at": f"{past:%Y-%m-%dT%H:%M}"})

    assert response.status_code == 400 and not CallBack.objects.exists()


# The caller's own data


def test_the_callers_calls_are_in_their_data_and_go_with_their_account(client, operator, resident):
    from marketplace.users import mydata
    from marketplace.users.services import delete_account
    from tests.conftest import PASSWORD

    login(client, operator)
    call = take(client, summary="咨询劳动合同")

    (copy,) = mydata.export_of(resident)["hotline_calls"]
    assert (copy["phone"], copy["topic"], copy["summary"]) == ("13812345678", "booking", "咨询劳动合同")
    page = login(client, resident, "zh-hans").get("/shop/accounts/my-data/").content.decode()
    assert "12348 热线" in page and "138****5678" in page and "咨询劳动合同" in page

    delete_account(resident, PASSWORD)

    call.refresh_from_db()
    assert (call.phone, call.summary) == ("", "")


def test_an_operator_signs_in_to_the_queue_and_finds_it_in_the_menu(client, operator):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    response = client.post(
        reverse("customer:login"),
        {"login_submit": "1", "login-username": operator.email, "login-password": PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == "/hotline/"
    assert 'href="/hotline/"' in client.get("/shop/accounts/bookings/").content.decode()

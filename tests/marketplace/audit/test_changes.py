"""Every change of state leaves exactly one entry, with the door it came through and who acted."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

from datetime import timedelta

import pytest
import responses
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.context import acting
from marketplace.audit.models import Action
from marketplace.booking import reschedule, services
from marketplace.booking.models import Booking
from providers import closures, plans
from providers.console.counter_forms import resident_token
from ratings import services as ratings
from tests.conftest import ended_booking, later_today, until_local
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.audit.conftest import entries
from tests.marketplace.checkout.test_checkout import book_and_reach_preview, logged_in, place_order
from tests.marketplace.payment.conftest import (  # noqa: F401
    GATEWAY,
    paid_offering,
    paid_service,
    paid_slot,
    real_gateway,
)
from tests.marketplace.payment.test_facade import post_webhook, remote
from tests.marketplace.payment.test_refunds import REFUNDED, REFUNDS
from tests.providers.test_plans import plan

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


def staff_client(staff):
    client = Client()
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    return client


def test_booking_on_the_web_is_placed_by_the_resident_through_the_web(resident, provider, service, slot):
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)
    place_order(client)

    booking = Booking.objects.get(user=resident)
    (entry,) = Action.objects.all()
    assert (entry.action, entry.door, entry.actor_kind) == ("placed", "web", "resident")
    assert (entry.actor, entry.person, entry.provider, entry.booking_code) == (
        resident,
        resident,
        provider,
        booking.code,
    )
    assert entry.organisation is None


def test_booking_through_the_api_is_placed_through_the_api(resident, slot):
    response = authorised_client(resident).post(f"{API}/bookings", {"slot": slot.pk}, content_type="application/json")

    assert response.status_code == 201
    assert entries(booking_code=response.json()["code"]) == [("placed", "api", "resident")]
    assert Action.objects.get().actor == resident


def test_booking_at_the_counter_is_placed_by_the_provider_staff_at_the_counter(
    resident, staff, provider, make_slot, offering
):
    slot = make_slot(offering, starts_in=later_today(), capacity=2, counter_capacity=1)
    token = resident_token(staff, provider, resident)

    response = staff_client(staff).post(
        f"/provider/{provider.pk}/counter/book/", {"resident": token, "slot": slot.pk, "note": "", "consent": "on"}
    )

    assert response.status_code == 302
    (entry,) = Action.objects.all()
    assert (entry.action, entry.door, entry.actor_kind) == ("placed", "counter", "staff")
    assert (entry.actor, entry.organisation, entry.person) == (staff, provider, resident)


def test_a_booking_rolled_back_leaves_no_entry(resident, slot):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.book(resident, slot.pk)
        assert Action.objects.count() == 1
        raise RuntimeError("the order could not be completed")

    assert not Booking.objects.exists()
    assert not Action.objects.exists()


def test_a_refused_booking_leaves_no_entry(resident, other_resident, make_slot, offering):
    full = make_slot(offering, capacity=1)
    services.book(resident, full.pk)
    before = Action.objects.count()

    with pytest.raises(services.SlotFull):
        services.book(other_resident, full.pk)

    assert Action.objects.count() == before


def test_the_resident_cancelling_on_the_web_is_recorded_once(resident_client, resident, slot):
    booking = services.book(resident, slot.pk)

    resident_client.post(reverse("booking-cancel", kwargs={"code": booking.code}))
    resident_client.post(reverse("booking-cancel", kwargs={"code": booking.code}))  # twice is harmless

    assert entries(booking_code=booking.code) == [("placed", "job", "system"), ("cancelled", "web", "resident")]
    cancelled = Action.objects.get(action="cancelled")
    assert cancelled.detail == {"cancelled_by": "resident", "reason": ""}


def test_a_closure_cancels_bookings_on_behalf_of_the_provider(
    staff, provider, resident, other_resident, make_slot, offering
):
    slot = make_slot(offering, starts_in=timedelta(days=2))
    first, second = services.book(resident, slot.pk), services.book(other_resident, slot.pk)
    day = services.local_day(slot.starts_at)

    response = staff_client(staff).post(
        f"/provider/{provider.pk}/closures/",
        {"starts_on": day.isoformat(), "ends_on": day.isoformat(), "reason": "停电，请拨 13912345678", "confirm": "1"},
    )

    assert response.status_code == 302
    for booking in (first, second):
        assert entries(booking_code=booking.code, action="cancelled") == [("cancelled", "console", "staff")]
        cancelled = Action.objects.get(booking_code=booking.code, action="cancelled")
        assert cancelled.organisation == provider and cancelled.person == booking.user
    closure = Action.objects.get(action="closure_created")
    assert (closure.door, closure.actor_kind, closure.provider, closure.booking_code) == (
        "console",
        "staff",
        provider,
        "",
    )
    # A number typed into the reason is kept masked, in the closure's entry and in each cancelling.
    assert closure.detail["reason"] == cancelled.detail["reason"] == "停电，请拨 139****5678"


def test_checking_in_and_marking_a_no_show_in_the_console(
    staff, provider, resident, make_slot, offering, today_booking
):
    client = staff_client(staff)
    client.post(f"/provider/{provider.pk}/check-in/", {"code": today_booking.code})
    client.post(f"/provider/{provider.pk}/check-in/", {"code": today_booking.code})  # twice is harmless
    missed = ended_booking(resident, make_slot, offering)

    client.post(f"/provider/{provider.pk}/bookings/{missed.code}/no-show/")

    assert entries(booking_code=today_booking.code, action="checked_in") == [("checked_in", "console", "staff")]
    assert entries(booking_code=missed.code, action="no_show") == [("no_show", "console", "staff")]
    assert Action.objects.get(action="no_show").organisation == provider


def test_checking_in_through_the_api_is_the_staff_through_the_api(staff, provider, today_booking):
    response = authorised_client(staff).post(
        f"{API}/provider/checkins", {"code": today_booking.code}, content_type="application/json"
    )

    assert response.status_code == 200
    assert entries(action="checked_in") == [("checked_in", "api", "staff")]


def test_the_nightly_no_show_job_is_the_system(resident, other_resident, make_slot, offering):
    missed = [
        ended_booking(resident, make_slot, offering),
        ended_booking(other_resident, make_slot, offering, ended_ago=timedelta(hours=4)),
    ]

    call_command("mark_no_shows")
    call_command("mark_no_shows")

    for booking in missed:
        assert entries(booking_code=booking.code, action="no_show") == [("no_show", "job", "system")]
        assert Action.objects.get(booking_code=booking.code, action="no_show").actor is None


def test_moving_a_booking_on_the_web_records_the_old_and_new_times(resident_client, resident, make_slot, offering):
    booking = services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    later = make_slot(offering, starts_in=timedelta(days=3))

    response = resident_client.post(reverse("booking-reschedule", kwargs={"code": booking.code}), {"slot": later.pk})

    assert response.status_code == 302
    moved = Action.objects.get(action="rescheduled")
    assert (moved.door, moved.actor_kind) == ("web", "resident")
    assert moved.detail["from"] == reschedule.services.slot_label(booking.slot)
    assert moved.detail["to"] == reschedule.services.slot_label(later)


def test_taking_a_waiting_list_offer_places_the_booking_once(
    resident, other_resident, make_slot, offering, django_capture_on_commit_callbacks
):
    from marketplace.booking import waitlist

    slot = make_slot(offering, capacity=1)
    first = services.book(other_resident, slot.pk)
    entry = waitlist.join(resident, slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(first)

    with acting("api", user=resident):
        booking = waitlist.accept(resident, entry.pk)

    assert entries(booking_code=booking.code) == [
        ("placed", "api", "resident"),
        ("waitlist_accepted", "api", "resident"),
    ]
    assert Action.objects.get(booking_code=booking.code, action="placed").detail["via"] == "waiting_list"


@responses.activate
def test_paid_through_the_gateway_then_refunded_by_the_system(
    real_gateway, client, resident_client, resident, paid_slot, django_capture_on_commit_callbacks
):
    booking = services.book(resident, paid_slot.pk)
    responses.post(f"{GATEWAY}/payments", json=remote(f"{booking.code}-1"), status=201)
    facade_start = resident_client.post(reverse("payment:pay", kwargs={"code": booking.code}))
    assert facade_start.status_code == 302
    assert post_webhook(client, remote(f"{booking.code}-1", "succeeded")).status_code == 200
    responses.post(REFUNDS, json=REFUNDED, status=201)

    with django_capture_on_commit_callbacks(execute=True):
        resident_client.post(reverse("booking-cancel", kwargs={"code": booking.code}))

    assert entries(booking_code=booking.code)[:3] == [
        ("placed", "job", "system"),
        ("paid", "gateway", "system"),
        ("cancelled", "web", "resident"),
    ]
    # The refund is the system's, whichever door's commit set it off.
    refunded = Action.objects.get(booking_code=booking.code, action="refunded")
    assert (refunded.actor_kind, refunded.actor, refunded.detail) == ("system", None, {"amount": "30.00"})
    assert Action.objects.get(action="paid").detail == {"amount": "30.00"}


def test_a_lapsed_payment_hold_is_cancelled_by_the_system(resident, other_resident, paid_slot):
    held = services.book(resident, paid_slot.pk)
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    with acting("web", user=other_resident):
        services.book(other_resident, paid_slot.pk)

    lapsed = Action.objects.get(booking_code=held.code, action="cancelled")
    assert (lapsed.door, lapsed.actor_kind, lapsed.actor, lapsed.person) == ("web", "system", None, resident)
    assert lapsed.detail == {"hold_lapsed": True}


def test_closures_plans_and_slots_changed_by_staff(staff, provider, offering, make_slot):
    day = timezone.localdate() + timedelta(days=5)
    slot = make_slot(offering, starts_in=until_local(1, 8, 13), capacity=3)  # off the plan's hours

    with acting("console", user=staff):
        closure = closures.close_period(staff, provider, day, day, "培训")
        closures.reopen(staff, closure)
        plans.set_slot_capacity(staff, slot, 4, 1)
        saved = plans.save_plan(staff, provider, None, plan(offering))
        plans.delete_plan(staff, provider, saved.rule)

    assert entries(provider=provider) == [
        ("closure_created", "console", "staff"),
        ("closure_lifted", "console", "staff"),
        ("slot_changed", "console", "staff"),
        ("plan_saved", "console", "staff"),
        ("plan_deleted", "console", "staff"),
    ]
    assert Action.objects.get(action="slot_changed").detail["capacity"] == 4
    assert set(Action.objects.values_list("organisation", flat=True)) == {provider.pk}


def test_ratings_hidden_and_follow_ups_answered_and_closed(
    resident, staff, provider, offering, rated_visit, make_user, django_user_model
):
    from django.contrib.auth.models import Permission

    moderator = make_user(email="mod@example.com", phone="13700000009")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_rating"))
    moderator = django_user_model.objects.get(pk=moderator.pk)
    rating = rated_visit(resident, offering, stars=1, comment="态度差")
    code = rating.booking.code

    with acting("console", user=staff):
        ratings.answer_case(staff, rating.matter.pk, "已经整改")
    with acting("web", user=resident):
        ratings.confirm_case(resident, rating.matter.pk, resolved=True)
    with acting("web", user=moderator):
        ratings.hide_rating(moderator, rating.pk, "辱骂")

    assert entries(booking_code=code, action__in=["case_answered", "case_closed", "rating_hidden"]) == [
        ("case_answered", "console", "staff"),
        ("case_closed", "web", "resident"),
        ("rating_hidden", "web", "staff"),
    ]
    # The moderator does not work for the provider: not recorded as acting for it.
    assert Action.objects.get(action="rating_hidden").organisation is None
    assert Action.objects.get(action="case_answered").organisation == provider

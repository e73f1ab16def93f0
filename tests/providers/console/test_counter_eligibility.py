"""The counter: a clerk may book despite a service's eligibility rule, with a reason the booking's history keeps."""

from datetime import date

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.booking.models import Booking
from providers.console.counter_forms import resident_token
from tests.providers.console.test_counter_views import base, booking_post, login, soon_today

pytestmark = pytest.mark.usefixtures("daytime")

EligibilityRule = get_model("catalogue", "EligibilityRule")


@pytest.fixture
def counter_slot(make_slot, offering):
    """Later today, with a place online and one held for the counter."""
    return make_slot(offering, starts_in=soon_today(1), capacity=2, counter_capacity=1)


@pytest.fixture
def over_65_only(service):
    return EligibilityRule.objects.create(service=service, kind="age", min_age=65)


def post_booking(client, provider, staff, resident, slot, **extra):
    token = resident_token(staff, provider, resident)
    return client.post(f"{base(provider)}/book/", booking_post(token, slot, **extra))


def test_a_refusal_names_the_rule_and_offers_the_override(
    client, staff, provider, resident, counter_slot, over_65_only
):
    resident.birth_date = date(1990, 5, 1)
    resident.save()
    login(client, staff)

    page = post_booking(client, provider, staff, resident, counter_slot)

    assert page.status_code == 409
    text = page.content.decode()
    assert "For people aged 65 or over." in text
    assert "Book despite the service" in text and 'name="override_reason"' in text
    assert not Booking.objects.exists()


def test_an_override_without_a_reason_is_refused(client, staff, provider, resident, counter_slot, over_65_only):
    login(client, staff)
    page = post_booking(client, provider, staff, resident, counter_slot, override="on", override_reason="  ")

    assert page.status_code == 400
    assert "Give the reason for booking despite" in page.content.decode()
    assert not Booking.objects.exists()


def test_an_override_with_a_reason_books_and_shows_in_the_history(
    client, staff, provider, resident, counter_slot, over_65_only
):
    login(client, staff)
    response = post_booking(
        client, provider, staff, resident, counter_slot, override="on", override_reason="出示户口簿，已满65岁"
    )

    booking = Booking.objects.get()
    assert response.status_code == 302
    history = client.get(reverse("provider:booking-history", kwargs={"partner_id": provider.pk, "code": booking.code}))
    text = history.content.decode()
    assert "Booked despite the service&#x27;s rules" in text or "Booked despite the service's rules" in text
    assert "rules overridden: Age" in text and "出示户口簿，已满65岁" in text


def test_the_day_list_says_what_evidence_to_check(client, staff, provider, resident, service, counter_slot):
    EligibilityRule.objects.create(service=service, kind="group", group="低保", evidence="低保证")
    login(client, staff)
    post_booking(client, provider, staff, resident, counter_slot, group="低保")

    booking = Booking.objects.get()
    assert (booking.declared_group, booking.evidence) == ("低保", "低保证")
    day = client.get(reverse("provider:day", kwargs={"partner_id": provider.pk}))
    assert "Check evidence: 低保证" in day.content.decode()


def test_without_the_evidence_the_clerk_cancels_and_the_place_is_given_back(
    client, staff, provider, resident, service, offering, make_slot
):
    from datetime import timedelta

    from django.utils import timezone

    from marketplace.booking import services

    EligibilityRule.objects.create(service=service, kind="group", group="低保", evidence="低保证")
    slot = make_slot(offering, starts_in=timedelta(minutes=10))
    booking = services.book(resident, slot.pk, now=timezone.now() - timedelta(hours=2), declared_group="低保")
    login(client, staff)
    day = client.get(reverse("provider:day", kwargs={"partner_id": provider.pk})).content.decode()
    assert "No 低保证: cancel" in day

    client.post(reverse("provider:evidence-not-shown", kwargs={"partner_id": provider.pk, "code": booking.code}))

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == ("cancelled", "provider")
    assert "低保证" in booking.cancel_reason
    assert slot.num_booked == 0


def test_a_booking_that_asks_for_no_evidence_is_not_cancelled_so(client, staff, provider, resident, counter_slot):
    from marketplace.booking import services

    booking = services.book_at_counter(staff, counter_slot.pk, resident, consent=True)
    login(client, staff)
    client.post(reverse("provider:evidence-not-shown", kwargs={"partner_id": provider.pk, "code": booking.code}))
    booking.refresh_from_db()
    assert booking.status == "booked"

"""The resident's booking pages: only their own bookings, and bad input changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from marketplace.booking import services
from marketplace.booking.models import Booking
from tests.conftest import PASSWORD


@pytest.fixture
def booking(resident, slot):
    return services.book(resident, slot.pk)


def test_my_bookings_lists_only_my_own(client, booking, other_resident, make_slot, offering):
    theirs = services.book(other_resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    client.login(email=booking.user.email, password=PASSWORD)
    html = client.get(reverse("my-bookings")).content.decode()
    assert booking.code in html
    assert theirs.code not in html


@pytest.mark.parametrize("action", ["booking-detail", "booking-cancel"])
def test_someone_elses_booking_is_not_found_and_stays_untouched(client, booking, other_resident, action):
    client.login(email=other_resident.email, password=PASSWORD)
    response = client.post(reverse(action, kwargs={"code": booking.code}))
    assert response.status_code == 404
    booking.refresh_from_db()
    booking.slot.refresh_from_db()
    assert booking.status == "booked"
    assert booking.slot.num_booked == 1


def test_booking_pages_ask_a_visitor_to_sign_in(client, booking):
    response = client.get(reverse("booking-detail", kwargs={"code": booking.code}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("customer:login"))


def test_cancel_asks_first_and_only_a_post_cancels(client, booking):
    client.login(email=booking.user.email, password=PASSWORD)
    detail = client.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    cancel_url = reverse("booking-cancel", kwargs={"code": booking.code})
    assert f'href="{cancel_url}"' in detail  # a link to the question, not a button that cancels
    question = client.get(cancel_url)
    assert question.status_code == 200
    html = question.content.decode()
    assert booking.code in html and booking.slot.offering.product.title in html
    assert f'<form method="post" action="{cancel_url}">' in html
    booking.refresh_from_db()
    assert booking.status == "booked"
    client.post(cancel_url)
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_a_booking_past_its_cancel_deadline_is_not_offered_the_question(client, resident, make_slot, offering):
    soon = services.book(resident, make_slot(offering, starts_in=timedelta(minutes=90)).pk)  # deadline: 2 hours before
    client.login(email=resident.email, password=PASSWORD)
    response = client.get(reverse("booking-cancel", kwargs={"code": soon.code}))
    assert response.status_code == 302
    assert response.url == reverse("booking-detail", kwargs={"code": soon.code})


@pytest.mark.parametrize("value", ["abc", "-1", "", "1.5", "99999999", "1 OR 1=1"])
def test_a_malformed_or_unknown_slot_on_book_is_refused_cleanly(client, resident, service, slot, value):
    client.login(email=resident.email, password=PASSWORD)
    response = client.post(
        reverse("basket:add", kwargs={"pk": service.pk}), {"quantity": 1, "slot": value}, HTTP_REFERER="/svc/"
    )
    assert response.status_code == 302
    assert response.url == "/svc/"
    assert not resident.baskets.filter(lines__isnull=False).exists()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("quantity", ["2", "0", "-3", "x"])
def test_one_place_per_booking(client, resident, service, slot, quantity):
    client.login(email=resident.email, password=PASSWORD)
    client.post(reverse("basket:add", kwargs={"pk": service.pk}), {"quantity": quantity, "slot": slot.pk})
    assert not resident.baskets.filter(lines__isnull=False).exists()

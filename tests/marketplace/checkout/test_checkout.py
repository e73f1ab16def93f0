"""Booking through Oscar's basket and checkout, as a browser does it."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from marketplace.booking.models import Booking
from tests.conftest import PASSWORD, needs_postgres


def add_slot(client, service, slot):
    return client.post(
        reverse("basket:add", kwargs={"pk": service.pk}),
        {"quantity": 1, "slot": slot.pk, "next": reverse("checkout:index")},
        HTTP_REFERER="/service/",
    )


def book_and_reach_preview(client, service, slot):
    """What a browser does after "Book": follow checkout to the confirmation step."""
    response = client.get(add_slot(client, service, slot).url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("checkout:preview")
    return response


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def logged_in(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_free_booking_needs_no_shipping_and_no_payment_step(resident, service, slot):
    client = logged_in(resident)
    response = add_slot(client, service, slot)
    assert response.url == reverse("checkout:index")
    # checkout hops straight past shipping and payment to the preview
    chain = client.get(response.url, follow=True).redirect_chain
    assert chain[-1][0] == reverse("checkout:preview")
    assert place_order(client).url == reverse("checkout:thank-you")
    assert Booking.objects.filter(user=resident, slot=slot).count() == 1


def test_a_web_booking_is_confirmed_by_one_email_with_its_calendar_file(
    resident, service, slot, django_capture_on_commit_callbacks
):
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)

    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)

    booking = Booking.objects.get(user=resident, slot=slot)
    # Our confirmation only: Oscar's own order email would be a second, different one.
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert booking.code in mail.outbox[0].body
    assert [name for name, _content, _type in mail.outbox[0].attachments] == ["booking.ics"]


@pytest.mark.parametrize(
    ("slot_kwargs", "reason"),
    [
        ({"capacity": 1, "num_booked": 1}, "This time slot is fully booked"),
        ({"is_open": False}, "closed by the provider"),
        ({"starts_in": timedelta(minutes=-5)}, "already begun or passed"),
    ],
    ids=["full", "closed", "past"],
)
def test_a_slot_that_cannot_be_booked_is_refused_with_the_reason(
    resident, service, offering, make_slot, slot_kwargs, reason
):
    slot = make_slot(offering, **slot_kwargs)
    client = logged_in(resident)
    client.cookies["django_language"] = "en"
    response = add_slot(client, service, slot)
    assert response.url == "/service/"  # back to where the resident was
    page = client.get(reverse("my-bookings"))  # the next page the resident opens says why
    assert reason in page.content.decode()
    assert Booking.objects.count() == 0
    assert not resident.baskets.filter(lines__isnull=False).exists()


def test_a_slot_of_another_service_is_refused(resident, service, sector, provider, make_slot):
    from catalog.services import add_offering, create_service

    lecture = create_service("法治大讲堂", sector)
    other_slot = make_slot(add_offering(lecture, provider))
    client = logged_in(resident)
    add_slot(client, service, other_slot)
    assert not resident.baskets.filter(lines__isnull=False).exists()


def test_double_click_on_book_and_confirm_books_once(resident, service, slot):
    client = logged_in(resident)
    add_slot(client, service, slot)
    book_and_reach_preview(client, service, slot)
    basket = resident.baskets.get(status="Open")
    assert basket.lines.get().quantity == 1

    first = place_order(client)
    second = place_order(client)
    assert first.url == reverse("checkout:thank-you")
    assert second.status_code in (200, 302)
    slot.refresh_from_db()
    assert Booking.objects.filter(user=resident).count() == 1
    assert slot.num_booked == 1


def test_slot_filled_while_resident_was_on_the_preview_is_refused_and_basket_stays_usable(
    resident, other_resident, service, offering, make_slot
):
    from marketplace.booking import services

    slot = make_slot(offering, capacity=1)
    client = logged_in(resident)
    client.cookies["django_language"] = "en"
    book_and_reach_preview(client, service, slot)
    services.book(other_resident, slot.pk)

    response = place_order(client)
    assert response.status_code == 200
    assert "fully booked" in response.content.decode()
    assert resident.orders.count() == 0
    assert resident.baskets.filter(status="Frozen").count() == 0


def race(clients, action):
    """Release every client's request at the same moment; return the responses."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)
    errors = []

    def run(index, client):
        try:
            barrier.wait()
            responses[index] = action(client)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return responses


def prepared_clients(make_user, service, slot, count):
    clients = []
    for i in range(count):
        user = make_user(email=f"r{i}@example.com", name=f"居民{i}", phone=f"1391234{i:04d}")
        client = logged_in(user)
        book_and_reach_preview(client, service, slot)
        clients.append(client)
    return clients


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_residents_racing_for_three_places_on_the_web_get_exactly_three(make_user, service, offering, make_slot):
    from django.contrib.auth import get_user_model

    slot = make_slot(offering, capacity=3)
    clients = prepared_clients(make_user, service, slot, 20)

    responses = race(clients, place_order)

    assert [r.status_code for r in responses].count(500) == 0
    winners = [r for r in responses if r.status_code == 302 and r.url == reverse("checkout:thank-you")]
    assert len(winners) == 3
    slot.refresh_from_db()
    assert slot.num_booked == 3
    assert Booking.objects.filter(slot=slot).count() == 3
    User = get_user_model()
    assert sum(user.orders.count() for user in User.objects.all()) == 3
    # the losers' baskets were thawed, not left frozen
    from oscar.core.loading import get_model

    assert get_model("basket", "Basket").objects.filter(status="Frozen").count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_on_the_embedded_database_end_cleanly(make_user, service, offering, make_slot):
    """SQLite (the embedded default) must queue concurrent writers, not answer 500 'database is locked'."""
    slot = make_slot(offering, capacity=3)
    clients = prepared_clients(make_user, service, slot, 8)

    responses = race(clients, place_order)

    assert all(r.status_code in (200, 302) for r in responses)
    slot.refresh_from_db()
    assert slot.num_booked == 3
    assert Booking.objects.filter(slot=slot).count() == 3

"""Many residents booking the last places at once through the API (DESIGN.md §5).

Runs on PostgreSQL only: SQLite serialises writers, so it cannot show the race.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from oscar.core.loading import get_model

from marketplace.booking import services
from tests.conftest import needs_postgres, race
from tests.marketplace.api.conftest import API, token_of

Booking = get_model("booking", "Booking")
Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
OrderLine = get_model("order", "Line")

RESIDENTS = 24
CAPACITY = 3


def book_together(make_user, slot):
    """Every resident posts the same booking at the same moment; answers as (status, code)."""
    tokens = [
        token_of(make_user(email=f"racer{number}@example.com", phone=f"139{number:08d}")) for number in range(RESIDENTS)
    ]

    def book(token):
        client = Client(headers={"authorization": f"Bearer {token}"})
        response = client.post(f"{API}/bookings", {"slot": slot.pk}, content_type="application/json")
        return response.status_code, response.json().get("code")

    return race([lambda token=token: book(token) for token in tokens])


def assert_exactly_capacity_booked(answers, slot, orders_before):
    statuses = Counter(status for status, _code in answers)
    assert len(answers) == RESIDENTS
    assert statuses == {201: CAPACITY, 409: RESIDENTS - CAPACITY}, answers
    assert {code for status, code in answers if status == 409} == {"slot_full"}
    slot.refresh_from_db()
    assert slot.num_booked == CAPACITY
    winners = Booking.objects.filter(slot=slot)
    assert winners.count() == CAPACITY
    assert Order.objects.count() == orders_before + CAPACITY
    assert set(Order.objects.filter(bookings__slot=slot).values_list("user", flat=True)) == set(
        winners.values_list("user", flat=True)
    )
    # The losers left nothing behind: no basket, no order line, no booking.
    assert not Basket.objects.exists()
    assert OrderLine.objects.count() == orders_before + CAPACITY


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_residents_racing_for_the_last_places_never_overbook(make_user, make_slot, offering, resident):
    # The service has been booked before (the usual case).
    services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    slot = make_slot(offering, capacity=CAPACITY)

    answers = book_together(make_user, slot)

    assert_exactly_capacity_booked(answers, slot, orders_before=1)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_racing_for_a_services_very_first_booking(make_user, make_slot, offering):
    slot = make_slot(offering, capacity=CAPACITY)

    answers = book_together(make_user, slot)

    assert_exactly_capacity_booked(answers, slot, orders_before=0)

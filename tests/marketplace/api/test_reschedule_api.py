"""POST /api/v1/bookings/{code}/reschedule: the booking on its new slot, or an error and nothing changed."""

import json
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from marketplace.booking import services
from marketplace.booking.options import SLOT_OPTION_CODE
from tests.conftest import needs_postgres
from tests.marketplace.api.conftest import API, assert_error, token_of

Booking = get_model("booking", "Booking")


def move(client, code, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}/bookings/{code}/reschedule", data, content_type="application/json")


@pytest.fixture
def booking(resident, slot):
    return services.book(resident, slot.pk)


@pytest.fixture
def later(make_slot, offering):
    return make_slot(offering, starts_in=timedelta(days=2))


def state(booking, *slots):
    booking = Booking.objects.get(pk=booking.pk)
    return (
        booking.slot_id,
        booking.status,
        booking.line.attributes.get(type=SLOT_OPTION_CODE).value,
        [type(slot).objects.get(pk=slot.pk).num_booked for slot in slots],
    )


def test_reschedule_answers_the_booking_on_its_new_slot(resident_api, booking, slot, later):
    response = move(resident_api, booking.code, {"slot": later.pk})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == booking.code
    assert body["status"] == "booked"
    assert body["slot"]["id"] == later.pk
    assert state(booking, slot, later) == (later.pk, "booked", str(later.pk), [0, 1])
    # The booking as the API shows it afterwards says the same.
    assert resident_api.get(f"{API}/bookings/{booking.code}").json()["slot"]["id"] == later.pk


def test_a_full_slot_is_409_and_the_old_booking_is_unchanged(
    resident_api, booking, slot, make_slot, offering, other_resident
):
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    services.book(other_resident, full.pk)
    before = state(booking, slot, full)

    assert_error(move(resident_api, booking.code, {"slot": full.pk}), 409, "slot_full")

    assert state(booking, slot, full) == before


def test_a_closed_slot_is_409_slot_closed(resident_api, booking, slot, make_slot, offering):
    closed = make_slot(offering, starts_in=timedelta(days=2), is_open=False)
    before = state(booking, slot, closed)
    assert_error(move(resident_api, booking.code, {"slot": closed.pk}), 409, "slot_closed")
    assert state(booking, slot, closed) == before


def test_too_late_is_409(resident_api, resident, offering, make_slot, later):
    booking = services.book(resident, make_slot(offering, starts_in=timedelta(hours=1)).pk)
    assert_error(move(resident_api, booking.code, {"slot": later.pk}), 409, "too_late")
    assert Booking.objects.get(pk=booking.pk).slot_id != later.pk


def test_someone_elses_booking_is_404_and_untouched(other_api, booking, slot, later):
    before = state(booking, slot, later)
    assert_error(move(other_api, booking.code, {"slot": later.pk}), 404, "not_found")
    assert state(booking, slot, later) == before


def test_an_unknown_slot_is_404(resident_api, booking, slot):
    before = state(booking, slot)
    assert_error(move(resident_api, booking.code, {"slot": 999_999}), 404, "not_found")
    assert state(booking, slot) == before


def test_a_cancelled_booking_cannot_move(resident_api, booking, slot, later):
    services.cancel_booking(booking)
    assert_error(move(resident_api, booking.code, {"slot": later.pk}), 409, "not_reschedulable")
    assert state(booking, slot, later) == (slot.pk, "cancelled", str(slot.pk), [0, 0])


@pytest.mark.parametrize("body", ["{}", '{"slot": "5"}', '{"slot": -1}', '{"slot": 1.5}', "[]", "not json"])
def test_malformed_requests_are_json_400s(resident_api, booking, slot, body):
    assert_error(move(resident_api, booking.code, body), 400, "invalid")
    assert state(booking, slot) == (slot.pk, "booked", str(slot.pk), [1])


def test_reschedule_needs_a_token(api, booking, slot, later):
    assert_error(move(api, booking.code, {"slot": later.pk}), 401, "unauthorized")
    assert state(booking, slot, later) == (slot.pk, "booked", str(slot.pk), [1, 0])


def test_reschedule_is_post_only(resident_api, booking):
    assert_error(resident_api.get(f"{API}/bookings/{booking.code}/reschedule"), 405, "method_not_allowed")


def test_the_contract_lists_the_endpoint(api):
    paths = api.get(f"{API}/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/bookings/{code}/reschedule"]


# Many residents moving at once (DESIGN.md §5): PostgreSQL only, real threads released together.


def race_to_move(moves_wanted):
    """Each (token, code, slot) posts its move at the same moment; answers as (status, code)."""
    barrier = threading.Barrier(len(moves_wanted))
    answers = []
    lock = threading.Lock()

    def post(token, code, slot_id):
        client = Client(headers={"authorization": f"Bearer {token}"})
        try:
            barrier.wait(timeout=30)
            response = move(client, code, {"slot": slot_id})
            with lock:
                answers.append((response.status_code, response.json().get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=wanted) for wanted in moves_wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def residents_booked_on(make_user, slot, count, prefix):
    booked = []
    for number in range(count):
        user = make_user(email=f"{prefix}{number}@example.com", phone=f"13{number:09d}"[:11])
        booked.append((token_of(user), services.book(user, slot.pk).code))
    return booked


def assert_places_match_bookings(*slots):
    for slot in slots:
        slot.refresh_from_db()
        active = Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE)
        assert slot.num_booked == active.count() <= slot.capacity
        for booking in active.select_related("line"):
            assert booking.line.attributes.get(type=SLOT_OPTION_CODE).value == str(slot.pk)


MOVERS = 12
SMALL = 3


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_many_residents_moving_into_a_small_slot_at_once_never_overbook(make_user, make_slot, offering):
    offering.product.max_active_per_resident = 0
    offering.product.save()
    crowded = make_slot(offering, capacity=MOVERS)
    small = make_slot(offering, starts_in=timedelta(days=2), capacity=SMALL)
    movers = residents_booked_on(make_user, crowded, MOVERS, "mover")

    answers = race_to_move([(token, code, small.pk) for token, code in movers])

    assert Counter(status for status, _code in answers) == {200: SMALL, 409: MOVERS - SMALL}, answers
    assert {code for status, code in answers if status == 409} == {"slot_full"}
    assert_places_match_bookings(crowded, small)
    assert (crowded.num_booked, small.num_booked) == (MOVERS - SMALL, SMALL)
    assert Booking.objects.filter(status="booked").count() == MOVERS  # no place lost, none duplicated


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_residents_swapping_times_at_once_never_deadlock_or_lose_a_place(make_user, make_slot, offering):
    morning = make_slot(offering, capacity=7)
    afternoon = make_slot(offering, starts_in=timedelta(days=1, hours=4), capacity=7)
    early = residents_booked_on(make_user, morning, 6, "early")
    late = residents_booked_on(make_user, afternoon, 6, "late")

    answers = race_to_move(
        [(token, code, afternoon.pk) for token, code in early] + [(token, code, morning.pk) for token, code in late]
    )

    assert len(answers) == 12
    assert {status for status, _code in answers} <= {200, 409}, answers
    assert {code for status, code in answers if status == 409} <= {"slot_full"}
    assert_places_match_bookings(morning, afternoon)
    assert morning.num_booked + afternoon.num_booked == 12

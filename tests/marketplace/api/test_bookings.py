import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from marketplace.booking import services
from tests.marketplace.api.conftest import API, assert_error

Booking = get_model("booking", "Booking")
Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


def post_booking(client, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}/bookings", data, content_type="application/json", headers=headers)


def cancel(client, code):
    return client.post(f"{API}/bookings/{code}/cancel")


def remaining(client, slot):
    [found] = [
        s
        for s in client.get(f"{API}/services/{slot.offering.product_id}/slots").json()["results"]
        if s["id"] == slot.pk
    ]
    return found["remaining"]


class Unchanged:
    """Assert that a refused request changed nothing: places, bookings, orders, baskets."""

    def __init__(self, *slots):
        self.slots = slots
        self.before = self.snapshot()

    def snapshot(self):
        for slot in self.slots:
            slot.refresh_from_db()
        return (
            [slot.num_booked for slot in self.slots],
            sorted(Booking.objects.values_list("code", "status")),
            Order.objects.count(),
            Basket.objects.count(),
        )

    def check(self):
        assert self.snapshot() == self.before


# Booking


def test_booking_through_the_api_is_an_oscar_order_and_takes_a_place(api, resident_api, resident, slot, service):
    assert remaining(api, slot) == 3

    response = post_booking(resident_api, {"slot": slot.pk, "note": "带上身份证"})

    assert response.status_code == 201, response.content
    body = response.json()
    booking = Booking.objects.get(code=body["code"])
    assert body == {
        "code": booking.code,
        "dependant": None,
        "status": "booked",
        "service": {"id": service.pk, "name": "免费法律咨询"},
        "provider": {
            "id": slot.offering.partner_id,
            "name": "拓东街道公共法律服务工作站",
            "address": "盘龙区拓东路 12 号",
        },
        "slot": {
            "id": slot.pk,
            "starts_at": timezone.localtime(slot.starts_at).isoformat(),
            "ends_at": timezone.localtime(slot.ends_at).isoformat(),
        },
        "price": "0.00",
        "currency": "CNY",
        "payment": {"required": False, "status": "not_required"},
        "created_at": body["created_at"],
        "mode": "onsite",
        "join_url": None,
    }
    assert body["slot"]["starts_at"].endswith("+08:00")
    assert body["created_at"].endswith("+08:00")
    assert booking.user == resident
    assert booking.note == "带上身份证"
    assert list(resident.orders.all()) == [booking.order]
    assert booking.order.lines.get().product == service
    slot.refresh_from_db()
    assert slot.num_booked == 1
    assert remaining(api, slot) == 2

    assert cancel(resident_api, booking.code).status_code == 200
    assert remaining(api, slot) == 3


def test_booking_a_paid_service_awaits_payment_online(resident_api, provider, sector, make_slot):
    service = create_service("中医理疗", sector, summary="推拿")
    slot = make_slot(add_offering(service, provider, Decimal("30.00")))

    response = post_booking(resident_api, {"slot": slot.pk})

    assert response.status_code == 201
    body = response.json()
    assert body["price"] == "30.00"
    assert body["currency"] == "CNY"
    assert body["status"] == "pending_payment"
    assert body["payment"]["required"] is True
    assert body["payment"]["status"] == "pending"
    assert "pay_url" not in body["payment"]  # nothing to pay at until a payment is started
    assert body["payment"]["held_until"].endswith("+08:00")


def test_booking_needs_a_token(api, slot):
    unchanged = Unchanged(slot)

    assert_error(post_booking(api, {"slot": slot.pk}), 401, "unauthorized")
    assert_error(post_booking(api, {"slot": slot.pk}, authorization="Bearer nope"), 401, "unauthorized")
    unchanged.check()


@pytest.fixture
def full_slot(make_slot, offering, other_resident):
    slot = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    services.book(other_resident, slot.pk)
    return slot


@pytest.mark.parametrize(
    "make, status, code",
    [
        (lambda slots: slots["full"], 409, "slot_full"),
        (lambda slots: slots["closed"], 409, "slot_closed"),
        (lambda slots: slots["past"], 409, "slot_closed"),
        (lambda slots: slots["too_far_ahead"], 409, "slot_closed"),
        (lambda slots: slots["already_mine"], 409, "already_booked"),
    ],
    ids=["full", "closed", "past", "outside the booking window", "already booked"],
)
def test_booking_refusals_change_nothing(resident_api, resident, offering, make_slot, full_slot, make, status, code):
    already_mine = make_slot(offering, starts_in=timedelta(days=3))
    services.book(resident, already_mine.pk)
    slots = {
        "full": full_slot,
        "closed": make_slot(offering, starts_in=timedelta(days=4), is_open=False),
        "past": make_slot(offering, starts_in=-timedelta(minutes=10)),
        "too_far_ahead": make_slot(offering, starts_in=timedelta(days=30)),
        "already_mine": already_mine,
    }
    slot = make(slots)
    unchanged = Unchanged(*slots.values())

    assert_error(post_booking(resident_api, {"slot": slot.pk}), status, code)

    unchanged.check()


def test_booking_an_unknown_slot_is_404(resident_api, slot):
    unchanged = Unchanged(slot)

    assert_error(post_booking(resident_api, {"slot": slot.pk + 1000}), 404, "not_found")
    unchanged.check()


def test_booking_beyond_the_per_resident_limit_is_refused(resident_api, resident, offering, make_slot):
    first, second, third = (make_slot(offering, starts_in=timedelta(days=days)) for days in (1, 2, 3))
    for slot in (first, second):
        assert post_booking(resident_api, {"slot": slot.pk}).status_code == 201
    unchanged = Unchanged(first, second, third)

    assert_error(post_booking(resident_api, {"slot": third.pk}), 409, "limit_reached")

    unchanged.check()


def test_booking_for_an_unknown_dependant_is_not_found_and_changes_nothing(resident_api, slot):
    unchanged = Unchanged(slot)

    body = assert_error(
        post_booking(resident_api, {"slot": slot.pk, "dependant": 1}, accept_language="en"), 404, "not_found"
    )

    assert "dependant" in body["detail"]
    unchanged.check()
    assert post_booking(resident_api, {"slot": slot.pk, "dependant": None}).status_code == 201


def test_refusal_detail_follows_the_request_language(resident_api, full_slot):
    english = assert_error(post_booking(resident_api, {"slot": full_slot.pk}, accept_language="en"), 409, "slot_full")

    assert "fully booked" in english["detail"]


MALFORMED_BOOKINGS = [
    pytest.param("", id="no body"),
    pytest.param("{not json", id="not JSON"),
    pytest.param("[1]", id="a list"),
    pytest.param("1", id="a number"),
    pytest.param("null", id="null"),
    pytest.param("{}", id="no slot"),
    pytest.param({"slot": "abc"}, id="slot text"),
    pytest.param({"slot": "1"}, id="slot numeric text"),
    pytest.param({"slot": -1}, id="slot negative"),
    pytest.param({"slot": 0}, id="slot zero"),
    pytest.param({"slot": 1.5}, id="slot fraction"),
    pytest.param({"slot": 1.0}, id="slot float"),
    pytest.param({"slot": [1]}, id="slot list"),
    pytest.param({"slot": {"id": 1}}, id="slot object"),
    pytest.param({"slot": None}, id="slot null"),
    pytest.param({"slot": True}, id="slot true"),
    pytest.param({"slot": 2**70}, id="slot huge"),
    pytest.param('{"slot": NaN}', id="slot NaN"),
    pytest.param('{"slot": 1e999}', id="slot infinity"),
    pytest.param({"slot": "SLOT", "note": 5}, id="note a number"),
    pytest.param({"slot": "SLOT", "note": "长" * 201}, id="note too long"),
    pytest.param({"slot": "SLOT", "note": "a\u0000b"}, id="NUL in note"),
    pytest.param('{"slot": SLOT, "note": "\\udc00"}', id="lone surrogate in note"),
    pytest.param({"slot": "SLOT", "dependant": "abc"}, id="dependant text"),
]


@pytest.mark.parametrize("body", MALFORMED_BOOKINGS)
def test_malformed_booking_requests_are_json_400s(resident_api, slot, body):
    if isinstance(body, dict) and body.get("slot") == "SLOT":
        body = {**body, "slot": slot.pk}
    elif isinstance(body, str):
        body = body.replace("SLOT", str(slot.pk))
    unchanged = Unchanged(slot)

    assert_error(post_booking(resident_api, body), 400, "invalid")

    unchanged.check()


def test_form_encoded_body_is_refused(resident_api, slot):
    unchanged = Unchanged(slot)

    response = resident_api.post(f"{API}/bookings", {"slot": slot.pk})

    assert_error(response, 400, "invalid")
    unchanged.check()


# Reading


def test_list_shows_only_my_bookings_newest_first(resident_api, resident, other_resident, offering, make_slot):
    older, newer = (make_slot(offering, starts_in=timedelta(days=days)) for days in (2, 1))
    first = services.book(resident, older.pk)
    second = services.book(resident, newer.pk)
    services.book(other_resident, older.pk)

    response = resident_api.get(f"{API}/bookings")

    assert response.status_code == 200
    assert [booking["code"] for booking in response.json()["results"]] == [second.code, first.code]


def test_list_costs_the_same_queries_for_one_or_many(resident_api, resident, offering, provider, sector, make_slot):
    def queries_for_list():
        resident_api.get(f"{API}/bookings")  # the token's last use is recorded at most once a minute
        with CaptureQueriesContext(connection) as queries:
            assert resident_api.get(f"{API}/bookings").status_code == 200
        return len(queries)

    services.book(resident, make_slot(offering, starts_in=timedelta(days=1)).pk)
    with_one = queries_for_list()
    services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    other_service = create_service("中医理疗", sector)
    services.book(resident, make_slot(add_offering(other_service, provider, Decimal("30.00"))).pk)
    with_three = queries_for_list()

    assert len(resident_api.get(f"{API}/bookings").json()["results"]) == 3
    assert with_three == with_one


def test_detail_of_my_booking(resident_api, resident, slot):
    booking = services.book(resident, slot.pk)

    response = resident_api.get(f"{API}/bookings/{booking.code}")

    assert response.status_code == 200
    assert response.json()["code"] == booking.code
    assert response.json()["status"] == "booked"


def test_someone_elses_booking_is_not_found(resident_api, other_resident, slot):
    theirs = services.book(other_resident, slot.pk)
    unchanged = Unchanged(slot)

    assert_error(resident_api.get(f"{API}/bookings/{theirs.code}"), 404, "not_found")
    assert_error(cancel(resident_api, theirs.code), 404, "not_found")
    assert_error(resident_api.get(f"{API}/bookings/NOSUCHCO"), 404, "not_found")

    unchanged.check()
    theirs.refresh_from_db()
    assert theirs.status == "booked"


@pytest.mark.parametrize("code", ["%00", "A" * 17, "%ED%A0%80"])
def test_booking_code_of_another_shape(resident_api, code):
    response = resident_api.get(f"{API}/bookings/{code}")

    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"detail", "code"}


# Cancelling


def test_cancel_gives_the_place_back(resident_api, resident, slot):
    booking = services.book(resident, slot.pk)

    response = cancel(resident_api, booking.code)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["code"] == booking.code
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.order.status == "cancelled"
    assert slot.num_booked == 0

    # Cancelling again changes nothing and still answers the booking.
    again = cancel(resident_api, booking.code)
    assert again.status_code == 200
    assert again.json()["status"] == "cancelled"
    slot.refresh_from_db()
    assert slot.num_booked == 0


def test_cancel_too_late_is_refused(resident_api, resident, offering, make_slot):
    slot = make_slot(offering, starts_in=timedelta(hours=1))  # the service cancels up to 2 hours before
    booking = services.book(resident, slot.pk)
    unchanged = Unchanged(slot)

    assert_error(cancel(resident_api, booking.code), 409, "too_late")

    unchanged.check()
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_cancel_needs_a_token(api, resident, slot):
    booking = services.book(resident, slot.pk)
    unchanged = Unchanged(slot)

    assert_error(cancel(api, booking.code), 401, "unauthorized")

    unchanged.check()


def test_a_body_too_large_is_a_json_400(resident_api, slot):
    unchanged = Unchanged(slot)
    huge = json.dumps({"slot": slot.pk, "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    assert_error(post_booking(resident_api, huge), 400, "invalid")

    unchanged.check()


def test_a_booking_locks_the_resident_only_where_a_rule_counts_their_bookings(
    resident_api, offering, provider, sector, make_slot
):
    """Two bookings of one resident at once must count exactly against a limit, so those wait for each other on
    the resident's row; a service that counts nothing books without that statement (every booking pays for it)."""

    def statements_of_booking(slot):
        with CaptureQueriesContext(connection) as queries:
            assert post_booking(resident_api, {"slot": slot.pk}).status_code == 201
        return [query["sql"] for query in queries]

    def locks_the_resident(statements):
        return any('FROM "users_user"' in sql and "FOR UPDATE" in sql for sql in statements)

    assert offering.product.max_active_per_resident  # the fixture's service allows a few bookings per person
    limited = statements_of_booking(make_slot(offering, starts_in=timedelta(days=1)))
    open_to_all = create_service("免费法律咨询", sector, max_active_per_resident=0)
    unlimited = statements_of_booking(make_slot(add_offering(open_to_all, provider, Decimal("0.00"))))

    assert locks_the_resident(limited) == connection.features.has_select_for_update
    assert not locks_the_resident(unlimited)
    assert not any('FROM "users_user"' in sql for sql in unlimited)  # the resident the token named is the one booked
    assert len(unlimited) <= 15

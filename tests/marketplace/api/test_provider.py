import json
from datetime import timedelta

import pytest
from django.conf import settings

from marketplace.booking import services
from marketplace.booking.models import Booking
from tests.marketplace.api.conftest import API, assert_error, authorised_client

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


CHECKINS = f"{API}/provider/checkins"


def post_checkin(client, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(CHECKINS, data, content_type="application/json", headers=headers)


@pytest.fixture
def staff_api(staff):
    return authorised_client(staff)


@pytest.fixture
def other_staff_api(other_staff):
    return authorised_client(other_staff)


def status_of(booking):
    booking.refresh_from_db()
    return booking.status, booking.line.status, booking.order.status


def test_check_in_on_the_day(staff_api, today_booking):
    response = post_checkin(staff_api, {"code": today_booking.code})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == today_booking.code
    assert body["status"] == "checked_in"
    assert body["slot"]["id"] == today_booking.slot_id
    assert body["provider"]["id"] == today_booking.slot.offering.partner_id
    assert status_of(today_booking) == ("checked_in", "checked_in", "checked_in")


def test_code_in_lower_case_with_spaces(staff_api, today_booking):
    code = today_booking.code.lower()

    response = post_checkin(staff_api, {"code": f"{code[:4]} {code[4:]}"})

    assert response.status_code == 200, response.content
    assert response.json()["code"] == today_booking.code


def test_checking_in_twice_is_harmless(staff_api, today_booking):
    first = post_checkin(staff_api, {"code": today_booking.code})
    second = post_checkin(staff_api, {"code": today_booking.code})

    assert first.status_code == second.status_code == 200
    assert second.json()["status"] == "checked_in"
    assert today_booking.order.status_changes.filter(new_status="checked_in").count() == 1


def test_before_check_in_opens(staff_api, resident, make_slot, offering):
    # 10:00 on the daytime clock: the slot at 12:00 is today, and check-in opens 60 minutes before it.
    booking = services.book(resident, make_slot(offering, starts_in=timedelta(hours=2)).pk)

    assert_error(post_checkin(staff_api, {"code": booking.code}), 409, "check_in_not_open")

    assert status_of(booking) == ("booked", "booked", "booked")


def test_not_on_the_slots_day(staff_api, resident, make_slot, offering):
    booking = services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)

    assert_error(post_checkin(staff_api, {"code": booking.code}), 409, "not_today")

    assert status_of(booking) == ("booked", "booked", "booked")


def test_another_providers_booking_is_not_found(other_staff_api, today_booking):
    assert_error(post_checkin(other_staff_api, {"code": today_booking.code}), 404, "not_found")

    assert status_of(today_booking) == ("booked", "booked", "booked")


def test_unknown_code_is_not_found(staff_api, today_booking):
    assert_error(post_checkin(staff_api, {"code": "ZZZZZZZZ"}), 404, "not_found")


def test_a_resident_is_refused_whatever_the_code(resident_api, today_booking):
    assert_error(post_checkin(resident_api, {"code": today_booking.code}), 403, "not_staff")
    assert_error(post_checkin(resident_api, {"code": "ZZZZZZZZ"}), 403, "not_staff")

    assert status_of(today_booking) == ("booked", "booked", "booked")


def test_cancelled_booking_is_refused(staff_api, today_booking):
    services.cancel_booking(today_booking, by=Booking.CancelledBy.PROVIDER)

    assert_error(post_checkin(staff_api, {"code": today_booking.code}), 409, "not_checkable")

    assert status_of(today_booking) == ("cancelled", "cancelled", "cancelled")


def test_token_is_required(api, today_booking):
    assert_error(post_checkin(api, {"code": today_booking.code}), 401, "unauthorized")
    assert_error(
        post_checkin(api, {"code": today_booking.code}, authorization="Bearer not-a-token"), 401, "unauthorized"
    )

    assert status_of(today_booking) == ("booked", "booked", "booked")


def test_wrong_method_is_json_405(staff_api):
    assert_error(staff_api.get(CHECKINS), 405, "method_not_allowed")


MALFORMED_CHECKINS = [
    pytest.param("", id="no body"),
    pytest.param("{not json", id="not JSON"),
    pytest.param("[1]", id="a list"),
    pytest.param("1", id="a number"),
    pytest.param("null", id="null"),
    pytest.param("{}", id="no code"),
    pytest.param({"code": 12345678}, id="code a number"),
    pytest.param({"code": ["CODE"]}, id="code a list"),
    pytest.param({"code": {"code": "CODE"}}, id="code an object"),
    pytest.param({"code": None}, id="code null"),
    pytest.param({"code": True}, id="code true"),
    pytest.param({"code": ""}, id="code empty"),
    pytest.param({"code": "   "}, id="code blank"),
    pytest.param({"code": "x" * 10_000}, id="code 10 kB"),
    pytest.param({"code": "AB\u0000CD"}, id="NUL in code"),
    pytest.param('{"code": "\\udc00"}', id="lone surrogate in code"),
]


@pytest.mark.parametrize("body", MALFORMED_CHECKINS)
def test_malformed_checkins_are_json_400s(staff_api, today_booking, body):
    if isinstance(body, dict) and body.get("code") == ["CODE"]:
        body = {"code": [today_booking.code]}

    assert_error(post_checkin(staff_api, body), 400, "invalid")

    assert status_of(today_booking) == ("booked", "booked", "booked")


def test_body_over_the_upload_limit_is_a_json_400(staff_api, today_booking):
    huge = json.dumps({"code": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    assert_error(post_checkin(staff_api, huge), 400, "invalid")

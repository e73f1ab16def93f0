"""Paying through the API: the booking's ``payment``, ``POST /bookings/{code}/pay`` and paying on site."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

import responses

from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.payment import sandbox
from marketplace.payment.models import SandboxPayment
from tests.marketplace.api.conftest import API, assert_error
from tests.marketplace.payment.conftest import (  # noqa: F401
    GATEWAY,
    on_site_offering,
    paid_offering,
    paid_service,
    paid_slot,
    real_gateway,
)


def pay(client, code):
    return client.post(f"{API}/bookings/{code}/pay")


def booked(client, slot, **extra):
    response = client.post(f"{API}/bookings", {"slot": slot.pk, **extra}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_pay_gives_the_same_pay_url_while_the_payment_is_pending(settings, resident_api, paid_slot):
    settings.SITE_URL = "https://panlong.example"
    booking = booked(resident_api, paid_slot)

    first = pay(resident_api, booking["code"])
    again = pay(resident_api, booking["code"])

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["pay_url"].startswith("https://panlong.example/shop/payment/sandbox/")
    shown = resident_api.get(f"{API}/bookings/{booking['code']}").json()["payment"]
    assert shown["status"] == "pending"
    assert shown["pay_url"] == first.json()["pay_url"]


def test_a_paid_booking_says_paid_and_cannot_be_paid_again(resident_api, paid_slot):
    code = booked(resident_api, paid_slot)["code"]
    pay(resident_api, code)
    sandbox.decide(SandboxPayment.objects.get(), approve=True)

    body = resident_api.get(f"{API}/bookings/{code}").json()
    assert body["status"] == "booked"
    assert body["payment"] == {"required": True, "status": "paid"}
    assert_error(pay(resident_api, code), 409, "not_payable")


def test_a_free_booking_is_not_payable(resident_api, slot):
    code = booked(resident_api, slot)["code"]
    assert_error(pay(resident_api, code), 409, "not_payable")


def test_someone_elses_booking_cannot_be_paid(other_api, resident, paid_slot):
    theirs = services.book(resident, paid_slot.pk)
    assert_error(pay(other_api, theirs.code), 404, "not_found")
    assert not SandboxPayment.objects.exists()


def test_pay_needs_a_token(api, resident, paid_slot):
    theirs = services.book(resident, paid_slot.pk)
    assert_error(pay(api, theirs.code), 401, "unauthorized")


@responses.activate
def test_a_gateway_outage_is_an_honest_error_and_the_place_stays_held(real_gateway, resident_api, paid_slot):
    responses.post(f"{GATEWAY}/payments", json={"message": "down"}, status=503)
    code = booked(resident_api, paid_slot)["code"]

    assert_error(pay(resident_api, code), 503, "payment_unavailable")
    assert Booking.objects.get(code=code).status == Booking.Status.PENDING_PAYMENT


def test_paying_on_site_where_the_offering_allows_it(resident_api, on_site_offering, make_slot):
    body = booked(resident_api, make_slot(on_site_offering), pay_on_site=True)

    assert body["status"] == "booked"
    assert body["payment"] == {"required": True, "status": "on_site"}
    assert_error(pay(resident_api, body["code"]), 409, "not_payable")


def test_paying_on_site_where_it_is_not_offered_is_refused(resident_api, paid_slot):
    response = resident_api.post(
        f"{API}/bookings", {"slot": paid_slot.pk, "pay_on_site": True}, content_type="application/json"
    )
    assert_error(response, 409, "pay_on_site_not_offered")
    assert not Booking.objects.exists()


def test_pay_on_site_must_be_true_or_false(resident_api, paid_slot):
    response = resident_api.post(
        f"{API}/bookings", {"slot": paid_slot.pk, "pay_on_site": "yes"}, content_type="application/json"
    )
    assert_error(response, 400, "invalid")

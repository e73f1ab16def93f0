"""Refunds: a paid booking cancelled in time, or by the provider, is paid back; a refund the gateway
fails stays visible as pending and ``retry_refunds`` gets it through with the same idempotency key."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

import json
from decimal import Decimal

import pytest
import responses
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from marketplace.booking import services, signals
from marketplace.booking.models import Booking
from marketplace.payment import facade, sandbox
from marketplace.payment.models import GatewayRefund, SandboxPayment
from tests.conftest import PASSWORD
from tests.marketplace.payment.conftest import (  # noqa: F401
    GATEWAY,
    paid_offering,
    paid_service,
    paid_slot,
    real_gateway,
)
from tests.marketplace.payment.test_facade import money_recorded, post_webhook, remote

REFUNDS = f"{GATEWAY}/payments/pay_1/refunds"
REFUNDED = {"id": "re_1", "payment": "pay_1", "status": "succeeded", "amount": 3000}


@pytest.fixture
def refunds_told():
    told = []

    def receiver(sender, booking, amount, pending, **kwargs):
        told.append((booking.code, amount, pending))

    signals.booking_refunded.connect(receiver)
    yield told
    signals.booking_refunded.disconnect(receiver)


@pytest.fixture
def paid_booking(real_gateway, client, resident, paid_slot):
    with responses.RequestsMock() as mocked:
        booking = services.book(resident, paid_slot.pk)
        mocked.post(f"{GATEWAY}/payments", json=remote(f"{booking.code}-1"), status=201)
        facade.start_payment(booking)
        assert post_webhook(client, remote(f"{booking.code}-1", "succeeded")).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    return booking


def page_of(booking):
    client = Client()
    assert client.login(email=booking.user.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()


@pytest.mark.parametrize("by", [Booking.CancelledBy.RESIDENT, Booking.CancelledBy.PROVIDER])
@responses.activate
def test_cancelling_a_paid_booking_refunds_it_in_full(
    paid_booking, refunds_told, django_capture_on_commit_callbacks, by
):
    responses.post(REFUNDS, json=REFUNDED, status=201)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(paid_booking, by=by, reason="站点停电")

    paid_booking.refresh_from_db()
    assert paid_booking.status == Booking.Status.CANCELLED
    assert json.loads(responses.calls[0].request.body)["amount"] == 3000
    assert facade.payment_state(paid_booking) == ("refunded", None)
    assert money_recorded(paid_booking) == (
        Decimal("30.00"),
        Decimal("30.00"),
        2,
        [("Paid", Decimal("30.00")), ("Refunded", Decimal("30.00"))],
    )
    assert refunds_told == [(paid_booking.code, Decimal("30.00"), False)]
    assert "refunded in full" in page_of(paid_booking)


@responses.activate
def test_a_failed_refund_stays_pending_until_retry_refunds_gets_it_through(
    paid_booking, refunds_told, django_capture_on_commit_callbacks
):
    responses.post(REFUNDS, json={"message": "down"}, status=503)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(paid_booking)

    # The cancellation stands; the money is owed and says so.
    paid_booking.refresh_from_db()
    assert paid_booking.status == Booking.Status.CANCELLED
    refund = GatewayRefund.objects.get()
    assert (refund.status, refund.attempts) == (GatewayRefund.Status.PENDING, 1)
    assert "GatewayUnavailable" in refund.last_error
    assert facade.payment_state(paid_booking) == ("refund_pending", None)
    assert "refund pending" in page_of(paid_booking)
    assert refunds_told == [(paid_booking.code, Decimal("30.00"), True)]
    assert money_recorded(paid_booking)[1] == Decimal("0")
    assert paid_booking.order.notes.filter(message__contains="¥30.00").count() == 1  # the dashboard shows it owed

    responses.replace(responses.POST, REFUNDS, json=REFUNDED, status=201)
    call_command("retry_refunds")
    call_command("retry_refunds")  # nothing left: the gateway is not asked again

    refund.refresh_from_db()
    assert refund.status == GatewayRefund.Status.SUCCEEDED
    keys = [call.request.headers["Idempotency-Key"] for call in responses.calls if call.request.url == REFUNDS]
    assert len(keys) == 3  # one failed attempt with its retry inside the client, then the one that worked
    assert set(keys) == {refund.idempotency_key}
    assert money_recorded(paid_booking)[1] == Decimal("30.00")
    assert refunds_told == [(paid_booking.code, Decimal("30.00"), True), (paid_booking.code, Decimal("30.00"), False)]
    assert "refunded in full" in page_of(paid_booking)


@responses.activate
def test_a_refund_the_gateway_reports_failed_is_retried_too(paid_booking, django_capture_on_commit_callbacks):
    responses.post(REFUNDS, json={**REFUNDED, "status": "failed"}, status=201)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(paid_booking)
    assert GatewayRefund.objects.get().status == GatewayRefund.Status.PENDING

    responses.replace(responses.POST, REFUNDS, json=REFUNDED, status=201)
    assert facade.retry_refunds() == (1, 0)


def test_cancelling_an_unpaid_booking_refunds_nothing(resident, paid_slot, django_capture_on_commit_callbacks):
    booking = services.book(resident, paid_slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.cancel_booking(booking)
    assert not GatewayRefund.objects.exists()
    assert facade.payment_state(booking) == ("unpaid", None)


def test_the_sandbox_fails_refunds_on_request_and_retry_refunds_gets_them_through(
    settings, resident, paid_slot, refunds_told, django_capture_on_commit_callbacks
):
    booking = services.book(resident, paid_slot.pk)
    facade.start_payment(booking)
    sandbox.decide(SandboxPayment.objects.get(), approve=True)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    settings.PAYMENT_SANDBOX_REFUNDS = "fail"

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking)
    assert facade.payment_state(booking) == ("refund_pending", None)

    settings.PAYMENT_SANDBOX_REFUNDS = "succeed"
    assert facade.retry_refunds() == (1, 0)
    assert facade.retry_refunds() == (0, 0)
    assert facade.payment_state(booking) == ("refunded", None)
    assert SandboxPayment.objects.get().status == "refunded"
    assert [pending for _code, _amount, pending in refunds_told] == [True, False]

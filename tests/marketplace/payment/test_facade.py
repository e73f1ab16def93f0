"""Paying a booking through a configured gateway (its HTTP mocked with ``responses``): start, webhook, return."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

import json
import logging
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.booking import services, signals
from marketplace.booking.models import Booking
from marketplace.payment import facade, gateway
from marketplace.payment.models import GatewayPayment, GatewayRefund, WebhookEvent
from tests.conftest import PASSWORD
from tests.marketplace.payment.conftest import (  # noqa: F401
    GATEWAY,
    SECRET,
    paid_offering,
    paid_service,
    paid_slot,
    real_gateway,
)

Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.usefixtures("real_gateway")


def remote(reference, status="pending", amount=3000, currency="CNY", payment_id="pay_1"):
    return {
        "id": payment_id,
        "status": status,
        "amount": amount,
        "currency": currency,
        "reference": reference,
        "pay_url": f"https://pay.example.com/p/{payment_id}",
    }


def started(booking):
    """A payment started at the gateway for ``booking``; returns its reference."""
    reference = f"{booking.code}-1"
    responses.post(f"{GATEWAY}/payments", json=remote(reference), status=201)
    facade.start_payment(booking)
    return reference


def post_webhook(client, data, event_id="evt_1", secret=SECRET, timestamp=None, event_type="payment.succeeded"):
    body = json.dumps({"id": event_id, "type": event_type, "data": data}).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(
        reverse("payment:webhook"),
        body,
        content_type="application/json",
        headers={
            gateway.TIMESTAMP_HEADER: timestamp,
            gateway.SIGNATURE_HEADER: gateway.sign(secret, timestamp, body),
        },
    )


@pytest.fixture
def paid_for():
    bookings = []

    def receiver(sender, booking, **kwargs):
        bookings.append(booking.code)

    signals.booking_paid.connect(receiver)
    yield bookings
    signals.booking_paid.disconnect(receiver)


@pytest.fixture
def pending(resident, paid_slot):
    return services.book(resident, paid_slot.pk)


def money_recorded(booking):
    """What Oscar's dashboard shows of the booking's money: (debited, refunded, transactions, events)."""
    sources = Source.objects.filter(order=booking.order, source_type__code=facade.ONLINE_SOURCE)
    debited = sum((source.amount_debited for source in sources), Decimal("0"))
    refunded = sum((source.amount_refunded for source in sources), Decimal("0"))
    transactions = Transaction.objects.filter(source__order=booking.order).count()
    events = sorted((event.event_type.name, event.amount) for event in PaymentEvent.objects.filter(order=booking.order))
    return debited, refunded, transactions, events


def assert_nothing_changed(booking):
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.hold_expires_at is not None
    assert GatewayPayment.objects.get(booking=booking).status == GatewayPayment.Status.PENDING
    assert money_recorded(booking) == (Decimal("0"), Decimal("0"), 0, [])
    assert not WebhookEvent.objects.exists()


@responses.activate
def test_starting_a_payment_asks_the_gateway_once_in_fen_and_gives_the_same_pay_url(pending):
    responses.post(f"{GATEWAY}/payments", json=remote(f"{pending.code}-1"), status=201)

    first = facade.start_payment(pending)
    again = facade.start_payment(pending)

    assert first == again == "https://pay.example.com/p/pay_1"
    assert len(responses.calls) == 1
    sent = json.loads(responses.calls[0].request.body)
    assert (sent["amount"], sent["currency"], sent["reference"]) == (3000, "CNY", f"{pending.code}-1")
    assert sent["notify_url"].endswith("/shop/payment/webhook/")
    assert sent["return_url"].endswith(f"/shop/payment/return/{pending.code}-1/")
    payment = GatewayPayment.objects.get(booking=pending)
    assert responses.calls[0].request.headers["Idempotency-Key"] == payment.idempotency_key


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 402, "json": {"message": "declined"}},
        {"status": 503, "json": {"message": "down"}},
        {"status": 201, "body": "<html>not json</html>"},
        {"body": requests.Timeout()},
    ],
    ids=["decline", "5xx", "malformed-json", "timeout"],
)
@responses.activate
def test_a_gateway_that_cannot_start_a_payment_leaves_the_place_held_and_a_retry_uses_the_same_key(pending, answer):
    responses.post(f"{GATEWAY}/payments", **answer)

    with pytest.raises(facade.PaymentUnavailable):
        facade.start_payment(pending)

    pending.refresh_from_db()
    assert pending.status == Booking.Status.PENDING_PAYMENT
    responses.replace(responses.POST, f"{GATEWAY}/payments", json=remote(f"{pending.code}-1"), status=201)
    assert facade.start_payment(pending) == "https://pay.example.com/p/pay_1"
    keys = {call.request.headers["Idempotency-Key"] for call in responses.calls}
    assert keys == {GatewayPayment.objects.get(booking=pending).idempotency_key}


def test_only_a_booking_awaiting_payment_can_be_paid(resident, slot, pending):
    free = services.book(resident, slot.pk)
    with pytest.raises(facade.NotPayable):
        facade.start_payment(free)
    Booking.objects.filter(pk=pending.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(facade.NotPayable):
        facade.start_payment(pending)
    assert not GatewayPayment.objects.exists()


@responses.activate
def test_the_webhook_confirms_the_booking_and_records_the_money_for_the_dashboard(client, pending, paid_for):
    reference = started(pending)

    response = post_webhook(client, remote(reference, "succeeded"))

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Booking.Status.BOOKED
    assert pending.hold_expires_at is None
    pending.order.refresh_from_db()
    pending.line.refresh_from_db()
    assert pending.order.status == pending.line.status == "booked"
    assert money_recorded(pending) == (Decimal("30.00"), Decimal("0"), 1, [("Paid", Decimal("30.00"))])
    assert PaymentEvent.objects.get(order=pending.order).lines.get() == pending.line
    assert paid_for == [pending.code]
    assert facade.payment_state(pending) == ("paid", None)


@responses.activate
def test_a_replayed_webhook_answers_ok_and_changes_nothing(client, pending, paid_for):
    reference = started(pending)
    assert post_webhook(client, remote(reference, "succeeded")).status_code == 200

    assert post_webhook(client, remote(reference, "succeeded")).status_code == 200
    # Another event about the same, already confirmed payment changes nothing either.
    assert post_webhook(client, remote(reference, "succeeded"), event_id="evt_2").status_code == 200

    assert money_recorded(pending) == (Decimal("30.00"), Decimal("0"), 1, [("Paid", Decimal("30.00"))])
    assert paid_for == [pending.code]


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"secret": "not-the-secret"}, 400),
        ({"timestamp": int(time.time()) - 3600}, 400),
    ],
    ids=["forged-signature", "stale-timestamp"],
)
@responses.activate
def test_an_untrusted_webhook_is_refused_and_changes_nothing(client, pending, changes, status):
    reference = started(pending)

    response = post_webhook(client, remote(reference, "succeeded"), **changes)

    assert response.status_code == status
    assert response.json()["code"] == "payment_refused"
    assert_nothing_changed(pending)


@pytest.mark.parametrize(
    "data_changes",
    [{"amount": 1}, {"currency": "USD"}, {"reference": "NOSUCHREF-1"}],
    ids=["amount-mismatch", "currency-mismatch", "unknown-reference"],
)
@responses.activate
def test_a_wrong_amount_or_unknown_reference_is_refused_logged_without_personal_data(
    client, resident, pending, caplog, data_changes
):
    reference = started(pending)
    caplog.set_level(logging.INFO)

    response = post_webhook(client, {**remote(reference, "succeeded"), **data_changes})

    assert response.status_code == 400
    assert response.json()["code"] in ("payment_refused", "unknown_payment")
    assert_nothing_changed(pending)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "refused" in logged
    assert resident.phone not in logged and resident.email not in logged


@responses.activate
def test_a_declined_payment_keeps_the_hold_and_the_resident_can_try_again(client, pending):
    reference = started(pending)

    assert post_webhook(client, remote(reference, "failed"), event_type="payment.failed").status_code == 200

    pending.refresh_from_db()
    assert pending.status == Booking.Status.PENDING_PAYMENT
    assert GatewayPayment.objects.get(reference=reference).status == GatewayPayment.Status.FAILED
    responses.post(f"{GATEWAY}/payments", json=remote(f"{pending.code}-2", payment_id="pay_2"), status=201)
    assert facade.start_payment(pending) == "https://pay.example.com/p/pay_2"


@responses.activate
def test_the_return_asks_the_gateway_and_confirms_when_the_webhook_is_late(client, resident, pending, paid_for):
    reference = started(pending)
    responses.get(f"{GATEWAY}/payments/pay_1", json=remote(reference, "succeeded"))
    assert client.login(email=resident.email, password=PASSWORD)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("payment:return", kwargs={"reference": reference}), follow=True)

    assert response.redirect_chain[-1][0] == reverse("booking-detail", kwargs={"code": pending.code})
    assert "your booking is confirmed" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Booking.Status.BOOKED
    # The webhook that follows finds the work done.
    assert post_webhook(client, remote(reference, "succeeded")).status_code == 200
    assert money_recorded(pending)[2] == 1
    assert paid_for == [pending.code]


def test_a_return_for_an_unknown_payment_is_not_found(client, db):
    assert client.get(reverse("payment:return", kwargs={"reference": "NOPE-1"})).status_code == 404


@responses.activate
def test_a_payment_after_the_hold_lapsed_is_confirmed_while_the_place_is_still_held(client, pending, paid_for):
    reference = started(pending)
    Booking.objects.filter(pk=pending.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    assert post_webhook(client, remote(reference, "succeeded")).status_code == 200

    pending.refresh_from_db()
    assert pending.status == Booking.Status.BOOKED
    assert paid_for == [pending.code]


@responses.activate
def test_a_payment_after_the_lapsed_place_was_released_takes_it_again_if_still_free(client, pending, paid_for):
    reference = started(pending)
    Booking.objects.filter(pk=pending.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    services.release_lapsed_holds()

    assert post_webhook(client, remote(reference, "succeeded")).status_code == 200

    pending.refresh_from_db()
    assert pending.status == Booking.Status.BOOKED
    assert (pending.cancelled_at, pending.cancel_reason) == (None, "")
    pending.slot.refresh_from_db()
    assert pending.slot.num_booked == 1
    pending.line.refresh_from_db()
    assert pending.line.status == "booked"
    assert not GatewayRefund.objects.exists()
    assert paid_for == [pending.code]


@responses.activate
def test_a_payment_after_the_place_went_to_someone_else_is_refunded_in_full(
    client, other_resident, pending, paid_for, django_capture_on_commit_callbacks
):
    reference = started(pending)
    Booking.objects.filter(pk=pending.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    services.book(other_resident, pending.slot_id)  # finds the slot full, releases the lapsed hold
    responses.post(
        f"{GATEWAY}/payments/pay_1/refunds",
        json={"id": "re_1", "payment": "pay_1", "status": "succeeded", "amount": 3000},
        status=201,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, remote(reference, "succeeded")).status_code == 200

    pending.refresh_from_db()
    assert pending.status == Booking.Status.CANCELLED
    assert facade.payment_state(pending) == ("refunded", None)
    assert money_recorded(pending) == (
        Decimal("30.00"),
        Decimal("30.00"),
        2,
        [("Paid", Decimal("30.00")), ("Refunded", Decimal("30.00"))],
    )
    assert json.loads(responses.calls[-1].request.body)["amount"] == 3000
    assert paid_for == []
    pending.slot.refresh_from_db()
    assert pending.slot.num_booked == 1

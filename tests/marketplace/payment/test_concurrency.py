"""A webhook and the resident's return arriving together confirm one payment (DESIGN.md §5: lock the payment row).

Runs on PostgreSQL only: SQLite serialises writers, so it cannot show the race.
"""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

import json
import secrets
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from marketplace.booking import services, signals
from marketplace.booking.models import Booking
from marketplace.payment import facade, gateway
from marketplace.payment.models import SandboxPayment
from tests.conftest import needs_postgres
from tests.marketplace.payment.conftest import paid_offering, paid_service, paid_slot  # noqa: F401
from tests.marketplace.payment.test_facade import money_recorded

EACH = 4  # webhooks (each its own event) and as many returns, all released at once


def signed_webhook(row):
    body = json.dumps(
        {
            "id": "evt_" + secrets.token_hex(8),
            "type": "payment.succeeded",
            "data": {
                "id": row.public_id,
                "status": "succeeded",
                "amount": row.amount,
                "currency": row.currency,
                "reference": row.reference,
            },
        }
    ).encode()
    timestamp = str(int(time.time()))
    return body, timestamp, gateway.sign(settings.PAYMENT_GATEWAY_SECRET, timestamp, body)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_webhooks_and_returns_arriving_together_confirm_the_payment_once(resident, paid_slot):
    booking = services.book(resident, paid_slot.pk)
    facade.start_payment(booking)
    row = SandboxPayment.objects.get()
    # The resident has paid at the (sandbox) gateway; its notifications and the browser are on their way.
    SandboxPayment.objects.filter(pk=row.pk).update(status="succeeded")
    reference = row.reference
    webhooks = [signed_webhook(row) for _i in range(EACH)]
    paid = []
    signals.booking_paid.connect(
        lambda sender, booking, **kwargs: paid.append(booking.code), weak=False, dispatch_uid="t"
    )
    barrier = threading.Barrier(2 * EACH)
    outcomes = []
    lock = threading.Lock()

    def arrive(deliver):
        try:
            barrier.wait(timeout=30)
            deliver()
            outcome = "ok"
        except Exception as error:  # noqa: BLE001 (every outcome is counted below)
            outcome = type(error).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    deliveries = [lambda webhook=webhook: facade.handle_webhook(*webhook) for webhook in webhooks]
    deliveries += [lambda: facade.handle_return(reference)] * EACH
    threads = [threading.Thread(target=arrive, args=(deliver,)) for deliver in deliveries]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        signals.booking_paid.disconnect(dispatch_uid="t")

    assert Counter(outcomes) == {"ok": 2 * EACH}
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert paid == [booking.code]
    assert money_recorded(booking) == (Decimal("30.00"), Decimal("0"), 1, [("Paid", Decimal("30.00"))])

"""The sandbox gateway: the app plays the payment gateway itself when ``PAYMENT_GATEWAY_URL`` is empty.

It speaks the gateway client's interface (create, query, refund, verify a
webhook) and keeps its payments in its own tables. Its hosted page lets the
resident approve or decline; either way it delivers a signed webhook to the
same handling code a real gateway's webhook reaches, in process, and sends the
resident back to the return URL. So a paid booking works end to end with
nothing outside.
"""

import json
import os
import secrets
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from oscar.apps.payment.exceptions import GatewayError

from marketplace.payment import gateway
from marketplace.payment.models import SandboxPayment, SandboxRefund


def _as_payment(row):
    return gateway.Payment(
        id=row.public_id,
        status=row.status,
        amount=row.amount,
        currency=row.currency,
        reference=row.reference,
        pay_url=reverse("payment:sandbox", kwargs={"public_id": row.public_id}),
    )


def _payment_json(row):
    payment = _as_payment(row)
    return {
        "id": payment.id,
        "status": payment.status,
        "amount": payment.amount,
        "currency": payment.currency,
        "reference": payment.reference,
        "pay_url": payment.pay_url,
    }


class SandboxGateway(gateway.GatewayClient):
    """The gateway client's interface over the sandbox's tables; webhooks are verified as the client does."""

    def __init__(self):
        super().__init__(base_url="", api_key="", webhook_secret=settings.PAYMENT_GATEWAY_SECRET)

    def _stall_when_asked(self):
        """Rehearse a gateway that does not answer: wait out the client's timeout, then time out as the client would."""
        flag = settings.PAYMENT_SANDBOX_STALL_FILE
        if flag and os.path.exists(flag):
            time.sleep(settings.PAYMENT_GATEWAY_TIMEOUT)
            raise gateway.GatewayTimeout("The sandbox gateway is set to time out.")

    def create_payment(self, amount, currency, reference, notify_url, return_url, idempotency_key, description=""):
        self._stall_when_asked()
        existing = SandboxPayment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = SandboxPayment.objects.create(
                        public_id="sbx_" + secrets.token_hex(12),
                        amount=amount,
                        currency=currency,
                        reference=reference,
                        description=description[:200],
                        notify_url=notify_url,
                        return_url=return_url,
                        idempotency_key=idempotency_key,
                    )
            except IntegrityError:
                existing = SandboxPayment.objects.get(idempotency_key=idempotency_key)
        return _as_payment(existing)

    def query_payment(self, payment_id):
        row = SandboxPayment.objects.filter(public_id=payment_id).first()
        if row is None:
            raise gateway.RequestRefused("The sandbox has no such payment.")
        return _as_payment(row)

    def refund(self, payment_id, amount, idempotency_key, reason=""):
        self._stall_when_asked()
        done = SandboxRefund.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return gateway.Refund(id=done.public_id, payment_id=payment_id, status="succeeded", amount=done.amount)
        if settings.PAYMENT_SANDBOX_REFUNDS == "fail":
            raise gateway.GatewayUnavailable("The sandbox gateway is set to fail refunds.")
        row = SandboxPayment.objects.filter(public_id=payment_id, status__in=("succeeded", "refunded")).first()
        if row is None:
            raise gateway.RequestRefused("The sandbox has no paid payment to refund.")
        already = sum(row.refunds.values_list("amount", flat=True))
        if already + amount > row.amount:
            raise GatewayError("The sandbox cannot refund more than was paid.")
        done = SandboxRefund.objects.create(
            payment=row, public_id="sbr_" + secrets.token_hex(12), amount=amount, idempotency_key=idempotency_key
        )
        if already + amount == row.amount:
            SandboxPayment.objects.filter(pk=row.pk).update(status="refunded")
        return gateway.Refund(id=done.public_id, payment_id=payment_id, status="succeeded", amount=amount)


def decide(row, approve):
    """The resident approved or declined on the sandbox's page: settle it and deliver the webhook.

    Returns where to send the resident (the return URL, within this site)."""
    from marketplace.payment import facade

    if row.status == "pending":
        row.status = "succeeded" if approve else "failed"
        row.save(update_fields=["status"])
        body = json.dumps(
            {"id": "evt_" + secrets.token_hex(12), "type": f"payment.{row.status}", "data": _payment_json(row)}
        ).encode()
        timestamp = str(int(time.time()))
        facade.handle_webhook(body, timestamp, gateway.sign(settings.PAYMENT_GATEWAY_SECRET, timestamp, body))
    return row.return_url

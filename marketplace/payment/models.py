"""Online payments of bookings, beside Oscar's own payment models (Source, Transaction).

Amounts here are whole fen, as on the gateway's wire; Oscar's models keep yuan.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oscar.apps.payment.abstract_models import AbstractSource, AbstractTransaction


def new_key():
    return uuid.uuid4().hex


class GatewayPayment(models.Model):
    """One attempt to pay a booking at the gateway. A declined attempt is followed by a new one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        SUCCEEDED = "succeeded", pgettext_lazy("payment status", "Paid")
        FAILED = "failed", pgettext_lazy("payment status", "Declined")
        REFUNDED = "refunded", _("Refunded")

    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.PROTECT, related_name="payments", verbose_name=_("booking")
    )
    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, related_name="gateway_payments", verbose_name=_("order")
    )
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    gateway_id = models.CharField(_("gateway's payment id"), max_length=64, blank=True, db_index=True)
    amount = models.PositiveIntegerField(_("amount (fen)"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    pay_url = models.CharField(_("pay URL"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, default=new_key)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self):
        return self.reference


class GatewayRefund(models.Model):
    """Money to give back for a payment. Recorded before the gateway is asked, so none is ever forgotten:
    a refund the gateway has not made stays pending until ``retry_refunds`` gets it through."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Refund pending")
        SUCCEEDED = "succeeded", _("Refunded")

    payment = models.ForeignKey(
        GatewayPayment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    amount = models.PositiveIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    gateway_id = models.CharField(_("gateway's refund id"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, default=new_key)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return f"{self.payment} −{self.amount}"


class WebhookEvent(models.Model):
    """A gateway event already handled: a replay of the same event id changes nothing."""

    event_id = models.CharField(_("event id"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=64)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gateway event")
        verbose_name_plural = _("gateway events")

    def __str__(self):
        return self.event_id


class SandboxPayment(models.Model):
    """A payment at the sandbox gateway the app serves itself when no real gateway is configured."""

    public_id = models.CharField(max_length=40, unique=True)
    amount = models.PositiveIntegerField(_("amount (fen)"))
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("reference"), max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    notify_url = models.CharField(max_length=500)
    return_url = models.CharField(max_length=500)
    status = models.CharField(_("status"), max_length=10, default="pending")
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox payment")
        verbose_name_plural = _("sandbox payments")

    def __str__(self):
        return self.public_id


class SandboxRefund(models.Model):
    payment = models.ForeignKey(SandboxPayment, on_delete=models.CASCADE, related_name="refunds")
    public_id = models.CharField(max_length=40, unique=True)
    amount = models.PositiveIntegerField(_("amount (fen)"))
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")

    def __str__(self):
        return self.public_id


# Oscar's payment records go with their order by cascade; here they are kept for accounting.
class Source(AbstractSource):
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="sources", verbose_name=_("Order"))
    source_type = models.ForeignKey(
        "payment.SourceType", on_delete=models.PROTECT, related_name="sources", verbose_name=_("Source Type")
    )


class Transaction(AbstractTransaction):
    source = models.ForeignKey(
        "payment.Source", on_delete=models.PROTECT, related_name="transactions", verbose_name=_("Source")
    )


from oscar.apps.payment.models import *  # noqa: E402, F403

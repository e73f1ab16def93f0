"""Online payment of bookings, between the booking domain, the gateway and Oscar's payment models.

One payment per booking attempt (``GatewayPayment``). The gateway's webhook and
the resident's return both end in :func:`apply_gateway_payment`, which locks
the payment row and confirms it exactly once: the booking becomes ``booked``,
Oscar records a ``Source`` debit, its ``Transaction`` and a ``PaymentEvent``.
Refunds are written down before the gateway is asked, and a background task
(``marketplace.payment.tasks``) asks it after the cancellation has committed, so
a gateway outage never blocks a cancellation and money is never silently lost
(``retry_refunds``).
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.audit.context import acting
from marketplace.background import enqueue_on_commit
from marketplace.booking import services, signals
from marketplace.payment import gateway
from marketplace.payment.models import GatewayPayment, GatewayRefund, WebhookEvent

logger = logging.getLogger(__name__)

Booking = get_model("booking", "Booking")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
OrderNote = get_model("order", "OrderNote")

ONLINE_SOURCE = "gateway"


class NotPayable(services.BookingError):
    code = "not_payable"


class PaymentUnavailable(services.BookingError):
    """The gateway cannot take payments just now; the place stays held, the resident can try again."""

    code = "payment_unavailable"


class PaymentRefused(services.BookingError):
    """A webhook or return that cannot be trusted or does not match our payment: nothing changes."""

    code = "payment_refused"


class UnknownPayment(PaymentRefused):
    code = "unknown_payment"


def client():
    """The configured gateway, or the sandbox the app serves itself."""
    if settings.PAYMENT_GATEWAY_URL:
        return gateway.client_from_settings()
    from marketplace.payment.sandbox import SandboxGateway

    return SandboxGateway()


def price_of(booking):
    return booking.line.line_price_incl_tax or Decimal("0.00")


def absolute(url):
    """A full URL for apps and gateways; the sandbox's own pages are paths on this site."""
    if not url or "://" in url:
        return url
    return settings.SITE_URL.rstrip("/") + url


# Starting a payment


def start_payment(booking, now=None):
    """The pay URL of a booking awaiting payment; the same one while its payment is pending.

    Raises ``NotPayable`` for any other booking (paid, free, cancelled, hold lapsed)
    and ``PaymentUnavailable`` when the gateway cannot take the payment now.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("line", "order").get(pk=booking.pk)
        if booking.status != Booking.Status.PENDING_PAYMENT or price_of(booking) <= 0:
            raise NotPayable(_("Booking %(code)s has nothing to pay online.") % {"code": booking.code})
        if booking.hold_expires_at and booking.hold_expires_at <= now:
            raise NotPayable(
                _("The place of booking %(code)s was held for payment until %(time)s; please book again.")
                % {"code": booking.code, "time": timezone.localtime(booking.hold_expires_at).strftime("%H:%M")}
            )
        payment = booking.payments.filter(status=GatewayPayment.Status.PENDING).first()
        if payment is None:
            attempt = booking.payments.count() + 1
            payment = GatewayPayment.objects.create(
                booking=booking,
                order=booking.order,
                reference=f"{booking.code}-{attempt}",
                amount=gateway.yuan_to_fen(price_of(booking)),
                currency=booking.order.currency,
            )
    if payment.pay_url:
        return payment.pay_url
    try:
        # The same idempotency key on every try: the gateway makes one payment however often it is asked.
        created = client().create_payment(
            amount=payment.amount,
            currency=payment.currency,
            reference=payment.reference,
            notify_url=absolute(reverse("payment:webhook")),
            return_url=absolute(reverse("payment:return", kwargs={"reference": payment.reference})),
            idempotency_key=payment.idempotency_key,
            description=booking.line.title[:200],
        )
    except PaymentError as error:
        logger.warning("Payment %s could not be started: %s", payment.reference, type(error).__name__)
        raise PaymentUnavailable(
            _("Online payment is not available just now. Your place stays held; please try again in a minute.")
        ) from error
    GatewayPayment.objects.filter(pk=payment.pk).update(gateway_id=created.id, pay_url=created.pay_url)
    return created.pay_url


# Confirming a payment: the webhook and the return both come here


def handle_webhook(raw_body, timestamp, signature, now=None):
    """Verify a gateway webhook and apply the payment it reports. Raises ``PaymentRefused`` when untrusted."""
    try:
        event = client().verify_webhook(raw_body, timestamp, signature)
    except gateway.WebhookRejected as error:
        logger.warning("Payment webhook rejected: %s", error)
        raise PaymentRefused(_("The payment notification cannot be trusted.")) from error
    # Verified, it is the gateway's word, whoever's request relays it (the sandbox relays it inside a page).
    with acting("gateway", system=True):
        return apply_gateway_payment(event.payment, event_id=event.id, event_type=event.type, now=now)


def handle_return(reference, now=None):
    """The resident is back from the gateway: ask it how the payment went and apply that. Returns the payment."""
    payment = GatewayPayment.objects.filter(reference=reference).first()
    if payment is None:
        raise UnknownPayment(_("There is no such payment."))
    if payment.status == GatewayPayment.Status.PENDING and payment.gateway_id:
        try:
            remote = client().query_payment(payment.gateway_id)
        except PaymentError as error:
            # The webhook will still come; the booking page says the payment is awaited.
            logger.warning("Payment %s could not be queried: %s", reference, type(error).__name__)
        else:
            apply_gateway_payment(remote, now=now)
    payment.refresh_from_db()
    return payment


def apply_gateway_payment(remote, event_id=None, event_type="", now=None):
    """Apply what the gateway says about a payment, exactly once. Returns our payment (None for a replay).

    The payment row is locked first, so a webhook and a return arriving together
    are applied one after the other and the second finds the work done.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if event_id:
            try:
                with transaction.atomic():
                    WebhookEvent.objects.create(event_id=event_id[:64], type=event_type[:64])
            except IntegrityError:
                logger.info("Payment webhook %s replayed; already handled.", event_id)
                return None
        payment = GatewayPayment.objects.select_for_update().filter(reference=remote.reference).first()
        if payment is None:
            logger.warning("Payment refused: unknown reference %r.", remote.reference[:64])
            raise UnknownPayment(_("There is no such payment."))
        if payment.gateway_id and remote.id != payment.gateway_id:
            logger.warning("Payment %s refused: the gateway's id does not match.", payment.reference)
            raise PaymentRefused(_("The payment notification does not match the payment."))
        if (remote.amount, remote.currency) != (payment.amount, payment.currency):
            logger.warning(
                "Payment %s refused: %s %s reported, %s %s expected.",
                payment.reference,
                remote.amount,
                remote.currency,
                payment.amount,
                payment.currency,
            )
            raise PaymentRefused(_("The amount paid does not match the amount due."))
        if payment.status != GatewayPayment.Status.PENDING:
            return payment
        if remote.status == "failed":
            payment.status = GatewayPayment.Status.FAILED
            payment.save(update_fields=["status"])
            return payment
        if remote.status != "succeeded":
            return payment
        payment.status = GatewayPayment.Status.SUCCEEDED
        payment.gateway_id = remote.id
        payment.paid_at = now
        payment.save(update_fields=["status", "gateway_id", "paid_at"])
        _settle(payment, now)
    return payment


def _settle(payment, now):
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot__offering__product", "line", "order")
        .get(pk=payment.booking_id)
    )
    amount = gateway.fen_to_yuan(payment.amount)
    source = _online_source(booking.order)
    source.debit(amount, reference=payment.reference)
    _payment_event(booking, "Paid", amount, payment.reference)
    detail = {"amount": str(amount)}
    if booking.status == Booking.Status.PENDING_PAYMENT:
        services.confirm_paid(booking)
    elif services.cancelled_as_lapsed_hold(booking) and services.retake_lapsed_place(booking, now=now):
        # The cancelled booking is booked again: the record says so, or its history would end "cancelled".
        detail["booked_again"] = True
        signals.booking_paid.send(sender=Booking, booking=booking)
    else:
        # Cancelled before the money came, or its lapsed place is taken: the money goes back in full.
        reason = _("The payment arrived after the booking was cancelled or its place was given to someone else.")
        OrderNote.objects.create(order=booking.order, message=f"{payment.reference}: {reason}")
        request_refund(payment, reason)
        detail["refund_due"] = True
    audit.record(audit.Action.Code.PAID, booking, detail=detail)


def _online_source(order):
    source_type, _created = SourceType.objects.get_or_create(code=ONLINE_SOURCE, defaults={"name": "在线支付"})
    source, _created = Source.objects.get_or_create(
        order=order, source_type=source_type, defaults={"currency": order.currency}
    )
    return source


def _payment_event(booking, kind, amount, reference):
    event_type, _created = PaymentEventType.objects.get_or_create(name=kind)
    event = PaymentEvent.objects.create(order=booking.order, event_type=event_type, amount=amount, reference=reference)
    event.line_quantities.create(line=booking.line, quantity=1)
    return event


# Refunds


def refund_cancelled_booking(sender, booking, by=None, reason="", **kwargs):
    """Receiver of ``booking_cancelled``: a paid booking cancelled in time (the booking service
    refuses a resident's late cancellation) or by the provider is refunded in full."""
    for payment in booking.payments.select_for_update().filter(status=GatewayPayment.Status.SUCCEEDED):
        request_refund(payment, reason or _("Booking cancelled."))


def request_refund(payment, reason):
    """Write down a full refund of ``payment``; a worker asks the gateway once the transaction commits."""
    if payment.refunds.exists():
        return payment.refunds.first()
    refund = GatewayRefund.objects.create(payment=payment, amount=payment.amount, reason=reason[:200])
    from marketplace.payment.tasks import make_refund  # the tasks module imports this one

    enqueue_on_commit(make_refund, refund.pk)
    return refund


def attempt_refund(refund_pk, now=None):
    """Ask the gateway to make a pending refund; record it when made. Returns whether it is made.

    The same idempotency key on every attempt: the gateway pays back once however often it is asked.
    """
    now = now or timezone.now()
    refund = GatewayRefund.objects.select_related("payment").get(pk=refund_pk)
    if refund.status == GatewayRefund.Status.SUCCEEDED:
        return True
    try:
        made = client().refund(
            refund.payment.gateway_id, refund.amount, idempotency_key=refund.idempotency_key, reason=refund.reason
        )
    except PaymentError as error:
        with transaction.atomic():
            refund = GatewayRefund.objects.select_for_update().select_related("payment").get(pk=refund_pk)
            first_failure = refund.attempts == 0
            refund.attempts += 1
            refund.last_error = f"{type(error).__name__}: {error}"[:200]
            refund.save(update_fields=["attempts", "last_error"])
            logger.warning("Refund of payment %s failed (attempt %d).", refund.payment.reference, refund.attempts)
            if first_failure:
                _announce_refund(refund, pending=True)
        return False
    with transaction.atomic():
        refund = GatewayRefund.objects.select_for_update().select_related("payment").get(pk=refund_pk)
        if refund.status == GatewayRefund.Status.SUCCEEDED:
            return True
        refund.attempts += 1
        refund.gateway_id = made.id
        if made.status != "succeeded":
            # Accepted, not yet paid out: asked again later, the gateway says how it went.
            refund.save(update_fields=["attempts", "gateway_id"])
            return False
        refund.status = GatewayRefund.Status.SUCCEEDED
        refund.refunded_at = now
        refund.last_error = ""
        refund.save(update_fields=["status", "attempts", "gateway_id", "refunded_at", "last_error"])
        payment = refund.payment
        GatewayPayment.objects.filter(pk=payment.pk).update(status=GatewayPayment.Status.REFUNDED)
        booking = Booking.objects.select_related("order", "line", "slot__offering").get(pk=payment.booking_id)
        amount = gateway.fen_to_yuan(refund.amount)
        _online_source(booking.order).refund(amount, reference=refund.gateway_id)
        _payment_event(booking, "Refunded", amount, refund.gateway_id)
        # The money goes back because the booking was cancelled: that cancelling is recorded with its actor.
        audit.record(audit.Action.Code.REFUNDED, booking, detail={"amount": str(amount)}, by_system=True)
        _announce_refund(refund, pending=False)
    return True


def _announce_refund(refund, pending):
    booking = Booking.objects.select_related("slot__offering__product", "order", "line", "user").get(
        pk=refund.payment.booking_id
    )
    # The dashboard's order page shows notes: staff see a refund still owed as well as one made.
    if pending:
        note = _("Refund of ¥%(amount)s pending: the gateway has not paid it back yet (retry_refunds will retry).")
    else:
        note = _("Refund of ¥%(amount)s made.")
    OrderNote.objects.create(
        order=booking.order, message=f"{booking.code}: " + note % {"amount": gateway.fen_to_yuan(refund.amount)}
    )
    signals.booking_refunded.send(
        sender=Booking, booking=booking, amount=gateway.fen_to_yuan(refund.amount), pending=pending
    )


def retry_refunds():
    """Try every pending refund again. Returns (made, still pending)."""
    made = pending = 0
    for refund_pk in GatewayRefund.objects.filter(status=GatewayRefund.Status.PENDING).values_list("pk", flat=True):
        if attempt_refund(refund_pk):
            made += 1
        else:
            pending += 1
    return made, pending


# What the resident sees


def payment_state(booking):
    """The booking's payment for people and the API: (status, pay_url or None).

    ``not_required`` free; ``on_site`` paid at the provider; ``pending`` awaiting online
    payment; ``paid``; ``refund_pending``; ``refunded``; ``unpaid`` cancelled before paying.
    """
    if price_of(booking) <= 0:
        return "not_required", None
    payments = list(booking.payments.all())
    for payment in payments:
        refunds = list(payment.refunds.all())
        if refunds:
            done = all(refund.status == GatewayRefund.Status.SUCCEEDED for refund in refunds)
            return ("refunded" if done else "refund_pending"), None
        if payment.status == GatewayPayment.Status.SUCCEEDED:
            return "paid", None
    if booking.status == Booking.Status.PENDING_PAYMENT:
        pending = next((p for p in payments if p.status == GatewayPayment.Status.PENDING and p.pay_url), None)
        return "pending", (pending.pay_url if pending else None)
    if booking.hold_expires_at:
        return "unpaid", None
    return "on_site", None

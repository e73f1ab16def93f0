"""Payment pages: pay a booking, the gateway's webhook and return, and the sandbox gateway's hosted page."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.answers import status_for
from marketplace.booking import services
from marketplace.payment import facade, gateway, sandbox
from marketplace.payment.models import GatewayPayment, SandboxPayment


@login_required
@require_POST
def pay(request, code):
    try:
        booking = services.own_booking(request.user, code)
    except services.BookingNotFound as error:
        raise Http404(error.message) from error
    try:
        return redirect(facade.start_payment(booking))
    except services.BookingError as error:
        messages.error(request, error.message)
        return redirect("booking-detail", code=booking.code)


def _json(status, code, detail):
    return HttpResponse(
        json.dumps({"code": code, "detail": str(detail)}), status=status, content_type="application/json"
    )


@csrf_exempt
@require_POST
def webhook(request):
    """The gateway's notification: the raw body is verified as received, then applied once."""
    try:
        facade.handle_webhook(
            request.body,
            request.headers.get(gateway.TIMESTAMP_HEADER, ""),
            request.headers.get(gateway.SIGNATURE_HEADER, ""),
        )
    except facade.PaymentRefused as error:
        return _json(status_for(error), error.code, error.message)
    return _json(200, "ok", _("Received."))


def payment_return(request, reference):
    """The resident's browser, back from the gateway: how the payment went is asked of the gateway, not the URL."""
    try:
        payment = facade.handle_return(reference)
    except facade.UnknownPayment as error:
        raise Http404(error.message) from error
    if payment.status == GatewayPayment.Status.REFUNDED or payment.refunds.exists():
        messages.warning(request, _("Your payment arrived after the place was given up; it is being refunded in full."))
    elif payment.status == GatewayPayment.Status.SUCCEEDED:
        messages.success(request, _("Thank you: your payment is received and your booking is confirmed."))
    elif payment.status == GatewayPayment.Status.FAILED:
        messages.error(request, _("The payment was declined. Your place is still held for a while: you can try again."))
    else:
        messages.info(request, _("We are waiting for the gateway to confirm your payment. This page will show it."))
    return redirect("booking-detail", code=payment.booking.code)


def sandbox_page(request, public_id):
    """The sandbox gateway's hosted payment page (only when no real gateway is configured)."""
    if settings.PAYMENT_GATEWAY_URL:
        # With a real gateway, a page where anyone approves their own payment must not exist.
        raise Http404
    row = get_object_or_404(SandboxPayment, public_id=public_id)
    if request.method == "POST":
        target = sandbox.decide(row, approve=request.POST.get("decision") == "approve")
        parts = urlsplit(target)
        # The sandbox is this site: send the resident to the return page here, whatever host SITE_URL names.
        return redirect(parts.path + (f"?{parts.query}" if parts.query else ""))
    return render(request, "payment/sandbox.html", {"sandbox_payment": row, "amount": gateway.fen_to_yuan(row.amount)})

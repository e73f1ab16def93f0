"""A resident's bookings: book a slot, list, look up and cancel (bearer token required)."""

from django.utils.translation import gettext as _
from ninja import Router, Status
from wagtail.api.v3.auth import BearerTokenAuth

from marketplace.api.errors import invalid
from marketplace.api.schemas import BookingCode, BookingIn, BookingList, BookingOut, Error, local, money
from marketplace.booking import services

router = Router(tags=["bookings"], auth=BearerTokenAuth())


def booking_json(booking):
    slot = booking.slot
    provider = slot.offering.partner
    service = slot.offering.product
    price = booking.line.line_price_incl_tax
    return {
        "code": booking.code,
        "status": booking.status,
        "service": {"id": service.pk, "name": service.title},
        "provider": {"id": provider.pk, "name": provider.name, "address": provider.address},
        "slot": {"id": slot.pk, "starts_at": local(slot.starts_at), "ends_at": local(slot.ends_at)},
        "price": money(price),
        "currency": booking.order.currency,
        # Online payment is a later issue: for now a paid service is paid at the provider.
        "payment": {"required": price > 0, "status": "on_site" if price > 0 else "not_required"},
        "created_at": local(booking.created_at),
    }


@router.post("", response={201: BookingOut, frozenset({400, 401, 404, 409}): Error})
def book(request, payload: BookingIn):
    """Book one place on a slot. The booking is an Oscar order, as on the web."""
    if payload.dependant is not None:
        raise invalid(_("Booking for a dependant is not supported yet. Leave “dependant” out."))
    booking = services.book(request.user, payload.slot, note=payload.note or "")
    return Status(201, booking_json(booking))


@router.get("", response={200: BookingList, 401: Error})
def list_bookings(request):
    """The caller's bookings, newest first."""
    return {"results": [booking_json(booking) for booking in services.bookings_of(request.user)]}


@router.get("/{code}", response={200: BookingOut, frozenset({400, 401, 404}): Error})
def booking_detail(request, code: BookingCode):
    return booking_json(services.own_booking(request.user, code))


@router.post("/{code}/cancel", response={200: BookingOut, frozenset({400, 401, 404, 409}): Error})
def cancel(request, code: BookingCode):
    """Cancel a booking and give its place back. Cancelling a cancelled booking changes nothing."""
    booking = services.cancel_booking(services.own_booking(request.user, code))
    return booking_json(booking)

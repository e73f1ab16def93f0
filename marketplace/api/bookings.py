"""A resident's bookings: book a slot, list, look up and cancel (bearer token required)."""

from ninja import Router, Status

from marketplace.api.schemas import (
    BookingCode,
    BookingIn,
    BookingList,
    BookingOut,
    BookingRefused,
    Error,
    History,
    PayOut,
    local,
    money,
)
from marketplace.api.security import ExpiringBearerAuth
from marketplace.audit import services as audit
from marketplace.booking import online, services
from marketplace.payment import facade

router = Router(tags=["bookings"], auth=ExpiringBearerAuth())


def booking_json(booking):
    slot = booking.slot
    provider = slot.offering.partner
    service = slot.offering.product
    price = booking.line.line_price_incl_tax
    payment_status, pay_url = facade.payment_state(booking)
    return {
        "code": booking.code,
        "status": booking.status,
        "dependant": (
            {"id": dependant.pk, "name": dependant.name, "relation": dependant.relation}
            if (dependant := booking.dependant)
            else None
        ),
        "service": {"id": service.pk, "name": service.title},
        "provider": {"id": provider.pk, "name": provider.name, "address": provider.address},
        "slot": {"id": slot.pk, "starts_at": local(slot.starts_at), "ends_at": local(slot.ends_at)},
        "price": money(price),
        "currency": booking.order.currency,
        "payment": {
            "required": price > 0,
            "status": payment_status,
            "pay_url": facade.absolute(pay_url),
            "held_until": local(booking.hold_expires_at) if booking.status == "pending_payment" else None,
        },
        "created_at": local(booking.created_at),
        "mode": booking.mode,
        "join_url": online.join_url(booking),
    }


@router.post("", response={201: BookingOut, frozenset({400, 401, 404}): Error, 409: BookingRefused})
def book(request, payload: BookingIn):
    """Book one place on a slot, for the caller or one of their ``dependant``s. The booking is an Oscar order.

    409 ``not_eligible`` names in ``rule`` the service's rule that refuses the person served."""
    booking = services.book(
        request.user,
        payload.slot,
        note=payload.note or "",
        pay_on_site=payload.pay_on_site,
        dependant=payload.dependant,
        mode=payload.mode,
        declared_group=payload.group or "",
    )
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


@router.post("/{code}/pay", response={200: PayOut, frozenset({400, 401, 404, 409, 503}): Error})
def pay(request, code: BookingCode):
    """Where to pay a booking awaiting payment: the same pay URL while its payment is pending."""
    return {"pay_url": facade.absolute(facade.start_payment(services.own_booking(request.user, code)))}


@router.get("/{code}/history", response={200: History, frozenset({400, 401, 404}): Error})
def history(request, code: BookingCode):
    """What happened to the booking and who did it, oldest first; staff are named by their organisation."""
    booking = services.own_booking(request.user, code)
    return {
        "results": [
            {
                "at": local(entry.at),
                "action": entry.action,
                "by": audit.by_json(entry),
                "door": entry.door,
                "detail": entry.detail or None,
            }
            for entry in audit.history_of(booking)
        ]
    }

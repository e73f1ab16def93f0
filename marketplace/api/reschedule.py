"""Moving a resident's booking to another time of the same service (bearer token required)."""

from ninja import Router, Schema

from marketplace.api.bookings import booking_json
from marketplace.api.schemas import BodyId, BookingCode, BookingOut, BookingRefused, Error
from marketplace.api.security import ExpiringBearerAuth
from marketplace.booking import reschedule as moves

router = Router(tags=["bookings"], auth=ExpiringBearerAuth())


class RescheduleIn(Schema):
    slot: BodyId


@router.post("/{code}/reschedule", response={200: BookingOut, frozenset({400, 401, 404}): Error, 409: BookingRefused})
def reschedule(request, code: BookingCode, payload: RescheduleIn):
    """Move the booking to another slot of the same service and the same price.

    The new place is taken before the old one is given back; on any error the
    booking is unchanged. Errors as for a new booking, plus ``too_late`` past the
    service's change deadline, ``other_service``, ``price_differs`` and
    ``not_reschedulable`` (a booking that is not booked or confirmed).
    """
    return booking_json(moves.reschedule(request.user, code, payload.slot))

"""Provider staff: check residents in by booking code (bearer token required).

The caller must be staff of a provider (``Partner.users``): anyone else gets
403 ``not_staff`` whatever the code, so the answer says nothing about which
codes exist. Staff asking for another provider's booking get 404, exactly as
for a code that does not exist.
"""

from typing import Annotated

from ninja import Router, Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from marketplace.api.bookings import booking_json
from marketplace.api.schemas import BookingOut, Error, Text
from marketplace.api.security import ExpiringBearerAuth
from marketplace.booking import services

router = Router(tags=["provider"], auth=ExpiringBearerAuth())


def _not_blank(value):
    if not value.strip():
        raise PydanticCustomError("string_too_short", "is empty")
    return value


class CheckinIn(Schema):
    # Room for a code typed with spaces ("ABCD EFGH"); the service ignores them and the case.
    code: Annotated[Text(32), AfterValidator(_not_blank)] = Field(
        description="The booking code the resident shows, in any case, spaces ignored."
    )


@router.post("/checkins", response={200: BookingOut, frozenset({400, 401, 403, 404, 409}): Error})
def check_in(request, payload: CheckinIn):
    """Check a resident in, from ``CHECK_IN_OPENS_MINUTES`` before the slot until it ends; checking in twice
    changes nothing. On another day than the slot's: 409 ``not_today``; earlier the same day: 409
    ``check_in_not_open``; after the slot the same day: 409 ``check_in_closed``."""
    booking = services.check_in(request.user, payload.code)
    return booking_json(booking)

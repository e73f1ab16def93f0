"""A resident's places on waiting lists of full slots, and the places offered to them (bearer token required)."""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema, Status

from marketplace.api.bookings import booking_json
from marketplace.api.schemas import BodyId, BookingOut, Error, PathId, local
from marketplace.api.security import ExpiringBearerAuth
from marketplace.booking import waitlist

router = Router(tags=["waiting list"], auth=ExpiringBearerAuth())


class WaitlistIn(Schema):
    slot: BodyId


class WaitlistEntryOut(Schema):
    id: int
    slot: int
    position: int | None
    status: Literal["waiting", "offered", "accepted", "declined", "lapsed", "left"]
    offer_expires_at: datetime | None


class WaitlistList(Schema):
    results: list[WaitlistEntryOut]


def entry_json(entry):
    return {
        "id": entry.pk,
        "slot": entry.slot_id,
        "position": waitlist.position_of(entry),
        "status": entry.status,
        "offer_expires_at": local(entry.offer_expires_at) if entry.is_offered else None,
    }


@router.post("", response={201: WaitlistEntryOut, frozenset({400, 401, 404, 409}): Error})
def join(request, payload: WaitlistIn):
    """Join the waiting list of a full slot. 409 ``slot_not_full`` while it has a place, ``already_waiting`` twice."""
    return Status(201, entry_json(waitlist.join(request.user, payload.slot)))


@router.get("", response={200: WaitlistList, 401: Error})
def list_entries(request):
    """The caller's places in line and offers on slots still ahead."""
    return {"results": [entry_json(entry) for entry in waitlist.entries_of(request.user)]}


@router.delete("/{entry_id}", response={204: None, frozenset({400, 401, 404}): Error})
def leave(request, entry_id: PathId):
    """Leave the waiting list; a place offered to the caller passes to the next in line."""
    waitlist.leave(request.user, entry_id)
    return Status(204, None)


@router.post("/{entry_id}/accept", response={201: BookingOut, frozenset({400, 401, 404, 409}): Error})
def accept(request, entry_id: PathId):
    """Take the place offered: it becomes a booking. 409 ``no_offer`` or ``offer_lapsed``."""
    return Status(201, booking_json(waitlist.accept(request.user, entry_id)))

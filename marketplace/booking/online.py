"""Online consultations: a booking's mode, its video room and the join link (issue 21).

Every door comes through here: the web checkout and the API choose the mode
(:func:`mode_for`), the booking services ask for the room once a booking is
placed (:func:`request_room`), a worker creates it at the video-room provider
(:func:`create_room`), and the resident's page and the console's join link
both enter it through :func:`join`.

For an online booking, "checked in" means the resident joined the room (the
join itself sets it), and a booking whose resident did not join by the end of
the slot is a no-show like any other expected booking; the QR check-in does
not apply.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import UnableToPlaceOrder

from marketplace.audit import services as audit
from marketplace.background import enqueue_on_commit
from marketplace.booking import rules
from marketplace.booking.models import Booking
from marketplace.errors import DomainError

logger = logging.getLogger(__name__)

PRODUCT_MODES = {"onsite": (Booking.Mode.ONSITE,), "online": (Booking.Mode.ONLINE,)}
BOTH = "both"


class ModeError(DomainError, UnableToPlaceOrder):
    """A mode the service is not offered in (Oscar's checkout shows it like any booking refusal)."""

    code = "invalid"


class NotOnline(DomainError):
    code = "not_online"


class NotJoinable(DomainError):
    code = "not_joinable"


class JoinNotOpen(DomainError):
    code = "join_not_open"


class JoinClosed(DomainError):
    code = "join_closed"


class RoomNotReady(DomainError):
    code = "room_not_ready"


def modes_of(service):
    """The modes a service is given in: one, or both for the resident to choose."""
    if service.mode == BOTH:
        return (Booking.Mode.ONSITE, Booking.Mode.ONLINE)
    return PRODUCT_MODES.get(service.mode, (Booking.Mode.ONSITE,))


def mode_for(service, chosen=None):
    """The mode of a booking of ``service``: its own, or the resident's choice where it offers both.

    Left out, a service of both modes is booked on site; a choice the service does not offer is refused.
    """
    offered = modes_of(service)
    if not chosen:
        return offered[0]
    if chosen not in offered:
        raise ModeError(
            _("“%(service)s” is not offered this way: %(mode)s.")
            % {"service": service.title, "mode": Booking.Mode(chosen).label if chosen in Booking.Mode else chosen}
        )
    return chosen


# The room


def request_room(bookings):
    """The online ones of freshly placed ``bookings`` get their room asked for once the booking commits."""
    from marketplace.video import tasks

    online = [booking for booking in bookings if booking.is_online]
    if not online:
        return
    Booking.objects.filter(pk__in=[booking.pk for booking in online]).update(room_status=Booking.RoomStatus.PENDING)
    for booking in online:
        booking.room_status = Booking.RoomStatus.PENDING
        enqueue_on_commit(tasks.create_room, booking.pk)


def room_moved(booking):
    """An online booking moving to another slot (locked by the caller): its room is asked for again, for the
    new time, once the move commits. Returns the fields changed, for the caller's save of the move.

    The provider was given the old slot's times; a room is one time's. The old room is left to lapse there
    (the protocol has no way to move or close one), and the join link leads to the new room once it is ready.
    """
    from marketplace.video import tasks

    if not booking.is_online:
        return []
    booking.room_id, booking.room_url, booking.room_status = "", "", Booking.RoomStatus.PENDING
    enqueue_on_commit(tasks.create_room, booking.pk)
    return ["room_id", "room_url", "room_status"]


def create_room(booking_id):
    """Ask the provider for the booking's room (the worker's side). Done once: a room already there is kept.

    A provider in trouble leaves the booking's room ``failed`` (the resident's page says it is being
    prepared) and raises, so the task is tried again later; the join link asks again too.
    """
    from marketplace.video import client as video

    booking = Booking.objects.select_related("slot__offering__product").filter(pk=booking_id).first()
    if booking is None or not booking.is_online or booking.room_url or booking.status == Booking.Status.CANCELLED:
        return None
    slot = booking.slot
    try:
        room = video.client().create_room(
            reference=booking.code,
            title=slot.offering.product.title,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            # One room per booking and slot: retries share the key, a booking moved to another time gets a new room.
            idempotency_key=f"room-{booking.code}-{slot.pk}",
        )
    except video.VideoError as error:
        with transaction.atomic():
            if (
                Booking.objects.filter(pk=booking.pk, room_url="")
                .exclude(room_status=Booking.RoomStatus.FAILED)
                .update(room_status=Booking.RoomStatus.FAILED)
            ):
                audit.record(audit.Action.Code.ROOM_FAILED, booking, detail={"error": type(error).__name__})
        raise
    with transaction.atomic():
        if Booking.objects.filter(pk=booking.pk, room_url="").update(
            room_id=room.id[:100], room_url=room.url[:500], room_status=Booking.RoomStatus.READY
        ):
            audit.record(audit.Action.Code.ROOM_READY, booking)
    return room.id


# The join link


def join_opens_minutes():
    return settings.VIDEO_JOIN_OPENS_MINUTES


def join_path(booking):
    """The resident's join link: our own address, which checks the time before it opens the room."""
    return reverse("booking-join", kwargs={"code": booking.code})


def join_url(booking):
    """The join link as a full address (for notices, calendar files and the API); None for an onsite booking."""
    if not booking.is_online:
        return None
    return settings.SITE_URL.rstrip("/") + join_path(booking)


def _window_error(booking, window):
    zone = timezone.get_default_timezone()
    values = {
        "code": booking.code,
        "day": f"{timezone.localtime(booking.slot.starts_at, zone):%Y-%m-%d}",
        "start": f"{timezone.localtime(booking.slot.starts_at, zone):%H:%M}",
        "end": f"{timezone.localtime(booking.slot.ends_at, zone):%H:%M}",
        "opens": f"{timezone.localtime(rules.join_opens_at(booking), zone):%H:%M}",
        "minutes": settings.VIDEO_JOIN_OPENS_MINUTES,
    }
    if window == rules.EARLY:
        return JoinNotOpen(
            _(
                "The online consultation %(code)s is on %(day)s, %(start)s–%(end)s. The video room opens "
                "%(minutes)s minutes before: from %(opens)s on that day."
            )
            % values
        )
    return JoinClosed(
        _("The online consultation %(code)s was on %(day)s, %(start)s–%(end)s. That time has ended.") % values
    )


def join(booking, as_staff=False, now=None):
    """Someone enters the booking's video room by its join link: checked, recorded, and where to go.

    ``booking``: the resident's own (their page) or one of the staff member's provider (the console),
    found by the door. The resident joining is the check-in. Returns the room's entry address.
    """
    from marketplace.booking.services import follow_booking
    from marketplace.video import client as video
    from marketplace.video import tasks

    now = now or timezone.now()
    if not booking.is_online:
        raise NotOnline(_("Booking %(code)s is not an online consultation.") % {"code": booking.code})
    if booking.status not in (*Booking.EXPECTED, Booking.Status.CHECKED_IN):
        raise NotJoinable(
            _("Booking %(code)s is %(status)s: its video room is closed.")
            % {"code": booking.code, "status": booking.get_status_display()}
        )
    window = rules.join_window(booking, now)
    if window != rules.OPEN:
        raise _window_error(booking, window)
    if not booking.room_url:
        enqueue_on_commit(tasks.create_room, booking.pk)
        raise RoomNotReady(
            _("The video room is still being prepared. Please try again in a minute; your time is kept.")
        )
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("line", "order").get(pk=booking.pk)
        if as_staff:
            if booking.staff_joined_at is None:
                booking.staff_joined_at = now
                booking.save(update_fields=["staff_joined_at"])
                audit.record(audit.Action.Code.JOINED, booking, detail={"who": "staff"})
        elif booking.resident_joined_at is None or booking.status != Booking.Status.CHECKED_IN:
            booking.resident_joined_at = booking.resident_joined_at or now
            fields = ["resident_joined_at"]
            checked_in = booking.is_expected
            if checked_in:
                booking.status = Booking.Status.CHECKED_IN
                fields.append("status")
            booking.save(update_fields=fields)
            audit.record(audit.Action.Code.JOINED, booking, detail={"who": "resident"})
            if checked_in:
                follow_booking(booking)
                audit.record(audit.Action.Code.CHECKED_IN, booking, detail={"by_joining": True})
    if as_staff:
        role, name = "staff", booking.slot.offering.partner.name
    else:
        role, name = "resident", booking.person_served
    return video.entry_url(booking.room_url, role, name)


def room_state(booking):
    """What the resident's page says about the room: ``ready``, ``preparing`` or None for onsite."""
    if not booking.is_online:
        return None
    return "ready" if booking.room_url else "preparing"

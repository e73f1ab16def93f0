"""The district administrator's reads of bookings: by day, by booking code, by the resident's phone.

Only reads; a booking is moved by ``marketplace.booking.services`` alone. Every read that shows
whom a booking is for is written down with ``record_seen`` (the resident sees it under
"who has seen my data"), and names and phones leave here masked.
"""

import re
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.booking.services import local_day
from marketplace.users.models import mask_name, mask_phone
from providers.scheduling import day_start

Booking = get_model("booking", "Booking")

PAGE_SIZE = 50
# Exports are of one day or one lookup; a cap keeps one click from writing out the whole district.
EXPORT_LIMIT = 5000
PHONE = re.compile(r"1[3-9]\d{9}")
# Booking codes are letters and digits; anything else is not worth a query.
CODE = re.compile(r"[0-9A-Z]{4,16}")


def _bookings():
    return Booking.objects.select_related(
        "slot__offering__product", "slot__offering__partner", "user", "dependant"
    ).order_by("slot__starts_at", "slot__offering__partner__name", "pk")


def looked_up(query):
    """The bookings ``query`` names: a booking code (spaces and case do not matter) or an 11-digit mobile
    number of the resident or of the person booked for. ``None`` when the query is neither."""
    text = "".join(str(query or "").split()).replace("-", "").upper()
    if PHONE.fullmatch(text):
        return _bookings().filter(Q(user__phone=text) | Q(dependant__phone=text)).order_by("-slot__starts_at", "-pk")
    if CODE.fullmatch(text):
        return _bookings().filter(code=text)
    return None


def on_day(day):
    """Every booking whose slot starts on the local ``day``, across all providers, in time order."""
    return _bookings().filter(slot__starts_at__gte=day_start(day), slot__starts_at__lt=day_start(day + timedelta(1)))


def today():
    return local_day(timezone.now())


def chosen_day(text):
    """The day asked for as YYYY-MM-DD, or today for anything else."""
    try:
        return date.fromisoformat(str(text or ""))
    except ValueError:
        return today()


def page_of(bookings, number):
    return Paginator(bookings, PAGE_SIZE).get_page(number)


def booking(code):
    text = "".join(str(code or "").split()).upper()
    return _bookings().filter(code=text).first() if CODE.fullmatch(text) else None


def record_seen(viewer, what, bookings):
    """The administrator saw these bookings' people: one row per resident in the access log."""
    return audit.record_access(viewer, None, what, list(bookings))


def person_served(booking):
    """Whom the booking is for, masked: 张* (for 李**, parent) when booked for a dependant."""
    resident = booking.user.masked_name or booking.user.masked_phone
    if booking.dependant_id:
        return _("%(dependant)s (%(relation)s), booked by %(resident)s") % {
            "dependant": mask_name(booking.dependant.name) or _("name removed"),
            "relation": booking.dependant.get_relation_display(),
            "resident": resident,
        }
    return resident


def phone_of(booking):
    if booking.dependant_id and booking.dependant.phone:
        return mask_phone(booking.dependant.phone)
    return booking.user.masked_phone


def _who(entry):
    if entry.actor_kind == audit.ActorKind.STAFF:
        name = entry.actor.get_full_name() if entry.actor else ""
        if entry.organisation is not None:
            return " · ".join(part for part in (entry.organisation.name, name) if part)
        return _("District administration") + (f" · {name}" if name else "")
    return entry.get_actor_kind_display()


def history(booking):
    """The booking's history as the district reads it: staff named with their organisation, residents not."""
    return [
        {
            "at": entry.at,
            "action": entry.get_action_display(),
            "who": _who(entry),
            "door": entry.get_door_display(),
            "detail": audit.what_changed(entry),
        }
        for entry in audit.history_of(booking).select_related("actor")
    ]


def export_header():
    return [
        _("Appointment"),
        _("Service"),
        _("Provider"),
        _("Booking code"),
        _("Person served"),
        _("Phone"),
        _("Status"),
        _("How it was booked"),
        _("Booked at"),
    ]


def export_row(booking):
    starts = timezone.localtime(booking.slot.starts_at)
    ends = timezone.localtime(booking.slot.ends_at)
    return [
        f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}",
        booking.slot.offering.product.title,
        booking.slot.offering.partner.name,
        booking.code,
        person_served(booking),
        phone_of(booking),
        booking.get_status_display(),
        booking.get_channel_display(),
        f"{timezone.localtime(booking.created_at):%Y-%m-%d %H:%M}",
    ]

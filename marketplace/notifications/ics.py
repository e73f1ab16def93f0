"""A booking as an iCalendar file (RFC 5545), for the resident's calendar app.

Written by hand: one VEVENT is a few lines, not worth a dependency. What the
RFC asks of us: CRLF line ends, lines folded at 75 octets (never inside a
UTF-8 character: Chinese names are three octets a character), text values
escaped, times in UTC. The UID is the booking's, so a moved booking replaces
the event in the calendar instead of adding one, and its SEQUENCE rises.
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.booking import online

CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"
FILENAME = "booking.ics"
LINE_OCTETS = 75


def escape(text):
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line):
    """Fold a content line into pieces of at most 75 octets, continuation lines starting with a space."""
    pieces, current, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # the leading space counts
        if size + octets > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def booking_uid(booking):
    return f"{booking.code}@{site_host()}"


def booking_calendar(booking, sequence=0, url="", now=None):
    """The .ics text of ``booking`` on its current slot; ``sequence`` must rise each time the booking changes."""
    slot = booking.slot
    service = slot.offering.product
    provider = slot.offering.partner
    join_url = online.join_url(booking)
    if join_url:
        # An online consultation has no address: its place is the join link, which the event opens.
        location = join_url
        url = join_url
        description = f"{_('Booking code')}: {booking.code}\n{_('Join the video consultation')}: {join_url}"
    else:
        location = ", ".join(part for part in (provider.name, getattr(provider, "address", "")) if part)
        description = f"{_('Booking code')}: {booking.code}" + (f"\n{url}" if url else "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Panlong public-service cloud supermarket//Bookings//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking_uid(booking)}",
        f"SEQUENCE:{int(sequence)}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"DTSTART:{utc(slot.starts_at)}",
        f"DTEND:{utc(slot.ends_at)}",
        f"SUMMARY:{escape(service.title)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)

import qrcode
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from qrcode.image.svg import SvgPathImage

from marketplace.booking import services
from marketplace.booking.options import slot_id_of_line
from providers.models import Slot

register = template.Library()


@register.filter
def line_slot(line):
    """The slot a basket line books, for showing its time and place."""
    slot_id = slot_id_of_line(line)
    if slot_id is None:
        return None
    return Slot.objects.select_related("offering__partner").filter(pk=slot_id).first()


@register.filter
def places_left(remaining):
    """What a time's button says, e.g. "3 places left". A filter rather than a blocktrans in the slot
    loop: for a day of 15 times, the blocktrans cost the service page 0.3 ms (bench/service_page_cpu.py)."""
    return ngettext("%(remaining)s place left", "%(remaining)s places left", remaining) % {"remaining": remaining}


@register.filter
def booking_qr(booking):
    """An inline SVG QR code of the booking's check-in token, for the counter's scanner.

    Empty for a booking that can no longer be checked in (cancelled, checked in, no-show).
    """
    if not booking.is_expected:
        return ""
    image = qrcode.make(services.checkin_token(booking), image_factory=SvgPathImage, box_size=15, border=2)
    svg = image.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1].lstrip()
    label = escape(_("Check-in QR code for booking %(code)s") % {"code": booking.code})
    # The SVG is made here from the signed token alone (letters, digits, "-", "_", ":"): no user input.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="booking-qr" ', 1))  # noqa: S308


@register.simple_tag
def join_opens_minutes():
    """How many minutes before its slot an online booking's join link opens."""
    from django.conf import settings

    return settings.VIDEO_JOIN_OPENS_MINUTES


@register.filter
def service_modes(service):
    """The modes a service is booked in: one, or both for the resident to choose."""
    from marketplace.booking import online

    return online.modes_of(service)


@register.filter
def join_url(booking):
    """An online booking's join link as a full address (None for an onsite one)."""
    from marketplace.booking import online

    return online.join_url(booking)

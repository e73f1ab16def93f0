from django import template

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

from django import template
from oscar.core.loading import get_model

from providers import closures

Booking = get_model("booking", "Booking")

register = template.Library()


@register.simple_tag
def other_free_times(booking):
    """For a booking the provider cancelled: the next free slots of its service, as of now."""
    if booking.status != Booking.Status.CANCELLED or booking.cancelled_by != Booking.CancelledBy.PROVIDER:
        return []
    return closures.next_free_slots(booking.slot.offering.product, exclude_user=booking.user)

"""The booking domain's background work: waiting-list offers and the periodic jobs of bookings."""

from marketplace.background import background_task
from marketplace.booking import services, waitlist


@background_task
def offer_freed_places(slot_id):
    """A place came free on the slot (the change is committed): offer it to the first in line."""
    return [entry.pk for entry in waitlist.offer_freed_places(slot_id)]


@background_task
def expire_waitlist_offers():
    return waitlist.expire_offers()


@background_task
def mark_no_shows():
    return services.mark_no_shows()


@background_task
def expire_holds():
    return services.release_lapsed_holds()


@background_task
def end_waitlist_entries():
    return waitlist.end_passed()

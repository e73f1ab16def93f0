"""Creating an online booking's video room: outside-world work, done by a worker after the booking commits."""

from marketplace.background import background_task
from marketplace.booking import online


@background_task
def create_room(booking_id):
    """Ask the provider for the booking's room; a failure raises, so the task is tried again later."""
    return online.create_room(booking_id)

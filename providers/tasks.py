"""The providers' periodic work as a background task (scheduled by marketplace.scheduler)."""

from marketplace.background import background_task
from providers.scheduling import generate_slots as materialise_slots


@background_task
def generate_slots():
    created, removed = materialise_slots()
    return {"created": created, "removed": removed}

"""Search-index refreshes as background work, enqueued when the change that calls for them commits.

The database documents (ServiceDocument) follow a catalogue change in its own
transaction; what a booking changes (the next open slot) and everything an
external index (Elasticsearch) is told are refreshed here, by a worker. Each
task is given product ids and reads the documents again, so it sends what is
committed when it runs, however late.
"""

import logging

from marketplace.background import background_task
from search import documents
from search.backends import SearchUnavailable, get_backend
from search.models import ServiceDocument

logger = logging.getLogger(__name__)


@background_task
def refresh_availability(product_ids):
    """A booking, cancellation or move changed these services' next open slot."""
    documents.save_availability(product_ids)


def _tell_index(method, *args):
    try:
        getattr(get_backend(), method)(*args)
    except SearchUnavailable as error:
        logger.warning(
            "Search index not updated (%s); tried again later, or run rebuild_search_index once it is back", error
        )
        raise


@background_task
def sync_external(product_ids, gone_ids):
    """Send these services' documents, as built now, to the external index; remove the gone ones."""
    built = documents.build(product_ids)
    gone = list(gone_ids) + [pk for pk in product_ids if pk not in built]
    _tell_index("sync", list(built.values()), gone)


@background_task
def push_availability(product_ids):
    """Tell the external index these services' next open slot, as the database documents have it now."""
    next_slots = dict(
        ServiceDocument.objects.filter(product_id__in=product_ids).values_list("product_id", "next_slot_at")
    )
    _tell_index("update_availability", next_slots)


@background_task
def refresh_search_availability():
    """Every service's next bookable slot, as time moves the booking windows on (a periodic job)."""
    return documents.refresh_availability()

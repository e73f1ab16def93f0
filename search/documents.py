"""Services as search documents: the one place that decides what a service is found by.

``build(product_ids)`` reads services with their providers, categories,
guide pages and open slots in a handful of queries and returns plain dicts;
``save(product_ids)`` writes them to ServiceDocument (and to Elasticsearch
when that is the backend) and removes the services that are no longer public.
"""

from datetime import timedelta
from operator import attrgetter

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.html import strip_tags
from oscar.core.loading import get_model

from marketplace.background import enqueue_on_commit
from providers.models import Slot
from search import counts, text
from search.models import ServiceDocument, SuggestKey

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

BATCH_SIZE = 500
POPULAR_DAYS = 90


def public_products():
    return Product.objects.filter(is_public=True).exclude(structure=Product.PARENT)


def _categories():
    """Every category by id, with the slugs of itself and its ancestors (the tree is small)."""
    by_path = {
        category.path: category for category in Category.objects.only("pk", "path", "slug", "name", "name_en", "depth")
    }
    steplen = Category.steplen
    lineage = {}
    for path, category in by_path.items():
        ancestors = [by_path[path[:end]] for end in range(steplen, len(path) + 1, steplen) if path[:end] in by_path]
        lineage[category.pk] = ancestors
    return lineage


def _popularity(product_ids, now):
    Booking = get_model("booking", "Booking")
    rows = (
        Booking.objects.filter(
            slot__offering__product_id__in=product_ids, created_at__gte=now - timedelta(days=POPULAR_DAYS)
        )
        .order_by()
        .values("slot__offering__product_id")
        .annotate(n=Count("pk"))
        .values_list("slot__offering__product_id", "n")
    )
    return dict(rows)


def _join(*parts):
    return " ".join(part for part in parts if part)


def build(product_ids, now=None):
    """{product id: document dict} for the given ids that are public services."""
    now = now or timezone.now()
    products = list(
        public_products()
        .filter(pk__in=product_ids)
        .prefetch_related(
            "categories", "service_pages", "stockrecords__partner__street", "stockrecords__partner__community"
        )
    )
    if not products:
        return {}
    ids = [product.pk for product in products]
    lineage = _categories()
    next_starts = Slot.objects.next_free_starts(ids, now)
    popularity = _popularity(ids, now)
    documents = {}
    for product in products:
        categories = {}
        for category in product.categories.all():
            for ancestor in lineage.get(category.pk, [category]):
                categories[ancestor.slug] = ancestor
        # In the tree's order: where a list shows one sector of a service in several, it shows the first.
        sectors = [
            category.slug for category in sorted(categories.values(), key=attrgetter("path")) if category.depth == 1
        ]
        offerings = [record for record in product.stockrecords.all() if record.price is not None]
        partners = [record.partner for record in product.stockrecords.all()]
        pages = [page for page in product.service_pages.all() if page.live]
        prices = [record.price for record in offerings]
        body = _join(
            strip_tags(product.description or ""),
            *(_join(page.summary, page.guide_text()) for page in pages),
            *(_join(category.name, category.name_en) for category in categories.values()),
            *(
                _join(
                    partner.name,
                    partner.address,
                    partner.street.name if partner.street else "",
                    partner.community.name if partner.community else "",
                )
                for partner in partners
            ),
        )
        documents[product.pk] = {
            "id": product.pk,
            "title": product.title,
            "summary": product.summary,
            # Found by English words too ("legal consultation"), in both backends.
            "title_en": product.title_en,
            "summary_en": product.summary_en,
            "body": body,
            "categories": sorted(categories),
            "sectors": sectors,
            "streets": sorted({partner.street.slug for partner in partners if partner.street}),
            "communities": sorted({partner.community.slug for partner in partners if partner.community}),
            "providers": sorted({str(partner.pk) for partner in partners}),
            "is_free": any(price == 0 for price in prices),
            "mode": product.mode,
            "min_price": min(prices) if prices else None,
            "next_slot_at": next_starts.get(product.pk),
            "created": product.date_created,
            "popularity": popularity.get(product.pk, 0),
            "suggest": list(dict.fromkeys([*text.suggest_keys(product.title), *text.suggest_keys(product.title_en)])),
        }
    return documents


def _row(document):
    return ServiceDocument(
        product_id=document["id"],
        title=document["title"][:255],
        title_tokens=text.index_text(_join(document["title"], document["title_en"])),
        summary_tokens=text.index_text(_join(document["summary"], document["summary_en"])),
        body_tokens=text.index_text(document["body"]),
        categories=document["categories"],
        sectors=document["sectors"],
        streets=document["streets"],
        communities=document["communities"],
        providers=document["providers"],
        is_free=document["is_free"],
        mode=document["mode"],
        min_price=document["min_price"],
        next_slot_at=document["next_slot_at"],
        created=document["created"],
        popularity=document["popularity"],
    )


def _tell_external_index(backend, task_name, *args):
    """An external index hears of a change only once the change is committed, from a worker.

    An outage of the index must not undo or fail the editor's or resident's
    change: the task is tried again later, and ``rebuild_search_index`` catches the index up.
    """
    if backend.external:
        from search import tasks  # the tasks module imports this one

        enqueue_on_commit(getattr(tasks, task_name), *args)


def forget(product_ids):
    """Services deleted outright: their rows went with them; an external index is told."""
    from search.backends import get_backend

    counts.documents_changed()
    _tell_external_index(get_backend(), "sync_external", [], list(product_ids))


def save(product_ids, now=None):
    """Bring the documents of these services up to date; returns the documents written."""
    from search.backends import get_backend

    product_ids = list(dict.fromkeys(product_ids))
    written = {}
    for start in range(0, len(product_ids), BATCH_SIZE):
        batch = product_ids[start : start + BATCH_SIZE]
        documents = build(batch, now)
        gone = [pk for pk in batch if pk not in documents]
        with transaction.atomic():
            if gone:
                ServiceDocument.objects.filter(product_id__in=gone).delete()
            if documents:
                # Delete and insert rather than update: the SQLite triggers and the generated
                # column follow either, and one bulk statement beats a thousand updates.
                ServiceDocument.objects.filter(product_id__in=documents).delete()
                ServiceDocument.objects.bulk_create([_row(document) for document in documents.values()])
                SuggestKey.objects.bulk_create(
                    [
                        SuggestKey(
                            document_id=document["id"],
                            key=key,
                            title=document["title"][:255],
                            popularity=document["popularity"],
                        )
                        for document in documents.values()
                        for key in document["suggest"]
                    ]
                )
            if gone or documents:
                counts.documents_changed()
        _tell_external_index(get_backend(), "sync_external", list(documents), gone)
        written.update(documents)
    return written


def save_availability(product_ids, now=None):
    """Only the next open slot changed (a booking, a closure, time passing): a cheaper update."""
    from search.backends import get_backend

    now = now or timezone.now()
    product_ids = list(dict.fromkeys(product_ids))
    if not product_ids:
        return 0
    starts = Slot.objects.next_free_starts(product_ids, now)
    documents = ServiceDocument.objects.filter(product_id__in=product_ids)
    changed = []
    for document in documents:
        start = starts.get(document.product_id)
        if start != document.next_slot_at:
            document.next_slot_at = start
            changed.append(document)
    if changed:
        ServiceDocument.objects.bulk_update(changed, ["next_slot_at"])
        _tell_external_index(get_backend(), "push_availability", [document.product_id for document in changed])
    return len(changed)


AVAILABILITY_CHUNK = 1000


def refresh_availability(now=None):
    """Every document's next bookable slot recomputed (a periodic job); returns how many changed.

    Time moves each service's booking window on: a slot enters it ``book_ahead_days`` ahead and
    leaves it at the minimum notice before its start. Searches only catch the slots that have begun
    (:func:`refresh_lapsed`); this catches the rest, in chunks, writing only what changed.
    """
    now = now or timezone.now()
    ids = list(ServiceDocument.objects.order_by("product_id").values_list("product_id", flat=True))
    changed = 0
    for offset in range(0, len(ids), AVAILABILITY_CHUNK):
        changed += save_availability(ids[offset : offset + AVAILABILITY_CHUNK], now) or 0
    return changed


def refresh_lapsed(now=None):
    """Documents whose next open slot has begun point at the next one instead (time passing)."""
    now = now or timezone.now()
    stale = list(ServiceDocument.objects.filter(next_slot_at__lte=now).values_list("product_id", flat=True))
    save_availability(stale, now)
    return len(stale)


def rebuild(now=None, progress=None):
    """Every public service indexed afresh; documents of services that are gone removed."""
    from search.backends import get_backend

    get_backend().reset()
    ids = list(public_products().order_by("pk").values_list("pk", flat=True))
    if ServiceDocument.objects.exclude(product_id__in=public_products().values("pk")).delete()[0]:
        counts.documents_changed()
    for start in range(0, len(ids), BATCH_SIZE):
        save(ids[start : start + BATCH_SIZE], now)
        if progress:
            progress(min(start + BATCH_SIZE, len(ids)), len(ids))
    return len(ids)

"""The public catalog: sectors, services, their offerings and open slots."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router
from oscar.core.loading import get_model

from marketplace.api.errors import invalid, not_found
from marketplace.api.schemas import (
    CategoryOut,
    Error,
    PathId,
    ServiceDetail,
    ServiceFilters,
    ServiceList,
    SlotFilters,
    SlotList,
    SuggestFilters,
    SuggestionList,
    local,
    money,
)
from providers.models import Slot
from search.services import ServiceQuery, search_services, sector_names, suggest, with_documents

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")

router = Router(tags=["catalog"])


def place(obj):
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def sector_of(product, sectors):
    """The service's sector (its first, in the tree's order), from its search document: no query per service."""
    document = getattr(product, "search_document", None)
    slug = document.sectors[0] if document is not None and document.sectors else None
    return {"slug": slug, "name": sectors[slug]} if slug in sectors else None


def service_json(product, sectors):
    min_price = getattr(product, "min_price", None)
    return {
        "id": product.pk,
        "slug": product.slug,
        # In the request's language: English where editors gave the service an English name.
        "name": product.display_title,
        "summary": product.display_summary,
        "category": sector_of(product, sectors),
        "is_free": min_price is not None and min_price == 0,
        "min_price": money(min_price) if min_price is not None else None,
        "currency": settings.OSCAR_DEFAULT_CURRENCY,
        "mode": product.mode,
        "next_slot_at": local(getattr(product, "next_slot_at", None)),
        "url": product.get_absolute_url(),
    }


def public_service(service_id):
    product = (
        with_documents(Product.objects.filter(pk=service_id, is_public=True))
        .exclude(structure=Product.PARENT)
        .prefetch_related("service_pages")
        .first()
    )
    if product is None:
        raise not_found(_("There is no such service."))
    return product


@router.get("/categories", response=list[CategoryOut], auth=None)
def categories(request):
    """Every public category (sector and sub-category) as a tree."""
    tree, branch = [], []
    # One query in path order: each node comes after its parent.
    for category in Category.objects.browsable().order_by("path"):
        node = {"slug": category.slug, "name": category.display_name, "children": []}
        del branch[category.depth - 1 :]
        (branch[-1]["children"] if branch else tree).append(node)
        branch.append(node)
    return tree


@router.get("/services", response={200: ServiceList, frozenset({400, 503}): Error}, auth=None)
def services(request, filters: Query[ServiceFilters]):
    """Search services. Facet counts apply every other filter but their own."""
    result = search_services(
        ServiceQuery(
            q=filters.q,
            categories=tuple(filter(None, [filters.category])),
            streets=tuple(filter(None, [filters.street])),
            communities=tuple(filter(None, [filters.community])),
            free=filters.free,
            modes=tuple(filter(None, [filters.mode])),
            available_within_days=filters.available_within_days,
            page=filters.page,
            page_size=filters.page_size,
        )
    )
    sectors = sector_names()
    return {
        "count": result.count,
        "page": result.page,
        "results": [service_json(hit.product, sectors) for hit in result.hits],
        "facets": result.facets,
    }


@router.get("/suggest", response={200: SuggestionList, frozenset({400, 503}): Error}, auth=None)
def suggestions(request, filters: Query[SuggestFilters]):
    """Services to offer as the resident types: ``q`` is the start of a word in characters, pinyin or initials
    (法律, falv, fl)."""
    products = suggest(filters.q)
    return {
        "results": [
            {"id": product.pk, "name": product.display_title, "url": product.get_absolute_url()} for product in products
        ]
    }


@router.get("/services/{service_id}", response={200: ServiceDetail, frozenset({400, 404}): Error}, auth=None)
def service_detail(request, service_id: PathId):
    """One service: who offers it, at what price, and its booking rules."""
    product = public_service(service_id)
    offerings = list(
        product.stockrecords.select_related("partner__street", "partner__community").order_by("price", "pk")
    )
    prices = [offering.price for offering in offerings if offering.price is not None]
    product.min_price = min(prices) if prices else None
    product.next_slot_at = Slot.objects.next_free_starts([product.pk]).get(product.pk)
    return {
        **service_json(product, sector_names()),
        "description": product.description,
        "offerings": [
            {
                "id": offering.pk,
                "provider": {
                    "id": offering.partner.pk,
                    "name": offering.partner.name,
                    "street": place(offering.partner.street),
                    "community": place(offering.partner.community),
                    "address": offering.partner.address,
                },
                "price": money(offering.price) if offering.price is not None else None,
                "currency": offering.price_currency,
            }
            for offering in offerings
        ],
        "booking_rules": {
            "book_ahead_days": product.book_ahead_days,
            "min_notice_minutes": product.min_notice_minutes,
            "cancel_until_hours": product.cancel_until_hours,
            "max_active_per_resident": product.max_active_per_resident,
            "one_per_day": product.one_per_day,
        },
    }


@router.get("/services/{service_id}/slots", response={200: SlotList, frozenset({400, 404}): Error}, auth=None)
def service_slots(request, service_id: PathId, filters: Query[SlotFilters]):
    """Open future slots of the service, in time order; full ones too, with ``remaining`` 0."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise invalid(_("“from” must not be after “to”."))
    product = public_service(service_id)
    slots = (
        Slot.objects.open_future()
        .in_booking_window(service=product)
        .select_related("offering__partner")
        .order_by("starts_at", "pk")
    )
    # Dates are the resident's (Asia/Shanghai) calendar days; __date converts in the database.
    if filters.date_from:
        slots = slots.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        slots = slots.filter(starts_at__date__lte=filters.date_to)
    if filters.provider:
        slots = slots.filter(offering__partner_id=filters.provider)
    return {
        "results": [
            {
                "id": slot.pk,
                "offering": slot.offering_id,
                "provider": {"id": slot.offering.partner.pk, "name": slot.offering.partner.name},
                "starts_at": local(slot.starts_at),
                "ends_at": local(slot.ends_at),
                "capacity": slot.capacity,
                "remaining": slot.remaining,
            }
            for slot in slots
        ]
    }

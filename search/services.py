"""Finding services: text, filters and facets.

A plain database query for now (issue 5 brings Chinese segmentation and
Elasticsearch behind this same interface). Facets are multi-select: each
facet's counts apply every other filter but not its own.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from providers.models import Slot, Street

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")

FACETS = ("category", "street", "free", "mode")
MODES = {"onsite": ("onsite", "both"), "online": ("online", "both")}


@dataclass
class ServiceQuery:
    q: str = ""
    category: str = ""
    street: str = ""
    community: str = ""
    free: bool | None = None
    mode: str = ""
    available_within_days: int | None = None
    page: int = 1
    page_size: int = 20


@dataclass
class SearchResult:
    hits: list
    count: int
    page: int
    page_size: int
    facets: dict = field(default_factory=dict)

    @property
    def num_pages(self):
        return max((self.count + self.page_size - 1) // self.page_size, 1)


def _filters(query, now):
    """One Q per filter name, so a facet can leave its own out."""
    filters = {}
    for term in query.q.split():
        filters.setdefault("q", Q())
        filters["q"] &= Q(title__icontains=term) | Q(summary__icontains=term) | Q(description__icontains=term)
    if query.category:
        category = Category.objects.filter(slug=query.category).first()
        if category is None:
            filters["category"] = Q(pk__in=[])
        else:
            paths = Q(path__startswith=category.path)
            filters["category"] = Q(
                pk__in=Product.objects.filter(categories__in=Category.objects.filter(paths)).values("pk")
            )
    offered = StockRecord.objects.filter(product=OuterRef("pk"))
    if query.street:
        filters["street"] = Q(Exists(offered.filter(partner__street__slug=query.street)))
    if query.community:
        filters["community"] = Q(Exists(offered.filter(partner__community__slug=query.community)))
    if query.free is not None:
        free_offering = Exists(offered.filter(price=0))
        filters["free"] = Q(free_offering) if query.free else ~Q(free_offering)
    if query.mode:
        filters["mode"] = Q(mode__in=MODES.get(query.mode, ()))
    if query.available_within_days is not None:
        soon = (
            Slot.objects.open_future(now)
            .with_places()
            .filter(offering__product=OuterRef("pk"), starts_at__lte=now + timedelta(days=query.available_within_days))
        )
        filters["available"] = Q(Exists(soon))
    return filters


def _base():
    return Product.objects.filter(is_public=True).exclude(structure=Product.PARENT)


def _combine(filters, leave_out=None):
    combined = Q()
    for name, condition in filters.items():
        if name != leave_out:
            combined &= condition
    return combined


def _facets(query, filters):
    facets = {}
    roots = list(Category.get_root_nodes())
    in_category = _base().filter(_combine(filters, "category"))
    paths = in_category.values_list("pk", "categories__path").distinct()
    by_root = {}
    for pk, path in paths:
        if path:
            by_root.setdefault(path[: Category.steplen], set()).add(pk)
    facets["category"] = [
        {
            "value": root.slug,
            "label": root.name,
            "count": len(by_root.get(root.path, ())),
            "selected": root.slug == query.category,
        }
        for root in roots
    ]
    street_counts = dict(
        _base()
        .filter(_combine(filters, "street"))
        .values("stockrecords__partner__street")
        .annotate(n=Count("pk", distinct=True))
        .values_list("stockrecords__partner__street", "n")
    )
    facets["street"] = [
        {
            "value": street.slug,
            "label": street.name,
            "count": street_counts.get(street.pk, 0),
            "selected": street.slug == query.street,
        }
        for street in Street.objects.all()
    ]
    free_qs = _base().filter(_combine(filters, "free"))
    free_count = free_qs.filter(Exists(StockRecord.objects.filter(product=OuterRef("pk"), price=0))).count()
    facets["free"] = [
        {"value": "true", "label": str(_("Free")), "count": free_count, "selected": query.free is True},
        {
            "value": "false",
            "label": str(_("Paid")),
            "count": free_qs.count() - free_count,
            "selected": query.free is False,
        },
    ]
    mode_counts = dict(
        _base().filter(_combine(filters, "mode")).values("mode").annotate(n=Count("pk")).values_list("mode", "n")
    )
    facets["mode"] = [
        {
            "value": value,
            "label": str(label),
            "count": sum(mode_counts.get(mode, 0) for mode in modes),
            "selected": query.mode == value,
        }
        for (value, modes), label in zip(MODES.items(), (_("On site"), _("Online")), strict=True)
    ]
    return facets


def search_services(query, now=None, with_facets=True):
    now = now or timezone.now()
    filters = _filters(query, now)
    results = (
        _base()
        .filter(_combine(filters))
        .annotate(min_price=Min("stockrecords__price"), next_slot_at=Slot.objects.next_free_start(OuterRef("pk"), now))
        .prefetch_related("categories", "service_pages")
        .order_by("title", "pk")
    )
    count = results.count()
    page = max(query.page, 1)
    start = (page - 1) * query.page_size
    hits = list(results[start : start + query.page_size])
    facets = _facets(query, filters) if with_facets else {}
    return SearchResult(hits=hits, count=count, page=page, page_size=query.page_size, facets=facets)

"""What a list of search results shows: the search page's and a sector page's, from one form.

The pages call ``search_context``; the filter chips, facet groups and page
links are worked out here, so a page model never reaches into a view.
"""

import logging
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from search.backends import SearchUnavailable
from search.forms import FACET_PARAMETERS, ServiceSearchForm, parameters
from search.query import SearchResult, ServiceQuery
from search.services import popular_services, search_services, sector_names

logger = logging.getLogger(__name__)

Category = get_model("catalogue", "Category")

# Page links around the current page; the first and last are always there.
PAGE_LINKS_AROUND = 2
# The public legal service hotline: one number across China, answered day and night.
LEGAL_HOTLINE = "12348"


def _link(params, **changes):
    params = params.copy()
    for name, value in changes.items():
        params[name] = value
    return f"?{params.urlencode()}" if params else "?"


def _without(params, name, value):
    params = params.copy()
    params.setlist(name, [kept for kept in params.getlist(name) if kept != value])
    return _link(params)


def active_filters(query, result, params, sector=None):
    """Each value the search is narrowed by, with its label and the address of the same search without it."""
    labels = {(name, choice["value"]): choice["label"] for name, choices in result.facets.items() for choice in choices}
    selected = {
        "category": () if sector is not None else query.categories,
        "street": query.streets,
        "community": query.communities,
        "free": () if query.free is None else ("true" if query.free else "false",),
        "mode": query.modes,
    }
    chips = [
        # An unknown slug still gets a chip under its own name, so it can be taken away.
        {"label": labels.get((name, value), value), "url": _without(params, name, value)}
        for name in FACET_PARAMETERS
        for value in selected[name]
    ]
    if query.available_within_days is not None:
        chips.append(
            {
                "label": _("Open place within %(days)s days") % {"days": query.available_within_days},
                "url": _without(params, "available_within_days", str(query.available_within_days)),
            }
        )
    return chips


def pagination(result, params):
    """Links to the result's pages: {links: [{number, url, current} or None for a gap], previous, next}."""
    last = result.num_pages
    if last < 2:
        return None
    shown = {1, last, *range(result.page - PAGE_LINKS_AROUND, result.page + PAGE_LINKS_AROUND + 1)}
    links, before = [], 0
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number > before + 1:
            links.append(None)
        links.append({"number": number, "url": _link(params, page=str(number)), "current": number == result.page})
        before = number
    return {
        "links": links,
        "previous": _link(params, page=str(result.page - 1)) if result.page > 1 else None,
        "next": _link(params, page=str(result.page + 1)) if result.page < last else None,
    }


def facet_groups(form, result):
    """The facets to tick, in order, each with its legend; a sector page's own sector is not one of them."""
    return [
        {"name": name, "legend": form.fields[name].label, "choices": result.facets[name]}
        for name in FACET_PARAMETERS
        if name in result.facets and name in form.fields
    ]


def _sector_names(result):
    """{sector slug: name}, from the category facet when the search counted it."""
    names = {choice["value"]: choice["label"] for choice in result.facets.get("category", ())}
    return names or sector_names()


def browse_sectors():
    """Every sector with the address of its page (or of the search narrowed to it): where to go when words fail."""
    sectors = []
    for root in Category.get_root_nodes().prefetch_related("sector_pages"):
        page = next((page for page in root.sector_pages.all() if page.live), None)
        url = page.url if page is not None else f"{reverse('search')}?{urlencode({'category': root.slug})}"
        sectors.append({"name": root.display_name, "url": url})
    return sectors


def _describe(products, sector_names):
    # The document carries the sectors and providers, so a list needs no query per service.
    for product in products:
        document = getattr(product, "search_document", None)
        sectors = document.sectors if document else []
        product.sector_name = sector_names.get(sectors[0]) if sectors else None
        product.provider_count = len(document.providers) if document else 0


def search_context(request, sector=None):
    """Everything the result templates need, for the search page or (with ``sector``) a sector page."""
    form = ServiceSearchForm(request.GET, sector=sector)
    query = form.to_query()
    unavailable = False
    try:
        result = search_services(query)
        if result.count and query.page > result.num_pages:
            # An old link past the end: show the last page rather than an empty one.
            query = form.to_query(page=result.num_pages)
            result = search_services(query)
    except SearchUnavailable as error:
        # The search cluster is down: say so, and still offer what residents book most.
        logger.warning("Search unavailable: %s", error)
        unavailable = True
        result = SearchResult(hits=[], count=0, page=1, page_size=query.page_size, popular=popular_services())
    params = parameters(query, sector)
    _describe([hit.product for hit in result.hits] + list(result.popular), _sector_names(result))
    filters = active_filters(query, result, params, sector)
    return {
        "form": form,
        "query": query,
        "result": result,
        "active_filters": filters,
        # Clearing the filters keeps the words and the order.
        "clear_filters_url": _link(parameters(ServiceQuery(q=query.q, sort=query.sort), sector)),
        "facet_groups": facet_groups(form, result),
        "pagination": pagination(result, params),
        "first_number": query.offset + 1,
        "sector": sector,
        "search_unavailable": unavailable,
        # Nothing found: the sectors to browse and the numbers to call instead.
        "browse_sectors": [] if result.hits else browse_sectors(),
        "legal_hotline": LEGAL_HOTLINE,
    }

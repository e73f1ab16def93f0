"""Finding services: the one search behind the search page, the sector pages and the API.

``search_services(ServiceQuery)`` → SearchResult (hits, total, facets, and
help when nothing matches); ``suggest(prefix)`` → what the search box offers
as the resident types (characters, pinyin or initials: 法律, falv, fl).
The backend (database or Elasticsearch) only finds ids and counts; what
the answer looks like is decided here, once.
"""

from dataclasses import replace

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog.models import in_language
from providers.models import Community, Street
from search import documents, text
from search.backends import get_backend
from search.models import ServiceDocument, Synonym
from search.query import MODES, Hit, SearchResult, ServiceQuery

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

SYNONYMS_CACHE_KEY = "sitesearch:synonyms"
# The lists editors keep (synonyms, the facets' names): each process keeps its own copy at most this long.
KEPT_LISTS_SECONDS = 60
FACET_LABELS_CACHE_KEY = "sitesearch:facet-labels"
POPULAR_COUNT = 6
MAX_CORRECTIONS = 4

__all__ = ["ServiceQuery", "search_services", "suggest", "synonyms", "popular_services", "with_documents"]


def synonyms():
    """{word: [words meaning the same]} from the editable list, cached until it changes."""
    mapping = cache.get(SYNONYMS_CACHE_KEY)
    if mapping is None:
        mapping = {}
        for synonym in Synonym.objects.all():
            words = synonym.words()
            for word in words:
                lowered = word.lower()
                for other in words:
                    if other.lower() != lowered and other not in mapping.setdefault(lowered, []):
                        mapping[lowered].append(other)
        # Each process caches its own copy, so an edit reaches every worker within a minute.
        cache.set(SYNONYMS_CACHE_KEY, mapping, KEPT_LISTS_SECONDS)
    return mapping


def forget_synonyms():
    cache.delete(SYNONYMS_CACHE_KEY)


def expanded(q):
    """The query as groups of alternatives of tokens (see search.text.expand)."""
    words = text.query_words(q)
    return text.expand(words, synonyms()) if words else []


def relaxed(q):
    """(groups, words) of ``q`` relaxed to its parts, or ([], []) when that would search for nothing new."""
    words = text.query_words(q)
    groups, parts = text.relaxed(words, synonyms())
    if not groups or (len(groups) == 1 and groups == expanded(q)):
        return [], []
    return groups, parts


def with_documents(products):
    """``products`` each with its search document, read in the same query: a list's sectors and providers."""
    # The document's words are kept out of line on PostgreSQL: a list never shows them.
    return products.select_related("search_document").defer(
        *(f"search_document__{name}" for name in ("title_tokens", "summary_tokens", "body_tokens"))
    )


# What a list of services shows of each (its title and summary in both languages, its mode, its guide
# page's address, and from its document the price, the next open place, the sectors and the providers),
# and nothing else: a Product row and a Wagtail page row are wide, and building them cost more than the search's SQL.
LISTED_FIELDS = ("slug", "title", "title_en", "summary", "summary_en", "mode")
LISTED_DOCUMENT_FIELDS = ("min_price", "next_slot_at", "sectors", "providers")
LISTED_PAGE_FIELDS = ("url_path", "live", "product_id")


def listed(products):
    """``products`` with only what a list shows; their guide pages with only what Product.get_absolute_url reads."""
    pages = Product._meta.get_field("service_pages").related_model
    return (
        products.select_related("search_document")
        .only(*LISTED_FIELDS, *(f"search_document__{name}" for name in LISTED_DOCUMENT_FIELDS))
        # Into a list of its own: Django builds no queryset per service for it (Product.get_absolute_url reads it).
        .prefetch_related(
            Prefetch("service_pages", queryset=pages.objects.only(*LISTED_PAGE_FIELDS), to_attr="listed_pages")
        )
    )


def _products(ids):
    """Products in the order of ``ids``, each with min_price and next_slot_at from its document."""
    products = listed(Product.objects.filter(pk__in=ids))
    by_id = {product.pk: product for product in products}
    ordered = []
    for pk in ids:
        product = by_id.get(pk)
        if product is None:
            continue
        document = getattr(product, "search_document", None)
        product.min_price = document.min_price if document else None
        product.next_slot_at = document.next_slot_at if document else None
        ordered.append(product)
    return ordered


def _choice(value, label, counts, selected):
    return {"value": value, "label": str(label), "count": counts.get(value, 0), "selected": selected}


def facet_labels():
    """The facets' values in order: {"category": [(slug, name, English name)] of the sectors, "street": [(slug,
    name)], "community": [(slug, name, street's slug)]}, cached until one of them changes."""
    labels = cache.get(FACET_LABELS_CACHE_KEY)
    if labels is None:
        labels = {
            "category": [(root.slug, root.name, root.name_en) for root in Category.get_root_nodes()],
            "street": list(Street.objects.values_list("slug", "name")),
            "community": list(Community.objects.values_list("slug", "name", "street__slug")),
        }
        cache.set(FACET_LABELS_CACHE_KEY, labels, KEPT_LISTS_SECONDS)
    return labels


def sector_names():
    """{sector slug: its name in the request's language}, in the tree's order."""
    return {slug: in_language(name, name_en) for slug, name, name_en in facet_labels()["category"]}


def forget_facet_labels():
    cache.delete(FACET_LABELS_CACHE_KEY)


def _facets(query, counts):
    labels = facet_labels()
    facets = {
        "category": [
            _choice(slug, in_language(name, name_en), counts.get("category", {}), slug in query.categories)
            for slug, name, name_en in labels["category"]
        ],
        "street": [
            _choice(slug, name, counts.get("street", {}), slug in query.streets) for slug, name in labels["street"]
        ],
        "free": [
            _choice("true", _("Free"), counts.get("free", {}), query.free is True),
            _choice("false", _("Paid"), counts.get("free", {}), query.free is False),
        ],
        "mode": [
            _choice(value, label, counts.get("mode", {}), value in query.modes)
            for value, label in zip(MODES, (_("On site"), _("Online")), strict=True)
        ],
    }
    if query.streets or query.communities:
        facets["community"] = [
            _choice(slug, name, counts.get("community", {}), slug in query.communities)
            for slug, name, street in labels["community"]
            if street in query.streets or slug in query.communities
        ]
    return facets


def _hits(products, groups):
    terms = text.highlight_terms(groups)
    return [
        Hit(
            product=product,
            title_html=text.highlight(product.display_title, terms),
            summary_html=text.highlight(product.display_summary, terms),
        )
        for product in products
    ]


def _count(query, groups, now):
    return get_backend().search(query, groups, now).total


def corrections(query, groups, now):
    """Queries that would find something when this one finds nothing."""
    found = []
    words = text.query_words(query.q)
    if not words:
        return found
    # Typed in pinyin or initials (falv, flzx): the services it spells.
    if not any(text.is_han(word) for word in words):
        for product in _products(get_backend().suggest(text.suggest_prefix(query.q), MAX_CORRECTIONS)):
            if product.title not in found:
                found.append(product.title)
    # Several words that never meet in one service: each word that does find something.
    if len(words) > 1:
        for word in words:
            single = ServiceQuery(q=word, facets=False, page_size=1)
            if len(found) < MAX_CORRECTIONS and _count(single, expanded(word), now):
                found.append(word)
    # Filters too narrow: the same words without them.
    unfiltered = ServiceQuery(q=query.q, facets=False, page_size=1)
    if unfiltered != replace(query, facets=False, page_size=1, page=1):
        if _count(unfiltered, groups, now) and query.q not in found:
            found.append(query.q)
    return found[:MAX_CORRECTIONS]


def popular_services(count=POPULAR_COUNT):
    ids = list(
        ServiceDocument.objects.order_by("-popularity", "next_slot_at", "product_id").values_list(
            "product_id", flat=True
        )[:count]
    )
    return _products(ids)


def search_services(query, now=None):
    """Run ``query`` (a ServiceQuery) and return a SearchResult."""
    now = now or timezone.now()
    # Time passes: a service whose next slot has begun is found by the one after it.
    documents.refresh_lapsed(now)
    groups = expanded(query.q)
    page = max(query.page, 1)
    raw = get_backend().search(query, groups, now)
    parts = []
    if not raw.total and groups:
        # Nothing has every word: look for the services that have some of them, the most first.
        relaxed_groups, parts = relaxed(query.q)
        if relaxed_groups:
            raw = get_backend().search(query, relaxed_groups, now, match_any=True)
            groups = relaxed_groups if raw.total else groups
    result = SearchResult(
        hits=_hits(_products(raw.ids), groups),
        count=raw.total,
        page=page,
        page_size=query.page_size,
        facets=_facets(query, raw.facets) if query.facets else {},
        parts=parts,
    )
    if not raw.total and (query.q or query.page == 1):
        result.corrections = corrections(query, groups, now)
        result.popular = popular_services()
    return result


def suggest(prefix, limit=8):
    """Services whose title starts a word with ``prefix``, in characters, pinyin or initials."""
    key = text.suggest_prefix(prefix)
    if not key:
        return []
    return _products(get_backend().suggest(key, limit))

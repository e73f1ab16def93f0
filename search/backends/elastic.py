"""Services searched in Elasticsearch: the same ServiceQuery, answered by a cluster.

The index holds the documents ``search.documents`` builds, one per public
service. The cluster cuts Chinese itself (the built-in ``cjk`` analyzer, or
IK when the plugin is installed), and every text field has a 1–2-gram
sub-field so that one character (律) still finds 律师; suggestions come from
an edge-n-gram field over the title's prefix keys (法律咨询, falvzixun, flzx).
Facets are multi-select exactly as in the database backend: FacetedSearch
counts each facet under every other facet's filter and narrows the hits
with a post_filter.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    FacetedSearch,
    Integer,
    Keyword,
    ScaledFloat,
    Search,
    TermsFacet,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)
from elasticsearch.dsl.query import Bool, Match, MultiMatch, Terms
from elasticsearch.helpers import BulkIndexError, bulk

from search.backends import Backend, SearchUnavailable
from search.query import MODE_COVERS, RawResult

logger = logging.getLogger(__name__)

ANALYZERS = ("cjk", "ik")
# Each token is looked for in every text field; a hit in the title counts most, and a hit
# only in the n-grams (a lone character, or a word the analyzer cut differently) less.
TEXT_FIELDS = [
    "title^3",
    "summary^2",
    "body",
    "title.ngram^1.5",
    "summary.ngram",
    "body.ngram^0.5",
    "title_en^3",
    "summary_en^2",
]
# More buckets than there are sectors, streets or communities, so no count is cut off.
FACET_SIZE = 500
# Longest prefix the suggest field stores; a longer typed prefix is cut to it before matching.
SUGGEST_LENGTH = 30
# Elasticsearch refuses to page past index.max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000

NGRAM = analyzer(
    "service_ngram",
    tokenizer=tokenizer("service_ngram", "ngram", min_gram=1, max_gram=2, token_chars=["letter", "digit"]),
    filter=["lowercase"],
)
SUGGEST_PREFIXES = analyzer(
    "service_suggest",
    tokenizer="keyword",
    filter=["lowercase", token_filter("service_suggest_prefixes", "edge_ngram", min_gram=1, max_gram=SUGGEST_LENGTH)],
)
SUGGEST_TYPED = analyzer(
    "service_suggest_typed",
    tokenizer="keyword",
    filter=["lowercase", token_filter("service_suggest_truncate", "truncate", length=SUGGEST_LENGTH)],
)


def _chinese_text(analyzer_setting):
    if analyzer_setting == "ik":
        # IK cuts as many words as it can when indexing and the likeliest words of a query.
        chinese = {"analyzer": "ik_max_word", "search_analyzer": "ik_smart"}
    else:
        chinese = {"analyzer": "cjk"}
    return Text(**chinese, fields={"ngram": Text(analyzer=NGRAM)})


def service_document(index, analyzer_setting="cjk"):
    """The Document class of the services index named ``index``, its text cut by ``cjk`` or IK."""
    if analyzer_setting not in ANALYZERS:
        raise ImproperlyConfigured(f"SEARCH_ES_ANALYZER must be 'cjk' or 'ik', not {analyzer_setting!r}")
    fields = {
        "id": Integer(),
        "title": _chinese_text(analyzer_setting),
        "summary": _chinese_text(analyzer_setting),
        "body": _chinese_text(analyzer_setting),
        # English names editors give services: stemmed, so "consultations" finds "consultation".
        "title_en": Text(analyzer="english"),
        "summary_en": Text(analyzer="english"),
        "categories": Keyword(),
        "sectors": Keyword(),
        "streets": Keyword(),
        "communities": Keyword(),
        "providers": Keyword(),
        "is_free": Boolean(),
        "mode": Keyword(),
        "min_price": ScaledFloat(scaling_factor=100),
        "next_slot_at": Date(),
        "created": Date(),
        "popularity": Integer(),
        "suggest": Text(analyzer=SUGGEST_PREFIXES, search_analyzer=SUGGEST_TYPED),
        "Index": type("Index", (), {"name": index}),
    }
    return type("IndexedService", (Document,), fields)


def text_query(groups, match_any=False):
    """Every group (or with ``match_any`` any group), each by any of its alternatives, each alternative with all
    its tokens (search.text.expand). Relaxed to any group, a service scores the more groups it has."""

    def every(queries):
        return queries[0] if len(queries) == 1 else Bool(must=queries)

    def any_of(queries):
        return queries[0] if len(queries) == 1 else Bool(should=queries, minimum_should_match=1)

    # operator "and": a token cut into several terms (n-grams, bigrams) needs them all in one field.
    return (any_of if match_any else every)(
        [
            any_of(
                [
                    every([MultiMatch(query=token, fields=TEXT_FIELDS, operator="and") for token in tokens])
                    for tokens in alternatives
                ]
            )
            for alternatives in groups
        ]
    )


def _iso(moment):
    return moment.isoformat() if moment is not None else None


class CategoryFacet(TermsFacet):
    """Counted per sector (root category); a chosen category also finds its sub-categories' services."""

    def add_filter(self, filter_values):
        return Terms(categories=list(filter_values)) if filter_values else None


class FreeFacet(TermsFacet):
    def get_value(self, bucket):
        # A boolean's bucket key is 1 or 0; its key_as_string is the "true"/"false" RawResult speaks.
        return bucket["key_as_string"]


class ModeFacet(TermsFacet):
    """On site or online; a service offered both ways is found by, and counted for, either."""

    def add_filter(self, filter_values):
        if not filter_values:
            return None
        return Terms(mode=sorted({mode for value in filter_values for mode in MODE_COVERS.get(value, ())}))

    def get_values(self, data, filter_values):
        counts = {}
        for key, count, _selected in super().get_values(data, filter_values):
            for choice, covered in MODE_COVERS.items():
                if key in covered:
                    counts[choice] = counts.get(choice, 0) + count
        return [(choice, count, choice in filter_values) for choice, count in counts.items()]


class ServiceSearch(FacetedSearch):
    facets = {
        "category": CategoryFacet(field="sectors", size=FACET_SIZE),
        "street": TermsFacet(field="streets", size=FACET_SIZE),
        "community": TermsFacet(field="communities", size=FACET_SIZE),
        "free": FreeFacet(field="is_free"),
        "mode": ModeFacet(field="mode"),
    }

    def __init__(self, document, using, query, groups, now, match_any=False):
        self.doc_types = [document]
        self.match_any = match_any
        self.index = document._index._name
        self.using = using
        self.service_query = query
        self.now = now
        super().__init__(
            groups or None,
            filters={
                "category": list(query.categories),
                "street": list(query.streets),
                "community": list(query.communities),
                "free": query.free,
                "mode": list(query.modes),
            },
            sort=self.order(query.sort, bool(groups)),
        )
        start, size = query.offset, query.page_size
        if start + size > MAX_RESULT_WINDOW:
            # Past the last page Elasticsearch will give: no hits, but still the total and the counts.
            start = size = 0
        self[start : start + size]

    @staticmethod
    def order(sort, has_text):
        if sort == "soonest":
            return [{"next_slot_at": {"order": "asc", "missing": "_last"}}, "id"]
        if sort == "newest":
            return ["-created", "-id"]
        return ["_score", "-popularity", "id"] if has_text else ["-popularity", "id"]

    def search(self):
        """The filters that are not facets: they narrow the counts as well as the hits."""
        query = self.service_query
        # Only ids come back: the page is read from the database, in this order.
        search = super().search().extra(track_total_hits=True).source(False)
        if query.providers:
            search = search.filter("terms", providers=[str(provider) for provider in query.providers])
        if query.available_within_days is not None:
            until = self.now + timedelta(days=query.available_within_days)
            search = search.filter("range", next_slot_at={"gt": _iso(self.now), "lte": _iso(until)})
        return search

    def query(self, search, groups):
        return search.query(text_query(groups, self.match_any))

    def aggregate(self, search):
        if self.service_query.facets:
            super().aggregate(search)


def _reason(error):
    """What went wrong, without the request or the documents (a query may carry a resident's words)."""
    if isinstance(error, ApiError):
        return f"{error.status_code} {error.message}"
    if isinstance(error, BulkIndexError):
        failures = sorted(
            {
                f"{item.get('status')} {(item.get('error') or {}).get('type', '')}".strip()
                for failure in error.errors
                for item in failure.values()
            }
        )
        return f"{len(error.errors)} documents failed: {', '.join(failures)}"
    return type(error).__name__


class ElasticsearchBackend(Backend):
    external = True

    def __init__(self, client, index, analyzer_setting="cjk"):
        self.client = client
        self.document = service_document(index, analyzer_setting)
        self.index = index

    @classmethod
    def from_settings(cls):
        if not settings.SEARCH_ES_URL:
            raise ImproperlyConfigured(
                "SEARCH_BACKEND is 'elasticsearch' but SEARCH_ES_URL is empty: "
                "set it to the cluster's address, e.g. http://127.0.0.1:9200"
            )
        client = Elasticsearch(
            settings.SEARCH_ES_URL,
            # HTTP through requests rather than urllib3, so that tests can stand in for
            # the cluster with the responses library.
            node_class="requests",
            request_timeout=settings.SEARCH_ES_TIMEOUT,
        )
        return cls(client, settings.SEARCH_ES_INDEX, settings.SEARCH_ES_ANALYZER)

    def search(self, query, groups, now, match_any=False):
        search = ServiceSearch(self.document, self.client, query, groups, now, match_any)
        try:
            response = search.execute()
        except (ApiError, TransportError) as error:
            logger.warning("Elasticsearch could not search %s: %s", self.index, _reason(error))
            raise SearchUnavailable(_reason(error)) from error
        facets = {}
        if query.facets:
            facets = {
                name: {str(value): count for value, count, _selected in response.facets[name]}
                for name in ServiceSearch.facets
            }
        return RawResult(ids=[int(hit.meta.id) for hit in response], total=response.hits.total.value, facets=facets)

    def suggest(self, prefix, limit):
        search = (
            Search(using=self.client, index=self.index)
            .query(Match(suggest=prefix))
            .sort("_score", "-popularity", "id")
            .source(False)[:limit]
        )
        try:
            response = search.execute()
        except (ApiError, TransportError) as error:
            logger.warning("Elasticsearch could not suggest from %s: %s", self.index, _reason(error))
            raise SearchUnavailable(_reason(error)) from error
        return [int(hit.meta.id) for hit in response]

    def sync(self, documents, gone_ids):
        actions = [
            {"_index": self.index, "_id": document["id"], "_source": _source(document)} for document in documents
        ]
        actions += [{"_op_type": "delete", "_index": self.index, "_id": pk} for pk in gone_ids]
        self._write(actions)

    def update_availability(self, next_slots):
        self._write(
            [
                {"_op_type": "update", "_index": self.index, "_id": pk, "doc": {"next_slot_at": _iso(start)}}
                for pk, start in next_slots.items()
            ]
        )

    def _write(self, actions):
        if not actions:
            return
        try:
            # 404: deleting a service the index never had, or updating one it does not have
            # yet (the next save or rebuild writes it whole).
            bulk(self.client, actions, ignore_status=(404,))
        except (ApiError, TransportError, BulkIndexError) as error:
            logger.error("Elasticsearch could not write %d changes to %s: %s", len(actions), self.index, _reason(error))
            raise SearchUnavailable(_reason(error)) from error

    def reset(self):
        try:
            self.client.options(ignore_status=404).indices.delete(index=self.index)
            self.document.init(using=self.client)
        except (ApiError, TransportError) as error:
            logger.error("Elasticsearch could not recreate %s: %s", self.index, _reason(error))
            raise SearchUnavailable(_reason(error)) from error


def _source(document):
    return {
        **document,
        "min_price": float(document["min_price"]) if document["min_price"] is not None else None,
        "next_slot_at": _iso(document["next_slot_at"]),
        "created": _iso(document["created"]),
    }

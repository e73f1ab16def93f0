"""The Elasticsearch backend without a cluster: the index and requests it sends, the answers it reads.

``responses`` stands in for the cluster (the client speaks HTTP through
requests); request bodies are compared with the JSON a cluster would get.
"""

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
import responses
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from catalog.services import create_service
from search import documents
from search.backends import SearchUnavailable, _backend, get_backend
from search.backends.elastic import ElasticsearchBackend, service_document
from search.query import ServiceQuery
from search.services import expanded, search_services, suggest

CLUSTER = "http://search.test:9200"
INDEX = "panlong-services"
SEARCH_URL = f"{CLUSTER}/{INDEX}/_search"
# The client refuses any answer that does not say it comes from Elasticsearch.
PRODUCT = {"X-Elastic-Product": "Elasticsearch"}
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ELASTIC = {"SEARCH_BACKEND": "elasticsearch", "SEARCH_ES_URL": CLUSTER, "SEARCH_ES_INDEX": INDEX}

NGRAM_SUBFIELD = {"ngram": {"type": "text", "analyzer": "service_ngram"}}
CJK_INDEX = {
    "settings": {
        "analysis": {
            "analyzer": {
                "service_ngram": {"type": "custom", "tokenizer": "service_ngram", "filter": ["lowercase"]},
                "service_suggest": {
                    "type": "custom",
                    "tokenizer": "keyword",
                    "filter": ["lowercase", "service_suggest_prefixes"],
                },
                "service_suggest_typed": {
                    "type": "custom",
                    "tokenizer": "keyword",
                    "filter": ["lowercase", "service_suggest_truncate"],
                },
            },
            "tokenizer": {
                "service_ngram": {"type": "ngram", "min_gram": 1, "max_gram": 2, "token_chars": ["letter", "digit"]}
            },
            "filter": {
                "service_suggest_prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": 30},
                "service_suggest_truncate": {"type": "truncate", "length": 30},
            },
        }
    },
    "mappings": {
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "text", "analyzer": "cjk", "fields": NGRAM_SUBFIELD},
            "summary": {"type": "text", "analyzer": "cjk", "fields": NGRAM_SUBFIELD},
            "body": {"type": "text", "analyzer": "cjk", "fields": NGRAM_SUBFIELD},
            "title_en": {"type": "text", "analyzer": "english"},
            "summary_en": {"type": "text", "analyzer": "english"},
            "categories": {"type": "keyword"},
            "sectors": {"type": "keyword"},
            "streets": {"type": "keyword"},
            "communities": {"type": "keyword"},
            "providers": {"type": "keyword"},
            "is_free": {"type": "boolean"},
            "mode": {"type": "keyword"},
            "min_price": {"type": "scaled_float", "scaling_factor": 100},
            "next_slot_at": {"type": "date"},
            "created": {"type": "date"},
            "popularity": {"type": "integer"},
            "suggest": {"type": "text", "analyzer": "service_suggest", "search_analyzer": "service_suggest_typed"},
        }
    },
}
IK_TEXT = {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart", "fields": NGRAM_SUBFIELD}

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
BY_RELEVANCE = ["_score", {"popularity": {"order": "desc"}}, "id"]
BY_POPULARITY = [{"popularity": {"order": "desc"}}, "id"]


def matching(token):
    return {"multi_match": {"query": token, "fields": TEXT_FIELDS, "operator": "and"}}


def answer(ids, total=None, aggregations=None):
    """A search response as Elasticsearch 9 writes it (with _source off)."""
    body = {
        "took": 3,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(ids) if total is None else total, "relation": "eq"},
            "max_score": None,
            "hits": [
                {"_index": INDEX, "_id": str(pk), "_score": None, "sort": [position]} for position, pk in enumerate(ids)
            ],
        },
    }
    if aggregations is not None:
        body["aggregations"] = aggregations
    return body


def counted(name, buckets):
    """A facet's counts as FacetedSearch asks for them: terms inside the filter of the other facets' choices."""
    return {
        f"_filter_{name}": {
            "doc_count": 3,
            name: {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": buckets},
        }
    }


def aggregations():
    return {
        **counted("category", [{"key": "legal", "doc_count": 2}, {"key": "health", "doc_count": 1}]),
        **counted("street", [{"key": "tuodong", "doc_count": 3}, {"key": "gulou", "doc_count": 1}]),
        **counted("community", [{"key": "tuodong-jinma", "doc_count": 2}]),
        **counted(
            "free",
            [{"key": 1, "key_as_string": "true", "doc_count": 2}, {"key": 0, "key_as_string": "false", "doc_count": 1}],
        ),
        **counted(
            "mode",
            [{"key": "onsite", "doc_count": 1}, {"key": "both", "doc_count": 1}, {"key": "online", "doc_count": 1}],
        ),
    }


@pytest.fixture
def cluster():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def backend(settings):
    settings.SEARCH_ES_URL = CLUSTER
    settings.SEARCH_ES_INDEX = INDEX
    settings.SEARCH_ES_ANALYZER = "cjk"
    return ElasticsearchBackend.from_settings()


@pytest.fixture
def fresh_backends():
    # get_backend keeps one backend per name; these tests change the settings it was built from.
    _backend.cache_clear()
    yield
    _backend.cache_clear()


def sent(call):
    return json.loads(call.request.body)


def bulk_lines(call):
    body = call.request.body
    body = body.decode() if isinstance(body, bytes) else body
    return [json.loads(line) for line in body.splitlines() if line]


# The index


def test_the_index_cuts_chinese_with_cjk_and_keeps_one_and_two_character_grams():
    assert service_document(INDEX, "cjk")._index.to_dict() == CJK_INDEX


def test_with_ik_the_text_fields_cut_words_with_ik_and_keep_the_grams():
    expected = {
        "settings": CJK_INDEX["settings"],
        "mappings": {
            "properties": {
                **CJK_INDEX["mappings"]["properties"],
                "title": IK_TEXT,
                "summary": IK_TEXT,
                "body": IK_TEXT,
            }
        },
    }

    assert service_document(INDEX, "ik")._index.to_dict() == expected


def test_an_unknown_analyzer_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="SEARCH_ES_ANALYZER"):
        service_document(INDEX, "smartcn")


def test_elasticsearch_without_an_address_is_a_configuration_error(settings):
    settings.SEARCH_ES_URL = ""

    with pytest.raises(ImproperlyConfigured, match="SEARCH_ES_URL is empty"):
        ElasticsearchBackend.from_settings()


# What a search asks the cluster


@pytest.mark.django_db
def test_a_phrase_asks_for_each_of_its_words_in_any_text_field(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.search(ServiceQuery(q="法律咨询", facets=False), expanded("法律咨询"), NOW)

    assert sent(cluster.calls[0]) == {
        "query": {"bool": {"must": [matching("法律"), matching("咨询")]}},
        "sort": BY_RELEVANCE,
        "track_total_hits": True,
        "from": 0,
        "size": 20,
        "_source": False,
    }


@pytest.mark.django_db
def test_a_word_with_a_synonym_asks_for_either(backend, cluster):
    # 律师, 法律顾问 is one of the synonyms every district starts with.
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.search(ServiceQuery(q="律师", facets=False), expanded("律师"), NOW)

    assert sent(cluster.calls[0])["query"] == {
        "bool": {
            "should": [matching("律师"), {"bool": {"must": [matching("法律"), matching("顾问")]}}],
            "minimum_should_match": 1,
        }
    }


@pytest.mark.django_db
def test_a_query_relaxed_to_its_parts_asks_for_any_of_them(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.search(ServiceQuery(q="公证 疫苗", facets=False), expanded("公证 疫苗"), NOW, match_any=True)

    # Any part will do; the cluster scores a service by how many it has.
    assert sent(cluster.calls[0])["query"] == {
        "bool": {"should": [matching("公证"), matching("疫苗")], "minimum_should_match": 1}
    }


def test_chosen_facets_narrow_the_hits_and_every_other_facets_counts(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([], aggregations=aggregations()), headers=PRODUCT)
    category = {"terms": {"categories": ["legal"]}}
    street = {"terms": {"streets": ["tuodong"]}}
    free = {"terms": {"is_free": [True]}}

    backend.search(ServiceQuery(categories=("legal",), streets=("tuodong",), free=True), [], NOW)

    def within(choices, facet, terms):
        return {"filter": {"bool": {"must": choices}}, "aggs": {facet: {"terms": terms}}}

    assert sent(cluster.calls[0]) == {
        "post_filter": {"bool": {"must": [category, street, free]}},
        "aggs": {
            "_filter_category": within([street, free], "category", {"field": "sectors", "size": 500}),
            "_filter_street": within([category, free], "street", {"field": "streets", "size": 500}),
            "_filter_community": within([category, street, free], "community", {"field": "communities", "size": 500}),
            "_filter_free": within([category, street], "free", {"field": "is_free"}),
            "_filter_mode": within([category, street, free], "mode", {"field": "mode"}),
        },
        "sort": BY_POPULARITY,
        "track_total_hits": True,
        "from": 0,
        "size": 20,
        "_source": False,
    }


def test_on_site_also_finds_services_offered_both_ways(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.search(ServiceQuery(modes=("onsite",), facets=False), [], NOW)

    assert sent(cluster.calls[0])["post_filter"] == {"terms": {"mode": ["both", "onsite"]}}


def test_providers_and_availability_filter_the_counts_as_well_as_the_hits(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.search(ServiceQuery(providers=(7, 9), available_within_days=7, facets=False), [], NOW)

    assert sent(cluster.calls[0])["query"] == {
        "bool": {
            "filter": [
                {"terms": {"providers": ["7", "9"]}},
                {"range": {"next_slot_at": {"gt": "2026-03-02T01:00:00+00:00", "lte": "2026-03-09T01:00:00+00:00"}}},
            ]
        }
    }


def test_soonest_first_on_page_three(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([], total=45), headers=PRODUCT)

    backend.search(ServiceQuery(sort="soonest", page=3, facets=False), [], NOW)

    assert sent(cluster.calls[0]) == {
        "sort": [{"next_slot_at": {"order": "asc", "missing": "_last"}}, "id"],
        "track_total_hits": True,
        "from": 40,
        "size": 20,
        "_source": False,
    }


def test_newest_first(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.search(ServiceQuery(sort="newest", facets=False), [], NOW)

    assert sent(cluster.calls[0])["sort"] == [{"created": {"order": "desc"}}, {"id": {"order": "desc"}}]


def test_a_page_beyond_what_elasticsearch_pages_to_is_empty_but_still_counted(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([], total=12_000), headers=PRODUCT)

    raw = backend.search(ServiceQuery(page=501, facets=False), [], NOW)

    assert (sent(cluster.calls[0])["from"], sent(cluster.calls[0])["size"]) == (0, 0)
    assert (raw.ids, raw.total) == ([], 12_000)


def test_suggestions_ask_for_titles_with_a_key_starting_with_the_prefix(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([]), headers=PRODUCT)

    backend.suggest("falv", 8)

    assert sent(cluster.calls[0]) == {
        "query": {"match": {"suggest": "falv"}},
        "sort": BY_RELEVANCE,
        "size": 8,
        "_source": False,
    }


# What the cluster answers


def test_the_answer_gives_ids_in_order_the_total_and_the_counts(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([12, 3, 8], total=3, aggregations=aggregations()), headers=PRODUCT)

    raw = backend.search(ServiceQuery(q="法律"), [[["法律"]]], NOW)

    assert raw.ids == [12, 3, 8]
    assert raw.total == 3
    assert raw.facets == {
        "category": {"legal": 2, "health": 1},
        "street": {"tuodong": 3, "gulou": 1},
        "community": {"tuodong-jinma": 2},
        "free": {"true": 2, "false": 1},
        # The service offered both ways counts for each.
        "mode": {"onsite": 2, "online": 2},
    }


def test_suggestions_come_back_in_the_clusters_order(backend, cluster):
    cluster.post(SEARCH_URL, json=answer([5, 2]), headers=PRODUCT)

    assert backend.suggest("fl", 8) == [5, 2]


@pytest.fixture
def services(sector):
    return {
        title: create_service(title, sector, summary=summary)
        for title, summary in (
            ("免费法律咨询", "社区律师一对一免费解答法律问题"),
            ("法律援助申请", "经济困难群众可申请免费代理诉讼"),
            ("人民调解", "邻里纠纷的调解"),
        )
    }


@override_settings(**ELASTIC)
def test_the_search_page_shows_the_services_elasticsearch_found_in_its_order(services, cluster, fresh_backends):
    found = [services["法律援助申请"].pk, services["免费法律咨询"].pk]
    cluster.post(SEARCH_URL, json=answer(found, aggregations=aggregations()), headers=PRODUCT)

    result = search_services(ServiceQuery(q="法律"))

    assert [hit.product.title for hit in result.hits] == ["法律援助申请", "免费法律咨询"]
    assert result.hits[1].title_html == "免费<mark>法律</mark>咨询"
    assert result.count == 2
    assert {"value": "legal", "label": "法律服务", "count": 2, "selected": False} in result.facets["category"]
    assert get_backend().external


@override_settings(**ELASTIC)
def test_a_query_nothing_has_whole_is_asked_again_by_its_parts_and_the_page_says_so(
    services, cluster, fresh_backends, client
):
    cluster.post(SEARCH_URL, json=answer([], aggregations=aggregations()), headers=PRODUCT)
    cluster.post(SEARCH_URL, json=answer([services["人民调解"].pk], aggregations=aggregations()), headers=PRODUCT)

    response = client.get("/search/", {"q": "邻里吵架怎么办"})

    strict, relaxed = (sent(call)["query"] for call in cluster.calls)
    assert "must" in strict["bool"]
    assert relaxed["bool"]["minimum_should_match"] == 1
    # Two parts, any of which will do: 邻里 and 吵架 (with its synonyms 纠纷, 矛盾); 怎么办 says nothing of the need.
    parts = [json.dumps(part, ensure_ascii=False) for part in relaxed["bool"]["should"]]
    assert len(parts) == 2
    assert '"邻里"' in parts[0] and '"吵架"' in parts[1] and '"纠纷"' in parts[1]
    assert "怎么办" not in json.dumps(relaxed, ensure_ascii=False)
    text = response.content.decode()
    assert "没有完全符合“邻里吵架怎么办”的服务" in text
    assert "人民调解" in text


@override_settings(**ELASTIC)
def test_the_search_box_suggests_the_services_elasticsearch_found(services, cluster, fresh_backends):
    cluster.post(SEARCH_URL, json=answer([services["人民调解"].pk]), headers=PRODUCT)

    assert [product.title for product in suggest("rmtj")] == ["人民调解"]
    assert sent(cluster.calls[0])["query"] == {"match": {"suggest": "rmtj"}}


# Keeping the index in step


DOCUMENT = {
    "id": 3,
    "title": "免费法律咨询",
    "summary": "社区律师一对一免费解答法律问题",
    "title_en": "Free legal consultation",
    "summary_en": "A community lawyer answers your legal questions",
    "body": "婚姻家庭法律问题咨询 法律服务 拓东街道公共法律服务工作站",
    "categories": ["consultation", "legal"],
    "sectors": ["legal"],
    "streets": ["tuodong"],
    "communities": ["tuodong-jinma"],
    "providers": ["1"],
    "is_free": True,
    "mode": "onsite",
    "min_price": Decimal("0.00"),
    "next_slot_at": datetime(2026, 3, 3, 1, 30, tzinfo=UTC),
    "created": datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
    "popularity": 4,
    "suggest": ["免费法律咨询", "mianfeifalvzixun", "mfflzx", "法律咨询", "falvzixun", "flzx", "咨询", "zixun", "zx"],
}


def test_sync_indexes_changed_services_and_deletes_gone_ones(backend, cluster):
    cluster.put(
        f"{CLUSTER}/_bulk",
        json={
            "errors": True,
            "took": 4,
            "items": [
                {"index": {"_index": INDEX, "_id": "3", "status": 201, "result": "created"}},
                # Never indexed: nothing to delete, nothing wrong.
                {"delete": {"_index": INDEX, "_id": "7", "status": 404, "result": "not_found"}},
            ],
        },
        headers=PRODUCT,
    )

    backend.sync([DOCUMENT], [7])

    assert bulk_lines(cluster.calls[0]) == [
        {"index": {"_index": INDEX, "_id": 3}},
        {
            **DOCUMENT,
            "min_price": 0.0,
            "next_slot_at": "2026-03-03T01:30:00+00:00",
            "created": "2026-01-05T08:00:00+00:00",
        },
        {"delete": {"_index": INDEX, "_id": 7}},
    ]


def test_availability_changes_are_partial_updates(backend, cluster):
    cluster.put(
        f"{CLUSTER}/_bulk",
        json={
            "errors": False,
            "took": 2,
            "items": [
                {"update": {"_index": INDEX, "_id": "3", "status": 200, "result": "updated"}},
                {"update": {"_index": INDEX, "_id": "4", "status": 200, "result": "updated"}},
            ],
        },
        headers=PRODUCT,
    )

    backend.update_availability({3: datetime(2026, 3, 4, 2, 0, tzinfo=UTC), 4: None})

    assert bulk_lines(cluster.calls[0]) == [
        {"update": {"_index": INDEX, "_id": 3}},
        {"doc": {"next_slot_at": "2026-03-04T02:00:00+00:00"}},
        {"update": {"_index": INDEX, "_id": 4}},
        {"doc": {"next_slot_at": None}},
    ]


def test_nothing_to_write_sends_nothing(backend, cluster):
    backend.sync([], [])
    backend.update_availability({})

    assert len(cluster.calls) == 0


def test_a_document_the_cluster_refuses_is_logged_without_its_text_and_raised(backend, cluster, caplog):
    error = {
        "type": "document_parsing_exception",
        "reason": "[1:120] failed to parse field [created] of type [date]. Preview of field's value: '免费法律咨询'",
    }
    cluster.put(
        f"{CLUSTER}/_bulk",
        json={
            "errors": True,
            "took": 1,
            "items": [{"index": {"_index": INDEX, "_id": "3", "status": 400, "error": error}}],
        },
        headers=PRODUCT,
    )

    with caplog.at_level(logging.ERROR, logger="search.backends.elastic"), pytest.raises(SearchUnavailable):
        backend.sync([DOCUMENT], [])

    assert "1 documents failed: 400 document_parsing_exception" in caplog.text
    assert "免费法律咨询" not in caplog.text


def test_reset_deletes_the_index_and_creates_it_with_the_mapping(backend, cluster):
    cluster.delete(
        f"{CLUSTER}/{INDEX}",
        json={"error": {"type": "index_not_found_exception"}, "status": 404},
        status=404,
        headers=PRODUCT,
    )
    cluster.head(f"{CLUSTER}/{INDEX}", status=404, headers=PRODUCT)
    cluster.put(f"{CLUSTER}/{INDEX}", json={"acknowledged": True, "index": INDEX}, headers=PRODUCT)

    backend.reset()

    assert [(call.request.method, call.request.url) for call in cluster.calls] == [
        ("DELETE", f"{CLUSTER}/{INDEX}"),
        ("HEAD", f"{CLUSTER}/{INDEX}"),
        ("PUT", f"{CLUSTER}/{INDEX}"),
    ]
    assert sent(cluster.calls[2]) == CJK_INDEX


@override_settings(**ELASTIC)
def test_rebuilding_sends_every_public_service_once_committed(
    services, cluster, fresh_backends, django_capture_on_commit_callbacks
):
    cluster.delete(f"{CLUSTER}/{INDEX}", json={"acknowledged": True}, headers=PRODUCT)
    cluster.head(f"{CLUSTER}/{INDEX}", status=404, headers=PRODUCT)
    cluster.put(f"{CLUSTER}/{INDEX}", json={"acknowledged": True, "index": INDEX}, headers=PRODUCT)
    cluster.put(f"{CLUSTER}/_bulk", json={"errors": False, "took": 3, "items": []}, headers=PRODUCT)
    services["免费法律咨询"].title_en = "Free legal consultation"
    services["免费法律咨询"].save()

    with django_capture_on_commit_callbacks(execute=True):
        documents.rebuild()
        # Nothing is written to the index before the documents are committed.
        assert len(cluster.calls) == 3

    lines = bulk_lines(cluster.calls[3])
    indexed = {line["_id"] for line in (op["index"] for op in lines[::2])}
    assert indexed == {service.pk for service in services.values()}
    sources = {source["title"]: source for source in lines[1::2]}
    assert set(sources) == set(services)
    assert sources["免费法律咨询"]["suggest"][:3] == ["免费法律咨询", "mianfeifalvzixun", "mfflzx"]
    # Its English name is indexed, for English searches and suggestions.
    assert sources["免费法律咨询"]["title_en"] == "Free legal consultation"
    assert "legalconsultation" in sources["免费法律咨询"]["suggest"]


# When the cluster cannot answer


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.exceptions.ConnectionError("Connection refused")},
        {"body": requests.exceptions.ReadTimeout("Read timed out")},
        {"status": 503, "json": {"error": {"type": "cluster_block_exception"}, "status": 503}, "headers": PRODUCT},
    ],
    ids=["refused", "timeout", "unavailable"],
)
def test_a_cluster_that_cannot_answer_makes_search_unavailable_not_an_error_page(backend, cluster, failure):
    cluster.post(SEARCH_URL, **failure)

    with pytest.raises(SearchUnavailable):
        backend.search(ServiceQuery(q="法律"), [[["法律"]]], NOW)
    with pytest.raises(SearchUnavailable):
        backend.suggest("fl", 8)


def test_a_cluster_that_cannot_be_written_to_raises_search_unavailable(backend, cluster):
    cluster.put(f"{CLUSTER}/_bulk", body=requests.exceptions.ConnectionError("Connection refused"))

    with pytest.raises(SearchUnavailable):
        backend.sync([DOCUMENT], [])


@override_settings(**ELASTIC)
def test_an_editors_change_stands_when_the_cluster_is_down(
    services, cluster, fresh_backends, django_capture_on_commit_callbacks, caplog
):
    from search.models import ServiceDocument

    cluster.put(f"{CLUSTER}/_bulk", body=requests.exceptions.ConnectionError("Connection refused"))
    service = services["免费法律咨询"]

    with caplog.at_level(logging.WARNING, logger="search.documents"):
        with django_capture_on_commit_callbacks(execute=True):
            service.title = "免费法律咨询（周末）"
            service.save()

    service.refresh_from_db()
    assert service.title == "免费法律咨询（周末）"
    assert ServiceDocument.objects.get(product=service).title == "免费法律咨询（周末）"
    assert "run rebuild_search_index" in caplog.text

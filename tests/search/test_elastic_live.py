"""The Elasticsearch backend against a real cluster, on the fixed Chinese corpus (tests/search/conftest.py).

Runs only when SEARCH_ES_URL points at a cluster (README: "Search against
Elasticsearch"); the index used is SEARCH_ES_INDEX with "-test" appended,
deleted afterwards. What residents find must match what the database
backend finds, counts included.
"""

import os

import pytest

from search import documents
from search.backends import _backend, get_backend
from search.services import ServiceQuery, search_services, suggest

pytestmark = pytest.mark.skipif(
    not os.environ.get("SEARCH_ES_URL"),
    reason="needs a running Elasticsearch: set SEARCH_ES_URL=http://127.0.0.1:9200 (see README)",
)


@pytest.fixture
def elastic(corpus, settings, django_capture_on_commit_callbacks):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.SEARCH_ES_INDEX = f"{settings.SEARCH_ES_INDEX}-test"
    _backend.cache_clear()
    backend = get_backend()
    # The index hears of documents once they are committed; the test's transaction never is.
    with django_capture_on_commit_callbacks(execute=True):
        documents.rebuild()
    backend.client.indices.refresh(index=backend.index)
    yield backend
    backend.client.options(ignore_status=404).indices.delete(index=backend.index)
    _backend.cache_clear()


def titles(q, **filters):
    return [hit.product.title for hit in search_services(ServiceQuery(q=q, **filters)).hits]


def counts(result):
    return {name: {choice["value"]: choice["count"] for choice in choices} for name, choices in result.facets.items()}


def test_every_public_service_is_indexed(elastic):
    assert elastic.client.count(index=elastic.index)["count"] == documents.public_products().count()


def test_a_single_character_finds_the_words_that_contain_it(elastic):
    found = set(titles("律"))

    # 公证预约 is found by its sector, 法律服务, which its text carries.
    assert found == {"免费法律咨询", "法律援助申请", "公证预约", "人民调解"}


def test_lawyer_also_finds_the_service_that_says_legal_adviser(elastic):
    assert set(titles("律师")) == {"免费法律咨询", "法律援助申请", "人民调解"}


def test_legal_consultation_ranks_the_service_named_for_it_first(elastic):
    assert titles("法律咨询") == ["免费法律咨询", "法律援助申请"]


def test_pinyin_suggests_the_services_whose_words_it_spells(elastic):
    assert {product.title for product in suggest("falv")} == {"免费法律咨询", "法律援助申请"}
    assert [product.title for product in suggest("rmtj")] == ["人民调解"]


def test_a_query_no_service_has_whole_finds_those_with_most_of_its_parts_first(elastic):
    result = search_services(ServiceQuery(q="儿童 疫苗 律师"))

    assert result.relaxed and result.parts == ["儿童", "疫苗", "律师"]
    assert result.hits[0].product.title == "儿童预防接种"


def test_english_words_find_a_service_by_its_english_name(elastic, corpus, django_capture_on_commit_callbacks):
    service = corpus["免费法律咨询"]
    service.title_en = "Free legal consultation"
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        documents.save([service.pk])
    elastic.client.indices.refresh(index=elastic.index)

    assert titles("legal consultation")[0] == "免费法律咨询"
    # The English analyzer stems: the plural finds the singular.
    assert titles("consultations") == ["免费法律咨询"]


def test_a_chosen_street_counts_the_other_streets_as_if_it_were_not_chosen(elastic):
    result = search_services(ServiceQuery(q="法律", streets=("tuodong",)))

    assert {hit.product.title for hit in result.hits} == {"免费法律咨询", "法律援助申请"}
    assert counts(result)["street"] == {"tuodong": 2, "gulou": 2}
    assert counts(result)["community"] == {"tuodong-jinma": 2}


def test_a_service_offered_both_ways_counts_for_either_mode(elastic):
    result = search_services(ServiceQuery(free=True, modes=("online",)))

    assert {hit.product.title for hit in result.hits} == {"家庭医生签约", "城乡居民基本医疗保险参保缴费"}
    assert counts(result)["mode"] == {"onsite": 8, "online": 2}


@pytest.mark.parametrize(
    "query",
    [
        ServiceQuery(streets=("tuodong",)),
        ServiceQuery(categories=("checkup",)),
        ServiceQuery(free=True, modes=("online",)),
        ServiceQuery(q="体检", modes=("onsite",)),
        ServiceQuery(q="律"),
        ServiceQuery(q="儿童 疫苗 律师"),
    ],
    ids=["street", "sub-category", "free-online", "text-and-mode", "one-character", "relaxed"],
)
def test_elasticsearch_finds_and_counts_what_the_database_finds_and_counts(elastic, settings, query):
    by_elastic = search_services(query)
    settings.SEARCH_BACKEND = "database"
    by_database = search_services(query)

    assert by_elastic.count == by_database.count
    assert {hit.product.pk for hit in by_elastic.hits} == {hit.product.pk for hit in by_database.hits}
    assert counts(by_elastic) == counts(by_database)

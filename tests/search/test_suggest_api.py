"""GET /api/v1/suggest: what the search boxes offer as a resident types, in characters, pinyin or initials."""

import pytest

from tests.marketplace.api.conftest import API, assert_error


def names(client, q):
    response = client.get(f"{API}/suggest", {"q": q})
    assert response.status_code == 200, response.content
    return [result["name"] for result in response.json()["results"]]


@pytest.mark.parametrize("typed", ["法律", "falv", "fl", "FaLv", "免费", "mianfei", "mf"])
def test_the_free_legal_consultation_is_offered_for_its_characters_pinyin_or_initials(client, corpus, typed):
    assert "免费法律咨询" in names(client, typed)


def test_a_suggestion_carries_the_service_and_where_it_lives(client, corpus):
    response = client.get(f"{API}/suggest", {"q": "gongzheng"})

    assert response.json() == {
        "results": [
            {
                "id": corpus["公证预约"].pk,
                "name": "公证预约",
                "url": corpus["公证预约"].get_absolute_url(),
            }
        ]
    }


def test_only_services_that_start_a_word_with_what_was_typed(client, corpus):
    found = names(client, "tijian")

    assert "65岁以上老年人免费健康体检" in found
    assert "免费法律咨询" not in found
    assert names(client, "zzz") == []


def test_at_most_eight_suggestions(client, corpus):
    from catalog.services import create_service

    for number in range(10):
        create_service(f"法律讲座{number}", corpus.categories["legal"])

    assert len(names(client, "fl")) == 8


@pytest.mark.parametrize("query", [{"q": ""}, {"q": "   "}, {}, {"q": "f" * 51}])
def test_an_empty_missing_or_too_long_prefix_is_a_400_with_a_reason(client, db, query):
    body = assert_error(client.get(f"{API}/suggest", query), 400, "invalid")

    assert "q" in body["detail"]


def test_fifty_characters_are_still_a_prefix(client, corpus):
    assert names(client, "f" * 50) == []


def test_a_search_cluster_that_is_down_is_a_503_not_a_500(client, db, unreachable_cluster):
    assert_error(client.get(f"{API}/suggest", {"q": "falv"}), 503, "search_unavailable")
    assert_error(client.get(f"{API}/services", {"q": "法律"}), 503, "search_unavailable")

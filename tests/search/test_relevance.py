"""What residents type, and what they must find first, on a fixed Chinese corpus (tests/search/conftest.py)."""

import pytest
from django.db import connection

from search.models import Synonym
from search.services import ServiceQuery, search_services, suggest
from tests.conftest import database_vendor


def titles(q, **filters):
    return [hit.product.title for hit in search_services(ServiceQuery(q=q, **filters)).hits]


def test_legal_consultation_ranks_the_free_consultation_first(corpus):
    found = titles("法律咨询")

    assert found[0] == "免费法律咨询"
    # Legal aid mentions a consultation in its text: found, but after the service named for it.
    assert "法律援助申请" in found


def test_elderly_check_up_finds_the_over_65_check_up(corpus):
    # 老人 is not in the title (老年人 is): the default synonyms carry it.
    found = titles("老人体检")

    assert found[0] == "65岁以上老年人免费健康体检"
    assert "入职健康检查" not in found


def test_social_insurance_abbreviation_finds_pension_and_medical_insurance_enrolment(corpus):
    found = titles("社保")

    assert set(found[:2]) == {"城乡居民基本养老保险参保登记", "城乡居民基本医疗保险参保缴费"}


def test_lawyer_finds_services_that_mention_a_legal_adviser(corpus):
    found = titles("律师")

    # 人民调解 never says 律师: it says 法律顾问, a synonym.
    assert "人民调解" in found
    assert "免费法律咨询" in found
    assert "书法培训班" not in found


def test_check_up_finds_health_examinations_by_either_name(corpus):
    found = titles("体检")

    assert set(found) >= {"65岁以上老年人免费健康体检", "入职健康检查"}


def test_a_single_character_finds_the_words_that_contain_it(corpus):
    found = set(titles("律"))

    assert {"免费法律咨询", "法律援助申请", "人民调解"} <= found
    assert "书法培训班" not in found


def test_two_character_word_inside_a_longer_word(corpus):
    # 援助 sits inside 法律援助; 接种 inside 预防接种.
    assert titles("援助") == ["法律援助申请"]
    assert titles("接种") == ["儿童预防接种"]


def test_mixed_chinese_and_english(corpus):
    assert titles("English 英语")[0] == "少儿英语角 English Corner"
    assert titles("english")[0] == "少儿英语角 English Corner"
    assert titles("CORNER") == ["少儿英语角 English Corner"]


def test_every_word_must_match_before_the_query_is_relaxed(corpus):
    result = search_services(ServiceQuery(q="法律 援助"))

    assert [hit.product.title for hit in result.hits] == ["法律援助申请"]
    assert not result.relaxed


def test_title_matches_rank_above_body_matches(corpus):
    found = titles("调解")

    assert found[0] == "人民调解"


def test_an_editor_adds_a_synonym_and_the_next_search_uses_it(corpus):
    assert titles("打针") == []

    synonym = Synonym(terms="打针, 接种")
    synonym.full_clean()
    synonym.save()

    assert titles("打针") == ["儿童预防接种"]


def test_a_synonym_needs_two_words(corpus):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Synonym(terms="律师").full_clean()


def test_highlight_marks_the_words_and_their_synonyms(corpus):
    result = search_services(ServiceQuery(q="律师"))
    by_title = {hit.product.title: hit for hit in result.hits}

    assert "<mark>律师</mark>" in by_title["免费法律咨询"].summary_html
    assert "<mark>法律顾问</mark>" not in by_title["免费法律咨询"].summary_html


def test_highlight_escapes_what_the_service_says(corpus):
    service = corpus["书法培训班"]
    service.summary = "<script>书法</script>"
    service.save()

    hit = search_services(ServiceQuery(q="书法")).hits[0]

    assert "<script>" not in hit.summary_html
    assert "&lt;script&gt;<mark>书法</mark>" in hit.summary_html


@pytest.mark.parametrize("typed", ["falv", "fl", "法律", "FaLv", "fa lv"])
def test_suggestions_from_characters_pinyin_and_initials(corpus, typed):
    suggested = [product.title for product in suggest(typed)]

    assert "免费法律咨询" in suggested or "法律援助申请" in suggested
    assert all("法律" in title for title in suggested)


def test_suggestions_by_a_later_word_of_the_title(corpus):
    # 免费法律咨询 is suggested for 法律 and falv as well as for 免费 and mianfei.
    assert "免费法律咨询" in [product.title for product in suggest("mianfei")]
    assert "免费法律咨询" in [product.title for product in suggest("flzx")]


def test_nothing_is_suggested_for_nothing(corpus):
    assert suggest("") == []
    assert suggest("  ，") == []
    assert suggest("zzzz") == []


def test_words_that_never_meet_in_one_service_find_the_services_of_each(corpus):
    result = search_services(ServiceQuery(q="法律 疫苗"))

    assert result.relaxed and result.parts == ["法律", "疫苗"]
    found = [hit.product.title for hit in result.hits]
    assert {"免费法律咨询", "儿童预防接种"} <= set(found)
    assert "书法培训班" not in found


def test_zero_results_offer_what_would_find_something(corpus):
    result = search_services(ServiceQuery(q="法律 xyzzy", modes=("online",)))

    assert result.count == 0
    assert "法律" in result.corrections
    assert result.popular


def test_pinyin_typed_into_the_search_box_is_corrected_to_the_service(corpus):
    result = search_services(ServiceQuery(q="falvyuanzhu"))

    assert result.count == 0
    assert result.corrections == ["法律援助申请"]


def test_filters_that_exclude_everything_offer_the_search_without_them(corpus):
    result = search_services(ServiceQuery(q="公证", free=True))

    assert result.count == 0
    assert result.corrections == ["公证"]


@pytest.mark.skipif(database_vendor() != "postgresql", reason="the planner settings a search tunes are PostgreSQL's")
def test_a_search_inside_a_longer_transaction_leaves_the_planner_as_it_found_it(corpus):
    names = ("jit", "work_mem", "enable_seqscan")

    def planner():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s) ORDER BY name", [list(names)])
            return cursor.fetchall()

    before = planner()  # the test runs inside a transaction, as a request with ATOMIC_REQUESTS would
    assert titles("法律咨询") and titles("")
    assert planner() == before
    assert dict(before)["enable_seqscan"] == "on"


@pytest.mark.skipif(database_vendor() != "postgresql", reason="the planner settings a search tunes are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_search_in_its_own_transaction_leaves_the_connection_as_it_found_it(corpus):
    # No outer transaction (a request): the search's settings end with the transaction it opens.
    def planner():
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name = 'enable_seqscan'")
            return cursor.fetchone()[0]

    assert not connection.in_atomic_block
    assert titles("法律咨询") and titles("")
    assert planner() == "on"

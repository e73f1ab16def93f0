"""A need in a resident's own words finds the services for it; a search that finds nothing still helps.

Runs on the database backend (SQLite, or PostgreSQL with DATABASE_URL); the corpus is
tests/search/conftest.py plus the services a test adds. The everyday synonyms come from
the migration every site runs (search/migrations/0006_everyday_synonyms.py).
"""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.services import add_offering, create_service
from search.models import Synonym
from search.services import ServiceQuery, search_services


def titles(q, **filters):
    return [hit.product.title for hit in search_services(ServiceQuery(q=q, **filters)).hits]


@pytest.fixture
def everyday(corpus):
    """Services as the district names them, none in the words a worried resident types."""
    legal, education = corpus.categories["legal"], corpus.categories["education"]
    made = {}
    for title, category, summary in (
        ("劳动争议法律咨询", legal, "拖欠工资、工伤认定、解除劳动合同赔偿等问题，律师一对一解答。"),
        ("义务教育招生入学咨询", education, "适龄儿童上小学、初中的招生划片、入学条件和报名材料，一对一解答。"),
        ("婚姻家庭法律咨询", legal, "离婚、抚养、赡养、继承等家事问题，律师为您保密解答。"),
    ):
        made[title] = create_service(title, category, summary=summary)
        add_offering(made[title], corpus.providers["tuodong-legal"], Decimal("0"))
    return made


@pytest.mark.parametrize(
    "typed, wanted",
    [
        ("老板欠薪", "劳动争议法律咨询"),
        ("被公司辞退了怎么办", "劳动争议法律咨询"),
        ("孩子上学", "义务教育招生入学咨询"),
        ("我要立遗嘱", "公证预约"),
        ("离婚怎么办", "婚姻家庭法律咨询"),
        ("看病", "家庭医生签约"),
    ],
)
def test_a_need_in_everyday_words_finds_its_service_first(everyday, typed, wanted):
    assert titles(typed)[0] == wanted


def test_a_relaxed_search_says_which_parts_it_looked_for_and_puts_services_with_more_parts_first(corpus):
    result = search_services(ServiceQuery(q="儿童 疫苗 律师"))

    # No service has all three; the vaccination has two of them, the legal services one.
    assert result.relaxed
    assert result.parts == ["儿童", "疫苗", "律师"]
    found = [hit.product.title for hit in result.hits]
    assert found[0] == "儿童预防接种"
    assert "免费法律咨询" in found


def test_filler_words_and_single_characters_are_not_parts_of_their_own(corpus):
    result = search_services(ServiceQuery(q="请问怎么办理法律援助的"))

    assert "法律援助申请" in [hit.product.title for hit in result.hits]
    assert set(result.parts) <= {"法律", "援助", "法律援助"}


def test_a_query_found_whole_is_not_relaxed(corpus):
    result = search_services(ServiceQuery(q="法律援助"))

    assert not result.relaxed and result.parts == []


def test_relaxing_keeps_the_filters(corpus):
    found = titles("法律 疫苗", free=False)

    assert "公证预约" in found  # paid, and in the legal sector
    assert "免费法律咨询" not in found and "儿童预防接种" not in found


def test_an_editor_can_take_an_everyday_synonym_away(everyday):
    assert titles("老板欠薪")[0] == "劳动争议法律咨询"

    Synonym.objects.filter(terms__startswith="欠薪").delete()

    assert "劳动争议法律咨询" not in titles("老板欠薪")


# English


@pytest.fixture
def english_names(corpus):
    consultation = corpus["免费法律咨询"]
    consultation.title_en = "Free legal consultation"
    consultation.summary_en = "A community lawyer answers your legal questions one to one, free."
    consultation.save()
    legal = corpus.categories["legal"]
    legal.name_en = "Legal services"
    legal.save()
    return consultation


def test_english_words_find_a_service_by_its_english_name(english_names):
    assert titles("legal consultation")[0] == "免费法律咨询"
    assert titles("Consultation") == ["免费法律咨询"]


def search_page(client, language, q):
    client.cookies["django_language"] = language
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_english_page_shows_english_names_and_the_chinese_page_chinese(client, english_names):
    soup = search_page(client, "en", "legal consultation")
    first = soup.select_one("ol.search-results > li")
    assert " ".join(first.h2.get_text().split()) == "Free legal consultation"
    assert "A community lawyer answers" in first.get_text()
    assert "Legal services" in first.select_one(".service-facts").get_text()

    soup = search_page(client, "zh-hans", "legal consultation")
    assert " ".join(soup.select_one("ol.search-results > li").h2.get_text().split()) == "免费法律咨询"


def test_a_service_without_english_keeps_its_chinese_name_in_english(client, english_names):
    soup = search_page(client, "en", "援助")

    assert soup.select_one("ol.search-results > li").h2.get_text(strip=True) == "法律援助申请"


def test_the_api_names_services_and_sectors_in_the_requests_language(client, english_names):
    english = client.get("/api/v1/services", {"q": "legal consultation"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get("/api/v1/services", {"q": "legal consultation"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert english["results"][0]["name"] == "Free legal consultation"
    assert english["results"][0]["summary"].startswith("A community lawyer")
    assert english["results"][0]["category"] == {"slug": "legal", "name": "Legal services"}
    assert chinese["results"][0]["name"] == "免费法律咨询"
    assert chinese["results"][0]["category"]["name"] == "法律服务"


# The page, relaxed or empty


def test_the_page_says_no_exact_match_and_links_each_part(client, corpus):
    soup = search_page(client, "zh-hans", "法律 疫苗")

    note = soup.select_one(".search-relaxed")
    assert "没有完全符合“法律 疫苗”的服务" in note.get_text()
    assert [link.get_text() for link in note.find_all("a")] == ["法律", "疫苗"]
    assert note.find("a", string="疫苗")["href"] == "?q=%E7%96%AB%E8%8B%97"
    assert soup.select("ol.search-results > li")


def test_nothing_found_says_what_was_searched_and_offers_the_hotlines_and_the_sectors(client, corpus):
    soup = search_page(client, "en", "qwerty banana")

    help_text = " ".join(soup.select_one(".no-results").get_text(" ", strip=True).split())
    assert "No service matches “qwerty banana”." in help_text
    assert "We also looked for each part on its own: qwerty, banana." in help_text
    assert soup.select_one('.no-results a[href="tel:12348"]')
    sectors = {link.get_text(): link["href"] for link in soup.select(".search-sectors a")}
    assert set(sectors) == {"法律服务", "医疗健康", "社会保障", "文化", "教育"}
    assert sectors["法律服务"] == "/search/?category=legal"


def test_nothing_found_in_chinese_offers_the_same_help(client, corpus):
    soup = search_page(client, "zh-hans", "xyzzy")

    help_text = soup.select_one(".no-results").get_text(" ", strip=True)
    assert "没有找到与“xyzzy”相关的服务" in help_text
    assert "12348" in help_text and "公共法律服务热线" in help_text
    assert len(soup.select(".search-sectors a")) == 5

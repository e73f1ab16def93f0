"""A sector page lists its services through the site search, with the same filters, counts and pages."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import add_offering, create_service
from cms.models import SectorIndexPage, ServicePage
from tests.search.conftest import corpus, fresh_synonyms, open_slot  # noqa: F401 (fixtures)


@pytest.fixture
def legal_page(home_page, corpus):  # noqa: F811
    return home_page.add_child(
        instance=SectorIndexPage(title="法律服务", slug="legal", category=corpus.categories["legal"])
    )


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def visit(client, sector_page, params=None):
    response = client.get(sector_page.url, params or {})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return [item.h2.get_text(strip=True) for item in soup.select("ol.search-results > li")]


def facet_label(soup, name, value):
    box = soup.find("input", attrs={"type": "checkbox", "name": name, "value": value})
    return soup.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)


def test_a_sector_page_lists_the_services_of_its_sector_only(english, legal_page):
    soup = visit(english, legal_page)

    assert set(titles(soup)) == {"免费法律咨询", "法律援助申请", "人民调解", "公证预约"}
    assert soup.find(role="status").get_text(strip=True) == "4 services found"
    assert soup.select_one("label[for=search-q]").get_text(strip=True) == "Search in 法律服务"


def test_the_sector_is_fixed_so_it_is_not_a_facet_and_cannot_be_changed(english, legal_page):
    soup = visit(english, legal_page, {"category": "health"})

    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset.facet > legend")]
    assert legends == ["Street", "Price", "How"]
    assert soup.find("input", attrs={"name": "category"}) is None
    assert len(titles(soup)) == 4


def test_street_and_price_filters_with_counts_within_the_sector(english, legal_page):
    soup = visit(english, legal_page, {"street": "gulou"})

    assert set(titles(soup)) == {"人民调解", "公证预约"}
    assert facet_label(soup, "street", "tuodong") == "拓东街道 (2)"
    assert facet_label(soup, "street", "gulou") == "鼓楼街道 (2)"
    assert facet_label(soup, "free", "true") == "Free (1)"
    assert facet_label(soup, "community", "gulou-baita") == "白塔社区 (2)"

    paid = visit(english, legal_page, {"street": "gulou", "free": "false"})
    assert titles(paid) == ["公证预约"]
    [chip_label] = [chip["aria-label"] for chip in paid.select("a.filter-chip") if "Paid" in chip["aria-label"]]
    assert chip_label == "Remove filter: Paid"


def test_a_chip_removes_its_filter_and_stays_on_the_sector_page(english, legal_page):
    soup = visit(english, legal_page, {"street": "gulou", "free": "false"})
    chips = {chip["aria-label"]: chip["href"] for chip in soup.select("a.filter-chip")}

    response = english.get(legal_page.url + chips["Remove filter: 鼓楼街道"])

    after = BeautifulSoup(response.content, "html.parser")
    assert set(titles(after)) == {"公证预约"}
    assert "category" not in chips["Remove filter: 鼓楼街道"]


def test_words_search_within_the_sector(english, legal_page, corpus):  # noqa: F811
    soup = visit(english, legal_page, {"q": "免费"})

    found = titles(soup)
    assert "免费法律咨询" in found
    # Free check-ups are health, not legal.
    assert "65岁以上老年人免费健康体检" not in found
    assert soup.select_one("ol.search-results mark").get_text() == "免费"


def test_open_place_within_and_soonest_first(english, legal_page, corpus):  # noqa: F811
    open_slot(corpus["公证预约"], starts_in=timedelta(days=1))
    open_slot(corpus["人民调解"], starts_in=timedelta(days=5))

    assert titles(visit(english, legal_page, {"available_within_days": "3"})) == ["公证预约"]
    assert titles(visit(english, legal_page, {"sort": "soonest"}))[:2] == ["公证预约", "人民调解"]


def test_a_service_with_a_guide_page_links_to_it(english, legal_page, corpus):  # noqa: F811
    guide = legal_page.add_child(
        instance=ServicePage(title="免费法律咨询", slug="free-legal-consultation", product=corpus["免费法律咨询"])
    )

    soup = visit(english, legal_page, {"q": "法律咨询"})

    assert soup.select_one("ol.search-results h2 a")["href"] == guide.url


def test_pages_within_the_sector_keep_the_filters(english, legal_page, corpus):  # noqa: F811
    for number in range(20):
        add_offering(create_service(f"法律讲座{number}", corpus.categories["legal"]), corpus.providers["gulou-legal"])

    soup = visit(english, legal_page, {"street": "gulou"})

    assert len(titles(soup)) == 20
    next_link = soup.select_one('nav a[rel="next"]')["href"]
    assert "street=gulou" in next_link and "page=2" in next_link
    second = BeautifulSoup(english.get(legal_page.url + next_link).content, "html.parser")
    assert len(titles(second)) == 2


def test_a_sector_without_services_says_so_and_offers_popular_ones(english, home_page, corpus):  # noqa: F811
    education = home_page.add_child(
        instance=SectorIndexPage(title="教育", slug="education", category=corpus.categories["education"])
    )

    soup = visit(english, education)

    assert "No services are listed in this sector yet." in soup.select_one(".no-results").get_text()
    assert len(soup.select(".no-results ul.service-list > li")) == 6


@pytest.mark.parametrize("params", [{"page": "abc"}, {"sort": "bogus"}, {"street": "<b>"}, {"page": "500"}])
def test_unreadable_options_on_a_sector_page_still_list_the_sector(english, legal_page, params):
    assert len(titles(visit(english, legal_page, params))) == 4


def page_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), titles(BeautifulSoup(response.content, "html.parser"))


@pytest.mark.usefixtures("no_page_cache")
def test_query_count_does_not_grow_with_the_services_listed(client, home_page, sector, provider, make_slot):
    sector_page = home_page.add_child(instance=SectorIndexPage(title="法律服务", slug="legal", category=sector))

    def add(count, start):
        for number in range(start, start + count):
            service = create_service(f"法律咨询{number}", sector)
            make_slot(add_offering(service, provider), starts_in=timedelta(days=1, minutes=number))
            sector_page.add_child(instance=ServicePage(title=service.title, slug=f"s{number}", product=service))

    params = {"street": "tuodong", "sort": "soonest"}
    add(3, 0)
    page_queries(client, sector_page.url, params)  # the first request fills the synonym and site caches
    few, shown = page_queries(client, sector_page.url, params)
    assert len(shown) == 3
    add(22, 3)
    many, shown = page_queries(client, sector_page.url, params)
    assert len(shown) == 20
    assert many == few

"""The search page as a resident uses it: words, ticks, chips, pages, and help when nothing matches."""

from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from tests.search.conftest import open_slot

SEARCH = "/search/"

Product = get_model("catalogue", "Product")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def page(client, params=None, status=200):
    response = client.get(SEARCH, params or {})
    assert response.status_code == status, response.content[:500]
    return BeautifulSoup(response.content, "html.parser")


def hit_titles(soup):
    return [item.h2.get_text(strip=True) for item in soup.select("ol.search-results > li")]


def status_text(soup):
    return soup.find(role="status").get_text(" ", strip=True)


def checkbox(soup, name, value):
    return soup.find("input", attrs={"type": "checkbox", "name": name, "value": value})


def facet_label(soup, name, value):
    box = checkbox(soup, name, value)
    return soup.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)


def chips(soup):
    return {chip["aria-label"]: chip["href"] for chip in soup.select("a.filter-chip")}


def follow(client, href):
    assert href.startswith("?")
    return BeautifulSoup(client.get(SEARCH + href).content, "html.parser")


def test_words_found_are_marked_in_titles_and_summaries(english, corpus):
    soup = page(english, {"q": "法律咨询"})

    first = soup.select_one("ol.search-results > li")
    assert first.h2.get_text(strip=True) == "免费法律咨询"
    assert [mark.get_text() for mark in first.h2.find_all("mark")] == ["法律咨询"]
    assert first.h2.a["href"] == corpus["免费法律咨询"].get_absolute_url()
    assert first.select_one(".service-summary mark").get_text() == "法律"
    facts = first.select_one(".service-facts").get_text(" ", strip=True)
    assert "法律服务" in facts and "Free" in facts and "No open place yet" in facts
    assert "services found" in status_text(soup)


def test_a_title_is_escaped_and_only_the_marks_are_markup(english, sector, provider):
    add_offering(create_service("<b>法律</b> 讲座", sector), provider)

    soup = page(english, {"q": "法律"})

    [title] = soup.select("ol.search-results h2 a")
    assert title.find("b") is None
    assert "<b>" in title.get_text()
    assert title.find("mark").get_text() == "法律"


def test_results_show_price_providers_and_next_open_place(english, corpus):
    slot = open_slot(corpus["公证预约"], starts_in=timedelta(days=3))
    add_offering(corpus["公证预约"], corpus.providers["tuodong-legal"], Decimal("180.00"))

    soup = page(english, {"q": "公证"})

    facts = soup.select_one("ol.search-results .service-facts").get_text(" ", strip=True)
    assert "From ¥180.00" in facts
    assert "2 providers" in facts
    from django.utils import timezone

    assert timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M") in facts


def test_both_search_boxes_ask_for_suggestions_and_the_page_loads_the_script(english, corpus):
    soup = page(english)

    assert soup.select_one("#search-q")["data-suggest-url"] == "/api/v1/suggest"
    assert soup.select_one("#site-search-q")["data-suggest-url"] == "/api/v1/suggest"
    assert soup.find("script", src="/static/sitesearch/search.js")


def test_no_words_browses_every_service(english, corpus):
    soup = page(english)

    assert status_text(soup) == "12 services found"
    assert len(hit_titles(soup)) == 12
    assert not soup.select(".alert-warning")


def test_facets_are_fieldsets_with_counts_and_the_chosen_values_ticked(english, corpus):
    soup = page(english, {"street": "gulou", "free": "true"})

    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset.facet > legend")]
    assert legends == ["Sector", "Street", "Community", "Price", "How"]
    assert checkbox(soup, "street", "gulou").has_attr("checked")
    assert not checkbox(soup, "street", "tuodong").has_attr("checked")
    assert checkbox(soup, "free", "true").has_attr("checked")
    # Each count leaves out its own facet's filter: free services per street, Gulou's services by price.
    assert facet_label(soup, "street", "tuodong") == "拓东街道 (6)"
    assert facet_label(soup, "street", "gulou") == "鼓楼街道 (3)"
    assert facet_label(soup, "free", "false") == "Paid (3)"
    assert facet_label(soup, "community", "gulou-baita") == "白塔社区 (3)"
    assert status_text(soup) == "3 services found"


def test_communities_are_offered_only_once_a_street_is_chosen(english, corpus):
    assert checkbox(page(english), "community", "gulou-baita") is None
    assert checkbox(page(english, {"street": "gulou"}), "community", "gulou-baita") is not None


def test_every_control_has_a_label(english, corpus):
    soup = page(english, {"street": "tuodong"})

    form = soup.select_one("form.search-form")
    for control in form.find_all(["input", "select"]):
        assert soup.find("label", attrs={"for": control["id"]}), control


def test_two_streets_ticked_find_the_services_of_either(english, corpus):
    soup = page(english, {"street": ["tuodong", "gulou"]})

    assert status_text(soup) == "12 services found"
    assert checkbox(soup, "street", "tuodong").has_attr("checked")
    assert checkbox(soup, "street", "gulou").has_attr("checked")


def test_two_sectors_ticked_find_the_services_of_either(english, corpus):
    soup = page(english, {"category": ["legal", "culture"]})

    assert status_text(soup) == "6 services found"
    assert set(hit_titles(soup)) == {
        "免费法律咨询",
        "法律援助申请",
        "人民调解",
        "公证预约",
        "少儿英语角 English Corner",
        "书法培训班",
    }


def test_free_and_paid_both_ticked_is_no_filter(english, corpus):
    assert status_text(page(english, {"free": "false"})) == "3 services found"
    both = page(english, {"free": ["true", "false"]})
    assert status_text(both) == "12 services found"
    assert chips(both) == {}


def test_online_services_by_mode(english, corpus):
    soup = page(english, {"mode": "online"})

    assert set(hit_titles(soup)) == {"城乡居民基本医疗保险参保缴费", "家庭医生签约"}


def test_each_active_filter_is_a_chip_that_removes_only_itself(english, corpus):
    soup = page(english, {"q": "法律", "street": "tuodong", "category": ["legal", "health"]})

    found = chips(soup)
    assert set(found) == {"Remove filter: 拓东街道", "Remove filter: 法律服务", "Remove filter: 医疗健康"}

    without_street = follow(english, found["Remove filter: 拓东街道"])
    assert not checkbox(without_street, "street", "tuodong").has_attr("checked")
    assert checkbox(without_street, "category", "legal").has_attr("checked")
    assert checkbox(without_street, "category", "health").has_attr("checked")
    assert without_street.find("input", attrs={"name": "q"})["value"] == "法律"

    without_health = follow(english, found["Remove filter: 医疗健康"])
    assert checkbox(without_health, "category", "legal").has_attr("checked")
    assert not checkbox(without_health, "category", "health").has_attr("checked")
    assert checkbox(without_health, "street", "tuodong").has_attr("checked")

    cleared = follow(english, soup.select_one("a.filter-chips__clear")["href"])
    assert chips(cleared) == {}
    assert cleared.find("input", attrs={"name": "q"})["value"] == "法律"


def test_open_place_within_is_a_filter_with_a_chip(english, corpus):
    open_slot(corpus["人民调解"], starts_in=timedelta(days=2))
    open_slot(corpus["书法培训班"], starts_in=timedelta(days=10))

    soup = page(english, {"available_within_days": "7"})

    assert hit_titles(soup) == ["人民调解"]
    assert soup.select_one("#search-available option[selected]")["value"] == "7"
    [(name, href)] = chips(soup).items()
    assert name == "Remove filter: Open place within 7 days"
    assert status_text(follow(english, href)) == "12 services found"


def test_soonest_open_place_first_and_newest_first(english, corpus):
    open_slot(corpus["书法培训班"], starts_in=timedelta(days=1))
    open_slot(corpus["人民调解"], starts_in=timedelta(days=4))
    newest = create_service("法律讲座", corpus.categories["legal"])

    soonest = hit_titles(page(english, {"sort": "soonest"}))
    assert soonest[:2] == ["书法培训班", "人民调解"]

    assert hit_titles(page(english, {"sort": "newest"}))[0] == newest.title
    assert page(english, {"sort": "newest"}).select_one("#search-sort option[selected]")["value"] == "newest"


@pytest.fixture
def many_legal_services(corpus):
    provider = corpus.providers["tuodong-legal"]
    for number in range(21):
        add_offering(create_service(f"法律讲座第{number + 1}期", corpus.categories["legal"]), provider)
    # 4 legal services in the corpus and 21 more: two pages of 20.
    return 25


def test_pages_keep_every_filter(english, many_legal_services):
    first = page(english, {"q": "法律", "category": "legal", "street": "tuodong", "sort": "newest"})

    assert len(hit_titles(first)) == 20
    [link] = [a for a in first.select("nav .page-link") if a.get_text(strip=True) == "2"]
    assert "category=legal" in link["href"] and "street=tuodong" in link["href"] and "sort=newest" in link["href"]
    second = follow(english, link["href"])
    assert len(hit_titles(second)) == 3
    assert second.select_one("ol.search-results")["start"] == "21"
    assert second.select_one('nav [aria-current="page"]').get_text(strip=True) == "2"
    assert checkbox(second, "category", "legal").has_attr("checked")
    assert set(hit_titles(first)).isdisjoint(hit_titles(second))


def test_a_page_past_the_end_shows_the_last_page(english, many_legal_services):
    soup = page(english, {"category": "legal", "page": "99"})

    assert len(hit_titles(soup)) == 5
    assert soup.select_one('nav [aria-current="page"]').get_text(strip=True) == "2"


@pytest.mark.parametrize(
    ("params", "ignored"),
    [
        ({"page": "abc"}, "Page"),
        ({"page": "0"}, "Page"),
        ({"page": "99999999999999999999"}, "Page"),
        ({"sort": "bogus"}, "Sort by"),
        ({"available_within_days": "5"}, "Open place within"),
        ({"street": "<script>"}, "Street"),
        ({"free": "maybe"}, "Price"),
        ({"mode": "teleport"}, "How"),
        ({"q": "法" * 101}, "Search services"),
    ],
)
def test_unreadable_options_are_left_out_and_named(english, corpus, params, ignored):
    soup = page(english, params)

    assert status_text(soup) == "12 services found"
    warning = soup.select_one(".alert-warning").get_text(" ", strip=True)
    assert "could not be read" in warning and ignored in warning


def test_an_unknown_slug_matches_nothing_and_can_be_removed(english, corpus):
    soup = page(english, {"street": "nowhere"})

    assert status_text(soup) == "0 services found"
    assert not soup.select(".alert-warning")
    assert list(chips(soup)) == ["Remove filter: nowhere"]


def test_pinyin_that_finds_nothing_offers_the_service_it_spells_and_popular_ones(english, corpus):
    soup = page(english, {"q": "falv"})

    assert status_text(soup) == "0 services found"
    corrections = {a.get_text(): a["href"] for a in soup.select(".no-results p a")}
    assert "免费法律咨询" in corrections
    assert follow_absolute(english, corrections["免费法律咨询"])[0] == "免费法律咨询"
    popular = soup.select(".no-results ul.service-list > li h2")
    assert len(popular) == 6


def follow_absolute(client, href):
    return hit_titles(BeautifulSoup(client.get(href).content, "html.parser"))


def test_words_the_filters_hide_are_offered_without_the_filters(english, corpus):
    soup = page(english, {"q": "律师", "category": "culture"})

    assert status_text(soup) == "0 services found"
    assert "Try removing a filter." in soup.select_one(".no-results").get_text()
    [correction] = soup.select(".no-results p a")
    assert correction.get_text() == "律师 without filters"
    assert "免费法律咨询" in follow_absolute(english, correction["href"])


def test_oscar_search_leads_to_ours_with_the_words(client):
    response = client.get("/shop/search/", {"q": "法律", "sort_by": "relevancy"})

    assert response.status_code == 301
    assert response["Location"] == "/search/?q=%E6%B3%95%E5%BE%8B"
    assert client.get("/shop/search/")["Location"] == "/search/"


def queries_for(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    return len(queries), BeautifulSoup(response.content, "html.parser")


def test_query_count_does_not_grow_with_the_results(client, home_page, sector, provider, make_slot):
    from cms.models import SectorIndexPage, ServicePage

    params = {"q": "法律", "street": "tuodong", "sort": "soonest"}
    sector_page = home_page.add_child(instance=SectorIndexPage(title=sector.name, slug=sector.slug, category=sector))
    services = []

    def add(count):
        for number in range(len(services), len(services) + count):
            service = create_service(f"法律咨询{number}", sector, summary="法律问题")
            make_slot(add_offering(service, provider), starts_in=timedelta(days=1, minutes=number))
            if number % 2:  # every other service has a guide page, which its hit links to
                guide = ServicePage(title=service.title, slug=f"guide-{number}", product=service)
                sector_page.add_child(instance=guide)
            services.append(service)

    def links(soup):
        return [item.h2.a["href"] for item in soup.select("ol.search-results > li")]

    def addresses(count):
        # What each service's own page (not a list) links to: the guide, or Oscar's page when it has none.
        return [Product.objects.get(pk=service.pk).get_absolute_url() for service in services[:count]]

    add(3)
    queries_for(client, params)  # the first request fills the synonym and site caches
    few, soup = queries_for(client, params)
    assert len(hit_titles(soup)) == 3
    assert links(soup) == addresses(3)
    assert links(soup)[1] == f"/{sector.slug}/guide-1/"
    add(22)
    many, soup = queries_for(client, params)
    assert len(hit_titles(soup)) == 20
    assert links(soup) == addresses(20)
    assert many == few


def test_a_search_cluster_that_is_down_gives_a_message_and_popular_services(english, corpus, unreachable_cluster):
    soup = page(english, {"q": "法律"}, status=503)

    assert "Search is not available right now" in status_text(soup)
    assert len(soup.select(".no-results ul.service-list > li")) == 6

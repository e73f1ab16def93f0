from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.services import add_offering


def page_queries(client, url):
    """The queries of the page as every request after the first asks them: the first one also reads the
    header, footer and the page's place in the tree, which are kept for the next (cms/chrome.py)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def soup(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def provider_names(html):
    return [item.find("h4").find(string=True, recursive=True).strip() for item in html.select(".provider-choice")]


def slot_ids(html):
    return [int(field["value"]) for field in html.select("#times button[name=slot]")]


def local_day(slot):
    from django.utils import timezone

    return timezone.localtime(slot.starts_at).date()


@pytest.mark.usefixtures("daytime")
def test_service_page_lists_providers_then_one_providers_days_then_its_times(
    client, service_page, offering, make_slot, other_provider
):
    morning = make_slot(offering, starts_in=timedelta(days=1))
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1, num_booked=1)
    closed = make_slot(offering, starts_in=timedelta(days=2, hours=1), is_open=False)
    past = make_slot(offering, starts_in=timedelta(hours=-2))
    other = make_slot(add_offering(service_page.product, other_provider), starts_in=timedelta(days=1, hours=1))

    client.cookies["django_language"] = "en"
    html = soup(client.get(service_page.url).content.decode())

    # Nobody chose a community: the soonest free time first, and the page says so.
    assert provider_names(html) == [offering.partner.name, other_provider.name]
    assert "Soonest free time first" in html.find(id="where").get_text()
    first = html.select(".provider-choice")[0].get_text(" ", strip=True)
    assert offering.partner.address in first and "Next free time" in first and "No ratings yet" in first
    # Only the first provider's days and its soonest day's times are shown until another is chosen.
    assert slot_ids(html) == [morning.pk]
    days = [link["href"] for link in html.select("#when .day-nav a")]
    assert days == [
        f"?provider={offering.partner_id}&day={local_day(morning)}#times",
        f"?provider={offering.partner_id}&day={local_day(full)}#times",
    ]

    chosen = soup(client.get(service_page.url, {"provider": offering.partner_id, "day": local_day(full)}).content)
    assert slot_ids(chosen) == [full.pk]
    assert "Join the waiting list" in chosen.find(id="times").get_text()
    assert chosen.find("a", attrs={"aria-current": "true"}, href=days[1])

    elsewhere = soup(client.get(service_page.url, {"provider": other_provider.pk}).content)
    assert slot_ids(elsewhere) == [other.pk]
    assert other_provider.name in elsewhere.find(id="times-title").get_text()
    for hidden in (closed, past):
        assert hidden.pk not in slot_ids(chosen) + slot_ids(elsewhere)


@pytest.mark.parametrize("query", [{"provider": "²"}, {"provider": "999999"}, {"day": "2026-13-45"}, {"day": "x"}])
def test_a_provider_or_day_that_is_not_offered_falls_back_to_the_first(client, service_page, slot, query):
    response = client.get(service_page.url, query)
    assert response.status_code == 200
    assert slot_ids(soup(response.content)) == [slot.pk]


@pytest.mark.usefixtures("daytime")
def test_nearest_provider_first_from_the_chosen_community(
    client, service_page, offering, other_provider, make_slot, community, make_community_page
):
    from decimal import Decimal

    community.latitude, community.longitude = Decimal("25.040000"), Decimal("102.720000")
    community.save()
    make_community_page(community)
    provider = offering.partner
    provider.latitude, provider.longitude = Decimal("25.060000"), Decimal("102.720000")  # about 2.2 km north
    provider.save()
    other_provider.latitude, other_provider.longitude = Decimal("25.041000"), Decimal("102.720000")  # about 110 m
    other_provider.save()
    make_slot(offering, starts_in=timedelta(days=1))  # the sooner, but farther away
    near = make_slot(add_offering(service_page.product, other_provider), starts_in=timedelta(days=3))

    client.cookies["django_language"] = "en"
    client.post(reverse("choose-community"), {"community": community.pk, "next": service_page.url})
    html = soup(client.get(service_page.url).content)

    assert provider_names(html) == [other_provider.name, provider.name]
    assert f"Nearest to {community.name} first" in html.find(id="where").get_text()
    cards = [card.get_text(" ", strip=True) for card in html.select(".provider-choice")]
    assert "110 m" in cards[0] and "2.2 km" in cards[1]
    assert slot_ids(html) == [near.pk]

    # A position the browser gives wins, and the page's links keep it.
    located = soup(client.get(service_page.url, {"lat": "25.06", "lng": "102.72"}).content)
    assert provider_names(located) == [provider.name, other_provider.name]
    assert located.select("#where .provider-choice a")[0]["href"].startswith("?lat=25.06&lng=102.72&provider=")


@pytest.mark.usefixtures("no_page_cache")
def test_service_page_stays_short_and_its_queries_do_not_grow(client, service_page, offering, make_slot, street):
    from oscar.core.loading import get_model

    from providers.models import Slot

    Partner = get_model("partner", "Partner")
    make_slot(offering, starts_in=timedelta(days=1))
    few, _html = page_queries(client, service_page.url)

    slots = []
    for number in range(12):
        partner = Partner.objects.create(
            name=f"拓东社区法律服务点{number}", code=f"point-{number}", street=street, address=f"拓东路 {number} 号"
        )
        more = add_offering(service_page.product, partner)
        for day in range(1, 14):
            for half_hour in range(20):
                starts_at = timezone.now() + timedelta(days=day, minutes=30 * half_hour)
                slots.append(
                    Slot(offering=more, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=3)
                )
    Slot.objects.bulk_create(slots)
    many, html = page_queries(client, service_page.url)

    assert len(soup(html).select(".provider-choice")) == 13
    assert many == few
    assert len(html.encode()) < 60_000, len(html.encode())


@pytest.mark.usefixtures("no_page_cache")
def test_the_communities_to_choose_from_follow_what_editors_and_the_district_change(
    client, service_page, offering, make_slot, community, make_community_page
):
    from decimal import Decimal

    import time_machine
    from django.conf import settings

    from cms.models import CommunityPage
    from providers.models import Community

    make_slot(offering, starts_in=timedelta(days=1))
    make_community_page(community, latitude=Decimal("25.040000"), longitude=Decimal("102.720000"))

    def communities():
        choice = soup(client.get(service_page.url).content).find("select", id="community-choice")
        return {group["label"]: [option.get_text() for option in group("option")] for group in choice("optgroup")}

    assert communities() == {"拓东街道": ["金马社区"]}

    # Kept across requests (cms/chrome.py): a community page published or unpublished shows on the next
    # request; a community or a street renamed in the district's data once the kept list has expired.
    other = Community.objects.create(slug="tuodong-dongfeng", street=community.street, name="东风社区")
    page = make_community_page(other, latitude=Decimal("25.041000"), longitude=Decimal("102.721000"), live=False)
    page.save_revision().publish()
    assert communities() == {"拓东街道": ["金马社区", "东风社区"]}

    community.name = "金马新村社区"
    community.save()
    community.street.name = "拓东"
    community.street.save()
    with time_machine.travel(timedelta(seconds=settings.CMS_CHROME_CACHE_SECONDS + 1)):
        assert communities() == {"拓东": ["金马新村社区", "东风社区"]}

        CommunityPage.objects.get(pk=page.pk).unpublish()
        assert communities() == {"拓东": ["金马新村社区"]}


@pytest.mark.usefixtures("no_page_cache")
def test_sector_page_query_count_does_not_grow_with_services(client, service_page, sector, provider, make_slot):
    from catalog.services import create_service
    from cms.models import ServicePage

    sector_page = service_page.get_parent()
    few, _html = page_queries(client, sector_page.url)
    for i in range(8):
        extra = create_service(f"法律援助申请指导{i}", sector)
        make_slot(add_offering(extra, provider))
        sector_page.add_child(instance=ServicePage(title=extra.title, slug=f"legal-aid-{i}", product=extra))
    many, html = page_queries(client, sector_page.url)
    assert "法律援助申请指导7" in html
    assert many == few


def test_english_is_one_switch_away(client, home_page):
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Services by sector" in html


def test_chinese_even_when_the_browser_asks_for_english_until_the_resident_switches(client, home_page):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html
    assert "按领域浏览服务" in html

"""The home, sector and service pages kept whole for anonymous visitors (marketplace/pagecache.py): what a
visitor sees stays right when places are taken, pages are published or the clock moves on, every visitor
keeps their own language, mode, community and CSRF token, and signed-in residents are never served a copy."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from marketplace.booking import services

pytestmark = pytest.mark.usefixtures("daytime")


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def free_slots(html):
    """The slots the page offers to book (a full one offers the waiting list instead)."""
    return [int(field["value"]) for field in html.select("#times button[name=slot]:not([formaction*='waitlist'])")]


def tokens(html):
    return {field["value"] for field in html.select("input[name=csrfmiddlewaretoken]")}


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the versions are replaced then too), as the site does."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def test_a_second_anonymous_visit_is_answered_without_the_database(
    client, service_page, offering, make_slot, django_assert_num_queries
):
    slot = make_slot(offering)
    first = html_of(client, service_page.url)

    with django_assert_num_queries(0):
        second = html_of(Client(), service_page.url)

    assert free_slots(first) == free_slots(second) == [slot.pk]
    assert second.find("h1").get_text() == first.find("h1").get_text()


def test_a_slot_that_fills_is_no_longer_offered_at_once_and_offered_again_when_given_back(
    client, service_page, offering, make_slot, resident, committing
):
    slot = make_slot(offering, capacity=1)
    assert free_slots(html_of(client, service_page.url)) == [slot.pk]

    booking = committing(services.book, resident, slot.pk)
    assert free_slots(html_of(client, service_page.url)) == []

    committing(services.cancel_booking, booking)
    assert free_slots(html_of(client, service_page.url)) == [slot.pk]


def test_a_slot_the_provider_closes_leaves_the_page_at_once(
    client, service_page, offering, make_slot, staff, committing
):
    from providers import closures

    kept, closed = make_slot(offering, starts_in=timedelta(hours=2)), make_slot(offering, starts_in=timedelta(hours=3))
    assert free_slots(html_of(client, service_page.url)) == [kept.pk, closed.pk]

    committing(closures.close_slot, staff, closed, "设备检修")

    assert free_slots(html_of(client, service_page.url)) == [kept.pk]


def test_publishing_shows_on_the_home_and_sector_pages_at_once(
    client, service_page, sector, offering, make_slot, make_article, committing
):
    from catalog.services import create_service
    from cms.models import ArticlePage, ServicePage

    make_slot(offering)
    sector_page = service_page.get_parent()
    assert "法律援助申请指导" not in html_of(client, sector_page.url).get_text()
    assert "春节假期服务时间调整" not in html_of(client, "/").get_text()

    guide = ServicePage(title="法律援助申请指导", slug="legal-aid", product=create_service("法律援助申请指导", sector))
    committing(sector_page.add_child, instance=guide)
    committing(lambda: guide.save_revision().publish())
    committing(make_article, "春节假期服务时间调整", kind=ArticlePage.Kind.NOTICE)

    assert "法律援助申请指导" in html_of(client, sector_page.url).get_text()
    assert "春节假期服务时间调整" in html_of(client, "/").get_text()


def test_a_deleted_page_leaves_the_kept_pages_at_once(client, home_page, make_article, committing):
    from cms.models import ArticlePage

    notice = committing(make_article, "春节假期服务时间调整", kind=ArticlePage.Kind.NOTICE)
    assert "春节假期服务时间调整" in html_of(client, "/").get_text()

    committing(notice.delete)

    assert "春节假期服务时间调整" not in html_of(client, "/").get_text()


def test_each_language_and_mode_has_its_own_page(client, home_page):
    chinese = html_of(client, "/")
    english_visitor = Client()
    english_visitor.cookies["django_language"] = "en"
    elderly_visitor = Client()
    elderly_visitor.cookies["elderly"] = "1"

    english = html_of(english_visitor, "/")
    elderly = html_of(elderly_visitor, "/")
    chinese_again = html_of(Client(), "/")

    assert english.find("html")["lang"] == "en"
    assert "elderly" in elderly.find("html")["class"]
    assert chinese_again.find("html")["lang"] == chinese.find("html")["lang"] == "zh-hans"
    assert "elderly" not in chinese_again.find("html").get("class", [])


def test_the_community_a_visitor_chose_is_theirs_alone(
    client, service_page, offering, make_slot, community, make_community_page
):
    from decimal import Decimal

    community.latitude, community.longitude = Decimal("25.040000"), Decimal("102.720000")
    community.save()
    make_community_page(community)
    make_slot(offering)
    chooser = Client()
    chooser.post(reverse("choose-community"), {"community": community.pk, "next": service_page.url})
    html_of(chooser, service_page.url)  # the confirmation message is shown once

    chosen = html_of(chooser, service_page.url).find(id="where").get_text()
    anonymous = html_of(client, service_page.url).find(id="where").get_text()
    chosen_again = html_of(chooser, service_page.url).find(id="where").get_text()

    assert community.name in chosen and community.name in chosen_again
    assert community.name not in anonymous


def test_signed_in_residents_never_get_a_kept_page_nor_leave_one(client, service_page, resident):
    anonymous_before = html_of(Client(), "/")
    client.force_login(resident)

    signed_in = html_of(client, "/")
    anonymous_after = html_of(Client(), "/")

    assert signed_in.find("form", action=reverse("customer:logout")) is not None
    for page in (anonymous_before, anonymous_after):
        assert page.find("form", action=reverse("customer:logout")) is None
        assert resident.name not in page.get_text()


def test_every_visitor_gets_their_own_csrf_token_and_no_other_cookie(service_page, offering, make_slot):
    make_slot(offering)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_of(first, service_page.url)

    response = second.get(service_page.url)
    html = BeautifulSoup(response.content, "html.parser")

    assert set(response.cookies) == {"csrftoken"}
    secret = response.cookies["csrftoken"].value
    assert secret != first.cookies["csrftoken"].value
    assert tokens(html) and {_unmask_cipher_token(token) for token in tokens(html)} == {secret}
    # The header's forms work for the second visitor with the token their page carries.
    switched = second.post(
        reverse("elderly-mode"), {"on": "1", "next": service_page.url, "csrfmiddlewaretoken": tokens(html).pop()}
    )
    assert switched.status_code == 302


def test_a_kept_page_is_private_to_the_browser(client, home_page):
    client.get("/")
    response = Client().get("/")
    assert "private" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_visitor_with_a_message_waiting_gets_the_page_with_it(client, home_page, community, make_community_page):
    html_of(Client(), "/")  # kept without any message
    make_community_page(community)

    client.post(reverse("choose-community"), {"community": community.pk, "next": "/"})
    html = html_of(client, "/")

    assert html.select(".alert, .messages, [role=status], [role=alert]")


def test_a_slot_past_the_minimum_notice_leaves_the_page_within_the_cache_lifetime(
    client, service_page, offering, make_slot, daytime, settings
):
    from django.utils import timezone

    from marketplace.booking import rules

    now = timezone.now()
    notice = rules.earliest_online_start(service_page.product, now) - now
    # Room for a slow machine between making the slot and the first visit.
    ahead = max(timedelta(minutes=2), timedelta(seconds=settings.PAGE_CACHE_SECONDS))
    soon = make_slot(offering, starts_in=notice + ahead)
    later = make_slot(offering, starts_in=timedelta(hours=3))
    assert free_slots(html_of(client, service_page.url)) == [soon.pk, later.pk]

    # The slot has passed the minimum notice, and the kept page its lifetime.
    daytime.shift(ahead + timedelta(seconds=1))

    assert free_slots(html_of(client, service_page.url)) == [later.pk]


def test_a_page_behind_a_password_is_never_kept(client, home_page):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=home_page, restriction_type="password", password="盘龙")
    response = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[PageViewRestriction.objects.get().pk, home_page.pk]),
        {"password": "盘龙", "return_url": "/"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    stranger = BeautifulSoup(Client().get("/").content, "html.parser")
    assert stranger.find("input", attrs={"name": "password"}) is not None
    assert stranger.find(id="hero-title") is None

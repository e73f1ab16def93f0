"""Elderly mode (长辈版): a switch remembered per browser and per resident, bigger and simpler pages,
the hotline on every page and one tap to book the earliest time of a service."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from cms.models import SiteSettings
from tests.conftest import PASSWORD

SWITCH = "/elderly-mode/"


def html_of(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def is_elderly(html):
    return "elderly" in html.find("html")["class"]


def switch(client, on, next_url="/"):
    return client.post(SWITCH, {"on": "1" if on else "0", "next": next_url})


def test_the_switch_has_an_address():
    assert reverse("elderly-mode") == SWITCH


def test_an_anonymous_visitor_switches_by_cookie_only(client, home_page):
    assert not is_elderly(html_of(client, "/"))

    response = switch(client, True)

    assert response.status_code == 302
    assert response["Location"] == "/"
    cookie = response.cookies["elderly"]
    assert cookie.value == "1"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert is_elderly(html_of(client, "/"))

    response = switch(client, False)
    assert response.cookies["elderly"].value == "0"
    assert not is_elderly(html_of(client, "/"))


def test_a_signed_in_resident_saves_the_choice_on_the_account(client, resident, home_page):
    client.force_login(resident)

    switch(client, True)
    resident.refresh_from_db()
    assert resident.elderly_mode is True
    assert client.cookies["elderly"].value == "1"

    switch(client, False)
    resident.refresh_from_db()
    assert resident.elderly_mode is False
    assert client.cookies["elderly"].value == "0"


def test_the_saved_choice_applies_after_signing_in_in_a_fresh_browser(resident, home_page):
    resident.elderly_mode = True
    resident.save()
    browser = Client()
    assert not is_elderly(html_of(browser, "/"))

    response = browser.post(
        reverse("customer:login"),
        {"login-username": resident.email, "login-password": PASSWORD, "login_submit": "1"},
    )

    assert response.status_code == 302
    assert response.cookies["elderly"].value == "1"
    assert is_elderly(html_of(browser, "/"))
    # The browser keeps it after signing out, as the resident would expect on their own phone.
    browser.post(reverse("customer:logout"))
    assert is_elderly(html_of(browser, "/"))


def test_signing_in_does_not_turn_off_what_the_browser_chose(resident, home_page):
    browser = Client()
    switch(browser, True)

    browser.post(
        reverse("customer:login"),
        {"login-username": resident.email, "login-password": PASSWORD, "login_submit": "1"},
    )

    assert is_elderly(html_of(browser, "/"))


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_an_unsafe_next_is_ignored(client, home_page, unsafe):
    response = switch(client, True, next_url=unsafe)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_safe_next_leads_back(client, service_page):
    response = switch(client, True, next_url=service_page.url + "?from=2026-01-01")
    assert response["Location"] == service_page.url + "?from=2026-01-01"


def test_get_is_refused_and_changes_nothing(client, resident, home_page):
    client.force_login(resident)
    response = client.get(SWITCH + "?on=1")
    assert response.status_code == 405
    resident.refresh_from_db()
    assert resident.elderly_mode is False
    assert "elderly" not in response.cookies


def test_the_header_offers_the_switch_with_its_current_state(client, home_page):
    form = html_of(client, "/").find("form", id="elderly-switch")
    assert form["method"] == "post" and form["action"] == SWITCH
    assert form.find("input", attrs={"name": "on"})["value"] == "1"
    assert form.find("input", attrs={"name": "next"})["value"] == "/"

    switch(client, True)
    form = html_of(client, "/").find("form", id="elderly-switch")
    assert form.find("input", attrs={"name": "on"})["value"] == "0"


def pages(service_page):
    return ["/", service_page.url, reverse("provider:index")]


def test_the_class_and_the_hotline_appear_on_every_page_only_when_on(client, staff, service_page):
    SiteSettings.objects.create(site=service_page.get_site(), hotline="0871-12345")
    client.force_login(staff)
    for url in pages(service_page):
        html = html_of(client, url)
        assert not is_elderly(html), url
        assert html.find(id="elderly-help") is None, url

    switch(client, True)

    for url in pages(service_page):
        html = html_of(client, url)
        assert is_elderly(html), url
        help_line = html.find(id="elderly-help")
        assert help_line is not None, url
        assert help_line.find("a", href="tel:0871-12345").get_text() == "0871-12345"


def test_the_home_page_marks_what_elderly_mode_leaves_out(client, home_page):
    switch(client, True)
    html = html_of(client, "/")
    assert html.find("section", class_="notices")["class"] == ["notices", "not-essential"]
    assert html.find(id="sectors-title") is not None


def book_button(html):
    return html.find("form", id="earliest-slot")


def test_one_tap_books_the_earliest_open_slot(client, service_page, offering, other_provider, make_slot):
    from catalog.services import add_offering

    later = make_slot(offering, starts_in=timedelta(days=2))
    other_offering = add_offering(service_page.product, other_provider)
    earliest = make_slot(other_offering, starts_in=timedelta(days=1))
    make_slot(offering, starts_in=timedelta(hours=20), is_open=False)
    full = make_slot(offering, starts_in=timedelta(hours=22), capacity=1)
    full.num_booked = 1
    full.save()
    assert not book_button(html_of(client, service_page.url)), "only in elderly mode"

    switch(client, True)
    # The one tap is offered whichever provider's times are shown below.
    html = html_of(client, f"{service_page.url}?provider={offering.partner_id}")

    form = book_button(html)
    assert form["method"] == "post"
    assert form["action"] == reverse("basket:add", kwargs={"pk": service_page.product.pk})
    assert form.find("input", attrs={"name": "slot"})["value"] == str(earliest.pk)
    assert other_provider.name in form.get_text()
    # The normal buttons post the same fields to the same basket, so booking has one path.
    later_button = html.find("button", attrs={"name": "slot", "value": str(later.pk)})
    normal = later_button.find_parent("form")
    assert normal["action"] == form["action"]
    normal_fields = [field["name"] for field in normal.find_all("input")] + [later_button["name"]]
    assert sorted(normal_fields) == sorted(field["name"] for field in form.find_all("input"))


def test_the_one_tap_button_books_the_place(client, resident, service_page, slot):
    client.force_login(resident)
    switch(client, True)
    form = book_button(html_of(client, service_page.url))
    data = {i["name"]: i["value"] for i in form.find_all("input")}

    response = client.post(form["action"], data)

    assert response.status_code == 302
    (basket,) = resident.baskets.filter(status="Open")
    assert [line.attributes.get(option__code="slot").value for line in basket.all_lines()] == [str(slot.pk)]


def test_no_button_and_other_ways_when_nothing_is_bookable(client, service_page, offering):
    switch(client, True)
    html = html_of(client, service_page.url)
    assert book_button(html) is None
    assert html.find(class_="no-slots") is not None


def test_the_service_page_does_not_query_more_with_more_slots(
    client, service_page, offering, make_slot, django_assert_max_num_queries
):
    switch(client, True)
    make_slot(offering)
    with django_assert_max_num_queries(60) as few:
        client.get(service_page.url)
    for hours in range(30, 40):
        make_slot(offering, starts_in=timedelta(hours=hours))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(service_page.url)


def test_a_resident_is_not_offered_a_time_they_already_hold(client, resident, service_page, offering, make_slot):
    from marketplace.booking import services

    held = make_slot(offering, starts_in=timedelta(days=1))
    following = make_slot(offering, starts_in=timedelta(days=2))
    services.book(resident, held.pk)
    client.force_login(resident)
    switch(client, True)

    form = book_button(html_of(client, service_page.url))

    assert form.find("input", attrs={"name": "slot"})["value"] == str(following.pk)

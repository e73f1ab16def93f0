"""The core journey with JavaScript switched off: plain links and forms find, book and cancel."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_resident_journeys import (
    PLACES_LEFT,
    cancel_leftovers,
    cancel_open_booking,
    open_booking_from_list,
    open_last_day,
    places_left,
    slot_button,
    slot_id,
    slot_start,
    t,
    t_plural,
)

# Writes to the database: BROWSER_TESTS=journeys runs it, against PostgreSQL too (README).
pytestmark = pytest.mark.journey

CALLIGRAPHY = "/culture/calligraphy-class/"  # free, twenty places on Tuesday and Thursday mornings


@pytest.mark.parametrize(("viewport", "language"), [("phone", "zh-hans")])
def test_search_book_and_cancel_without_javascript(open_page, viewport, language):
    page = open_page(viewport=viewport, language=language, javascript=False)
    page.goto("/")
    search = page.get_by_role("main").get_by_label(t(language, "What do you need?"))
    search.fill("书法")
    page.get_by_role("main").get_by_role("button", name=t(language, "Search")).click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    page.get_by_role("main").get_by_role("link", name="文化馆书法公益课").first.click()
    expect(page).to_have_url(re.compile(CALLIGRAPHY + "$"))

    # Booking asks the resident to sign in first, then brings them back to the service.
    page.get_by_role("banner").get_by_role("link", name=t(language, "Log in or register")).click()
    page.locator("#id_login-username").fill("resident-207@example.com")
    page.locator("#id_login-password").fill(PASSWORD)
    page.locator("button[name=login_submit]").click()
    expect(page).to_have_url(re.compile(CALLIGRAPHY))
    cancel_leftovers(page, language, "文化馆书法公益课")
    page.goto(CALLIGRAPHY)

    button = open_last_day(page, language).first
    service_url, start, before, slot = page.url, slot_start(button), places_left(button), slot_id(button)
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Confirm your booking"))
    page.get_by_role("button", name=t(language, "Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Your booking is confirmed"))

    page.get_by_role("main").get_by_role("link", name=t(language, "My bookings")).click()
    open_booking_from_list(page, language, "文化馆书法公益课", start)
    cancel_open_booking(page, language)
    page.goto(service_url)
    expect(slot_button(page, slot)).to_contain_text(t_plural(language, *PLACES_LEFT, before))

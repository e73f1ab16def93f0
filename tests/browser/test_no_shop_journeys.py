"""No shop, nothing silent (issue 19, items 1 and 4), at a phone's width in Chinese and a desktop's
in English: "Change" on the confirmation page goes back to the service's times, "my account" is the
resident's own pages, and what waits for the resident is flagged in the header."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in
from tests.browser.test_resident_journeys import (
    LIBRARY_CARD,
    WIDTH_IDS,
    WIDTHS,
    open_last_day,
    slot_button,
    slot_id,
    slot_start,
    t,
)
from tests.marketplace.test_no_shop import problems_on

# A resident with an answered follow-up case and visits to rate in the demo (read only here).
RESIDENT = "resident@example.com"


@pytest.mark.journey
@pytest.mark.parametrize(
    ("viewport", "language", "email"),
    [(*WIDTHS[0], "resident-231@example.com"), (*WIDTHS[1], "resident-232@example.com")],
    ids=WIDTH_IDS,
)
def test_change_on_the_confirmation_page_returns_to_the_times_and_the_new_time_replaces_the_old(
    open_page, viewport, language, email
):
    page = open_page(viewport=viewport, language=language)
    log_in(page, email)
    page.goto(LIBRARY_CARD)
    times = open_last_day(page, language)
    second, second_start = slot_id(times.nth(1)), slot_start(times.nth(1))
    times.nth(0).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Confirm your booking"))
    assert problems_on(page.locator("body").inner_text(), language) == []

    page.get_by_role("main").get_by_role("link", name=t(language, "Change"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(LIBRARY_CARD) + "(\\?[^#]*)?#slots-title$"))
    open_last_day(page, language)
    slot_button(page, second).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Confirm your booking"))
    chosen = page.locator("main .service-list > li")
    expect(chosen).to_have_count(1)  # the new time only: the first is not booked as well
    expect(chosen).to_contain_text(f"{second_start:%H:%M}")
    assert axe_violations(page) == []


@pytest.mark.parametrize(("viewport", "language"), WIDTHS, ids=WIDTH_IDS)
def test_what_waits_for_the_resident_is_flagged_in_the_header_and_first_in_my_bookings(open_page, viewport, language):
    page = open_page(viewport=viewport, language=language)
    log_in(page, RESIDENT)
    badge = page.get_by_role("banner").get_by_role("link", name=re.compile("^" + t(language, "For you to do")))
    expect(badge).to_be_visible()
    assert re.search(r"\d", badge.inner_text())
    badge.click()
    expect(page).to_have_url(re.compile(r"/shop/accounts/bookings/#waiting-for-you$"))
    section = page.locator("#waiting-for-you")
    expect(section).to_be_visible()
    expect(section.get_by_role("link").first).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize(("viewport", "language"), WIDTHS, ids=WIDTH_IDS)
def test_my_account_is_the_residents_own_pages(open_page, viewport, language):
    page = open_page(viewport=viewport, language=language)
    log_in(page, RESIDENT)
    # "My account" is in the header's folded "Me" menu.
    page.locator(".site-menu--account > summary").click()
    page.get_by_role("banner").get_by_role("link", name=t(language, "My account")).click()
    expect(page).to_have_url(re.compile(r"/shop/accounts/my-data/$"))
    menu = page.get_by_role("navigation", name=t(language, "My pages"))
    expect(menu.get_by_role("link")).to_have_text(
        [
            t(language, name, context)
            for name, context in (
                ("My bookings", None),
                ("My matters", "matters"),
                ("People I book for", None),
                ("Notices", None),
                ("My data and settings", None),
            )
        ]
    )
    assert problems_on(page.locator("body").inner_text(), language) == []
    assert axe_violations(page) == []

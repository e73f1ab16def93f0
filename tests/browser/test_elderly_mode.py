"""Elderly mode (长辈版) in the browser: switched on from the header, larger and simpler, remembered,
the help line on every page, one tap to book the earliest time, and no sideways scrolling on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_resident_journeys import cancel_leftovers, cancel_open_booking, t

# Writes to the database: BROWSER_TESTS=journeys runs it, against PostgreSQL too (README).
pytestmark = pytest.mark.journey

CINEMA = "/culture/rural-cinema/"  # free, eighty seats on Saturday evenings, cancellable up to an hour before
LIBRARY_CARD = "/culture/library-card/"

# The computed sizes a person sees; targets are the page's buttons, fields and menu links.
MEASURE = """() => {
    const visible = element => element.offsetParent !== null || getComputedStyle(element).position === "fixed";
    const px = (element, property) => parseFloat(getComputedStyle(element)[property]);
    const targets = [...document.querySelectorAll(
        "main button, main select, main input:not([type=hidden]), main a.btn, nav a, header button, header select"
    )].filter(visible);
    return {
        body: px(document.body, "fontSize"),
        paragraphs: Math.min(...[...document.querySelectorAll("main p, main li, main dd")].filter(visible)
            .map(element => px(element, "fontSize"))),
        headings: Math.min(...[...document.querySelectorAll("main h1, main h2, main h3")].filter(visible)
            .map(element => px(element, "fontSize"))),
        smallTargets: targets.filter(element => element.getBoundingClientRect().height < 48)
            .map(element => element.outerHTML.slice(0, 120)),
        shownNotEssential: [...document.querySelectorAll(".not-essential")].filter(visible).length,
        wide: document.documentElement.scrollWidth,
    };
}"""


def is_elderly(page):
    return "elderly" in (page.locator("html").get_attribute("class") or "").split()


def assert_elderly_page(page, language, targets=False):
    assert is_elderly(page), f"elderly mode is off on {page.url}"
    help_line = page.locator("#elderly-help")
    expect(help_line).to_be_visible()
    expect(help_line.get_by_role("link")).to_have_attribute("href", re.compile(r"^tel:\d+"))
    measured = page.evaluate(MEASURE)
    assert measured["body"] >= 18, measured
    assert measured["paragraphs"] >= 18, measured
    assert measured["headings"] >= 24, measured
    assert measured["shownNotEssential"] == 0, measured
    if targets:
        assert measured["smallTargets"] == [], measured["smallTargets"]
    return measured


def test_switch_on_larger_simpler_remembered_and_book_the_earliest_time(open_page):
    language = "zh-hans"
    page = open_page(viewport="desktop", language=language)
    page.goto("/")
    assert not is_elderly(page)
    expect(page.locator("#elderly-help")).to_have_count(0)
    assert page.locator(".not-essential").first.is_visible()

    page.get_by_role("banner").get_by_role("button", name=t(language, "Elderly version")).click()
    assert_elderly_page(page, language)
    page.goto(LIBRARY_CARD)
    assert_elderly_page(page, language, targets=True)
    page.goto("/search/?q=图书馆")
    assert_elderly_page(page, language)

    # Signing in keeps it, and so does every page after.
    log_in(page, "resident-208@example.com")
    assert_elderly_page(page, language)
    cancel_leftovers(page, language, "农村公益电影放映")
    assert_elderly_page(page, language)

    page.goto(CINEMA)
    assert_elderly_page(page, language, targets=True)
    earliest = page.locator("#earliest-slot").get_by_role("button")
    expect(earliest).to_contain_text(t(language, "Book the earliest time: %(when)s, %(provider)s").split("%")[0])
    earliest.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Confirm your booking"))
    assert_elderly_page(page, language, targets=True)
    page.get_by_role("button", name=t(language, "Confirm booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Your booking is confirmed"))
    code = page.locator("#booking-code").inner_text().strip()
    page.goto(f"/shop/accounts/bookings/{code}/")
    assert_elderly_page(page, language, targets=True)
    # In the hour before a Saturday show the earliest time can no longer be cancelled
    # online; the booking then simply ends with the show.
    if page.get_by_role("link", name=t(language, "Cancel this booking")).count():
        cancel_open_booking(page, language)

    # Switching back is one tap too.
    page.get_by_role("banner").get_by_role("button", name=t(language, "Standard version")).click()
    assert not is_elderly(page)


def test_elderly_mode_fits_a_phone(open_page):
    language = "en"
    page = open_page(viewport="phone", language=language, elderly=True)
    for path in ("/", "/culture/", LIBRARY_CARD, "/search/?q=library", "/shop/accounts/login/", "/accessibility/"):
        page.goto(path)
        measured = assert_elderly_page(page, language)
        assert measured["wide"] <= 390, f"{path} scrolls sideways: {measured['wide']} px wide"

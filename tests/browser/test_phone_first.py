"""Phone first (issue 19, item 3): a header that leaves the phone's first screen to the page, in both
modes; nothing scrolls sideways at 320 px; lists read as cards on a phone and as a table on a desk,
with no column squeezed to a character or two; one search box on the home page.

Read-only: a resident (张丽) and the clerk of 拓东街道公共法律服务工作站 only look.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LANGUAGES, axe_violations, log_in

RESIDENT = "resident@example.com"
CLERK = "tuodong-legal@example.com"
MY_BOOKINGS = "/shop/accounts/bookings/"
PUBLIC_PAGES = ("/", "/legal/", "/culture/library-card/", "/search/?q=法律", "/news/", "/communities/")
SIGNED_IN_PAGES = (MY_BOOKINGS, "/shop/accounts/dependants/", "/shop/accounts/notices/")

# The header's share of the first screen, and how wide the page really is.
HEADER_SHARE = "() => document.querySelector('header.site-header').getBoundingClientRect().height / innerHeight"
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
# Every table cell a person sees, as its width in characters of its own font, with its text.
CELLS = """() => [...document.querySelectorAll('main table td, main table th')]
    .filter(cell => cell.offsetParent !== null && cell.textContent.trim())
    .map(cell => ({
        chars: cell.getBoundingClientRect().width / parseFloat(getComputedStyle(cell).fontSize),
        text: cell.textContent.trim().slice(0, 30),
    }))"""
# How many lines each service name in the console's day list takes.
SERVICE_LINES = """() => [...document.querySelectorAll('table.day-table tbody td.cell-title:first-of-type')]
    .filter(cell => cell.offsetParent !== null)
    .map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
        return {text: cell.textContent.trim(), lines: tops.size};
    })"""


def _narrow_cells(page):
    return [cell for cell in page.evaluate(CELLS) if cell["chars"] < 3]


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_takes_at_most_a_quarter_of_the_first_phone_screen(open_page, language, elderly):
    page = open_page(viewport="phone", language=language, elderly=elderly)
    for path in PUBLIC_PAGES:
        page.goto(path)
        share = page.evaluate(HEADER_SHARE)
        assert share <= 0.25, f"{path}: the header takes {share:.0%} of a 390×844 screen"
    log_in(page, RESIDENT, next_path=MY_BOOKINGS)
    share = page.evaluate(HEADER_SHARE)
    assert share <= 0.25, f"my bookings: the header takes {share:.0%} of a 390×844 screen"


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_scrolls_sideways_at_320_px(open_page, language, elderly):
    page = open_page(viewport="phone", language=language, elderly=elderly)
    page.set_viewport_size({"width": 320, "height": 640})
    # The street index's tables scroll inside their own region (data tables); the page itself does not.
    for path in (*PUBLIC_PAGES, "/index/", "/index/coverage/"):
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= 320, f"{path} is {page.evaluate(PAGE_WIDTH)} px wide at 320 px"
    log_in(page, RESIDENT, next_path=MY_BOOKINGS)
    for path in SIGNED_IN_PAGES:
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= 320, f"{path} is {page.evaluate(PAGE_WIDTH)} px wide at 320 px"
        assert _narrow_cells(page) == [], path


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menus_fold_into_the_bar_on_a_phone_and_open_with_a_tap(open_page, language):
    page = open_page(viewport="phone", language=language, javascript=False)
    page.goto("/legal/")
    main_menu = page.locator("nav.site-nav")
    expect(main_menu).to_be_hidden()
    page.locator(".site-menu--main > summary").click()
    expect(main_menu.get_by_role("link").first).to_be_visible()
    assert main_menu.get_by_role("link").count() >= 5

    # Open, both menus are as accessible as the page.
    signed_in = open_page(viewport="phone", language=language)
    log_in(signed_in, RESIDENT, next_path="/legal/")
    for menu in signed_in.locator("header details.site-menu > summary").all():
        menu.click()
    account = signed_in.get_by_role("navigation", name=re.compile("Account|账户"))
    expect(account.get_by_role("link").first).to_be_visible()
    assert axe_violations(signed_in) == []

    wide = open_page(viewport="desktop", language=language)
    wide.goto("/legal/")
    # On a desk the main menu is a row of its own, open without a tap.
    expect(wide.locator("nav.site-nav").get_by_role("link").first).to_be_visible()
    expect(wide.locator(".site-menu--main > summary")).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_has_one_search_box(open_page, language):
    page = open_page(viewport="phone", language=language)
    page.goto("/")
    # (With the script, the box offers suggestions: a combobox to the accessibility tree, so it is found by type.)
    expect(page.locator("input[type=search]")).to_have_count(1)
    expect(page.get_by_role("main").locator("input[type=search]")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_my_bookings_are_cards_on_a_phone_and_a_table_on_a_desk(open_page, viewport):
    page = open_page(viewport=viewport)
    log_in(page, RESIDENT, next_path=MY_BOOKINGS)
    first = page.locator("main table tbody tr").first
    expect(first).to_be_visible()
    # Each booking says what each of its facts is: on a phone the label is in the card itself.
    shown = page.evaluate(
        "() => getComputedStyle(document.querySelector('main table tbody td[data-label]'), '::before').content"
    )
    if viewport == "phone":
        assert first.evaluate("row => getComputedStyle(row).display") == "block"
        assert "服务" in shown, shown
        assert page.locator("main table thead").evaluate("head => head.getBoundingClientRect().height") <= 1
    else:
        assert first.evaluate("row => getComputedStyle(row).display") == "table-row"
        expect(page.locator("main table thead th").first).to_be_visible()
    assert _narrow_cells(page) == []
    assert page.evaluate(PAGE_WIDTH) <= page.viewport_size["width"]


def _day_with_bookings(page):
    """The clerk's day list on the latest day, today or before, that has bookings (the demo's history has some)."""
    page.goto("/provider/")
    for _day in range(21):
        if page.locator("table.day-table tbody tr[id^=booking-]").count():
            return
        page.locator("main a[rel=prev]").first.click()
        page.wait_for_load_state()
    pytest.fail("no day with bookings in the last three weeks of the demo")


@pytest.mark.parametrize("width,height", [(1366, 900), (1024, 768), (390, 844), (320, 640)])
def test_the_consoles_day_list_reads_at_a_counter_pc_and_on_a_phone(open_page, width, height):
    page = open_page(viewport="desktop")
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, CLERK, next_path="/provider/")
    _day_with_bookings(page)

    assert _narrow_cells(page) == []
    assert page.evaluate(PAGE_WIDTH) <= width
    services = page.evaluate(SERVICE_LINES)
    assert services, "the day list shows no service"
    # A name like 免费法律咨询 stays on a line or two, never a character a line.
    assert [service for service in services if service["lines"] > 2] == []
    row = page.locator("table.day-table tbody tr[id^=booking-]").first
    expected = "table-row" if width >= 1024 else "block"
    assert row.evaluate("row => getComputedStyle(row).display") == expected
    expect(row.get_by_text(re.compile(r"\d\d:\d\d–\d\d:\d\d"))).to_be_visible()

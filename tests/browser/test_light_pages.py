"""Light pages: everything a resident's page loads comes from the app itself, and scripts only enhance.

No CDN, no web-font host, no analytics: a resident's visit is seen by the
district's server and no one else, and a page loads on an old phone even where
a foreign host is slow or blocked. Every request a page makes is recorded, and
its stylesheets and HTML are read for resources elsewhere. The same pages with
JavaScript switched off still show their content, the menus, the search box
and the language and elderly-mode switches, which work as plain forms.

The resident 王伟 (resident-216) only reads: nothing here books or cancels.
(The search → book → cancel journey without JavaScript is tested with the other journeys.)
"""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import LANGUAGES, log_in

RESIDENT = "resident-216@example.com"
MY_BOOKINGS = "/shop/accounts/bookings/"

# The main pages a resident sees, signed out; "my bookings" is visited signed in.
PAGES = (
    "/",
    "/search/?q=%E6%B3%95%E5%BE%8B",  # 法律
    "/legal/",
    "/legal/free-legal-consultation/",
    "/news/",
    "/news/notice-holiday-hours/",
    "/index/",
    "/communities/",
    "/shop/accounts/login/",
)

# Every resource a stylesheet names elsewhere: an @import, or a source of an @font-face.
STYLESHEET_RESOURCES = """() => {
    const found = [];
    const read = (sheet, base) => {
        let rules;
        try {
            rules = sheet.cssRules;
        } catch (error) {
            found.push(sheet.href);  // the browser hides another origin's rules: it is elsewhere
            return;
        }
        const walk = rules => {
            for (const rule of rules) {
                if (rule instanceof CSSImportRule) {
                    found.push(new URL(rule.href, base).href);
                    if (rule.styleSheet) read(rule.styleSheet, rule.styleSheet.href || base);
                } else if (rule instanceof CSSFontFaceRule) {
                    const src = rule.style.getPropertyValue("src");
                    for (const match of src.matchAll(/url\\(\\s*["']?([^"')]+)["']?\\s*\\)/g)) {
                        found.push(new URL(match[1], base).href);
                    }
                } else if (rule.cssRules) {
                    walk(rule.cssRules);
                }
            }
        };
        walk(rules);
    };
    for (const sheet of document.styleSheets) {
        read(sheet, sheet.href || document.baseURI);
    }
    return found;
}"""

# Resources the HTML itself points at. A canonical or alternate <link> names
# this page's public address (SITE_URL) and loads nothing.
HTML_RESOURCES = """() => [
    ...[...document.querySelectorAll("script[src], img[src], iframe[src], source[src], video[src], audio[src]")]
        .map(element => element.src),
    ...[...document.querySelectorAll("link[href]")]
        .filter(link => !/\\b(canonical|alternate)\\b/.test(link.rel))
        .map(link => link.href),
]"""


def _gettext(language, message):
    with translation.override(language):
        return translation.gettext(message)


def _elsewhere(urls, origin):
    """The addresses not on ``origin``; data: and blob: URLs are part of the page."""
    return sorted({url for url in urls if urlsplit(url).scheme not in ("data", "blob") and _origin(url) != origin})


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _visits(page):
    """Each page once, then "my bookings" signed in; yields the address after the page has loaded."""
    for path in PAGES:
        page.goto(path)
        yield path
    log_in(page, RESIDENT, next_path=MY_BOOKINGS)
    yield MY_BOOKINGS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_request_stays_on_the_apps_own_origin(open_page, live_app, language):
    origin = _origin(live_app)
    page = open_page(language=language)
    requested, script_errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    for path in _visits(page):
        assert _elsewhere(requested, origin) == [], f"{path} asked another host"
        assert _elsewhere(page.evaluate(STYLESHEET_RESOURCES), origin) == [], f"{path}: a stylesheet names another host"
        assert _elsewhere(page.evaluate(HTML_RESOURCES), origin) == [], f"{path}: the HTML names another host"
        assert script_errors == [], f"{path}: {script_errors}"
        # The site's own script ran (it marks the page), without jQuery on our own pages.
        expect(page.locator("html"), path).to_have_class(re.compile(r"\bjs\b"))
        requested.clear()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_show_their_content_and_menus_without_javascript(open_page, language):
    page = open_page(language=language, javascript=False)
    main_menu = _gettext(language, "Main menu")
    account_menu = _gettext(language, "Account")

    for path in _visits(page):
        # The page's own content, and every way on: the sectors, the account links, search. On a phone the
        # menus fold into the header's bar; they open with a tap, without a script (<details>).
        expect(page.get_by_role("main").get_by_role("heading").first, path).to_be_visible()
        for menu in page.locator("header details.site-menu > summary").all():
            menu.click()
        sectors = page.get_by_role("navigation", name=main_menu).get_by_role("link")
        expect(sectors.first, path).to_be_visible()
        assert sectors.count() >= 5, path
        expect(page.get_by_role("navigation", name=account_menu).get_by_role("link").first, path).to_be_visible()
        # The header's search box, or on the home page its own (one box a page).
        expect(page.get_by_role("searchbox").first, path).to_be_visible()
        # No script ran, so the page really was read without one.
        expect(page.locator("html"), path).to_have_class("no-js")


def test_the_language_and_elderly_switches_work_without_javascript(open_page):
    page = open_page(language="zh-hans", javascript=False)
    page.goto("/legal/")

    # One button to the other language, named in it.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/legal/")

    page.get_by_role("button", name=_gettext("en", "Elderly version")).click()
    expect(page.get_by_role("button", name=_gettext("en", "Standard version"))).to_be_visible()
    expect(page.locator("html")).to_have_class("no-js elderly")
    assert page.url.endswith("/legal/")

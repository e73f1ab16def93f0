"""axe-core finds no WCAG 2.2 AA violation on any page a resident sees, in Chinese and in English.

Every page is reached the way a resident reaches it: the addresses are found
once by following the site's own links (the first service, the first street,
the resident's own bookings), so the sweep keeps up with the demo data instead
of naming ids. Each page is then checked in both languages on a phone, and the
pages whose layout changes on a wide screen again on a desktop. The resident
(张丽) only reads: nothing here books, cancels or rates.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LANGUAGES, VIEWPORTS, axe_violations, log_in

RESIDENT = "resident@example.com"
NOBODY = "nobody-here@example.com"


@dataclass(frozen=True)
class Sweep:
    """One page to check: who looks at it, how wide the screen is, and how to get there."""

    signed_in: bool = False
    viewport: str = "phone"
    elderly: bool = False
    # A key of ``addresses`` to open, or a function ``(page, addresses)`` that acts its way there.
    reach: object = None


def _log_in_with_a_wrong_password(page, addresses):
    page.goto(addresses["login"])
    page.locator("#id_login-username").fill(NOBODY)
    page.locator("#id_login-password").fill("not-the-password")
    page.locator("button[name=login_submit]").click()
    expect(page.locator("#login_form .alert-danger, #login_form .invalid-feedback").first).to_be_visible()


def _register_with_passwords_that_differ(page, addresses):
    page.goto(addresses["login"])
    form = page.locator("#register_form")
    form.locator("input[type=email]").fill(NOBODY)
    form.locator("input[type=password]").nth(0).fill("Panlong-2026!x")
    form.locator("input[type=password]").nth(1).fill("Panlong-2026!y")
    form.locator("button[name=registration_submit]").click()
    expect(page.locator("#register_form .alert-danger, #register_form .invalid-feedback").first).to_be_visible()


def _ask_for_a_password_reset(page, addresses):
    # Nobody has this address, so no mail goes out; the resident still sees the "sent" page.
    page.goto(addresses["password reset"])
    page.locator("main input[type=email]").fill(NOBODY)
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert "password-reset" in page.url


def _choose_a_community_on_the_home_page(page, addresses):
    # The choice stays in this browser's session, so the anonymous pages checked after it (the community
    # page says "this is your community") are seen as a resident who has chosen would see them.
    page.goto("/")
    choice = page.locator("#community-choice")
    choice.select_option(index=1)
    page.locator("form.community-choice button[type=submit]").click()
    expect(page.locator(".station-card__name")).to_be_visible()


PHONE_PAGES = {
    # Anyone
    "home": Sweep(reach="home"),
    "home, community chosen": Sweep(reach=_choose_a_community_on_the_home_page),
    "search, empty": Sweep(reach="search"),
    "search, query": Sweep(reach="search query"),
    "search, filtered": Sweep(reach="search filtered"),
    "search, no results": Sweep(reach="search no results"),
    "search, relaxed to its parts": Sweep(reach="search relaxed"),
    "sector index": Sweep(reach="sector"),
    "sector index, filtered": Sweep(reach="sector filtered"),
    "service page, free": Sweep(reach="free service"),
    "service page, paid": Sweep(reach="paid service"),
    "news index": Sweep(reach="news"),
    "news index, legal education": Sweep(reach="news legal education"),
    "news index, tag": Sweep(reach="news tag"),
    "article": Sweep(reach="article"),
    "legal-education article": Sweep(reach="legal-education article"),
    "community index": Sweep(reach="communities"),
    "community page": Sweep(reach="community"),
    "accessibility statement": Sweep(reach="accessibility"),
    "standard page": Sweep(reach="standard page"),
    "street index": Sweep(reach="index"),
    "street index, other period": Sweep(reach="index period"),
    "street index, street": Sweep(reach="index street"),
    "street index, community": Sweep(reach="index community"),
    "street index, provider": Sweep(reach="index provider"),
    "service circle (coverage)": Sweep(reach="coverage"),
    "street index, unknown street": Sweep(reach="index unknown street"),
    "login and registration": Sweep(reach="login"),
    "login, wrong password": Sweep(reach=_log_in_with_a_wrong_password),
    "registration, errors": Sweep(reach=_register_with_passwords_that_differ),
    "password reset": Sweep(reach="password reset"),
    "password reset, sent": Sweep(reach=_ask_for_a_password_reset),
    # Elderly mode (长辈版)
    "home, elderly mode": Sweep(elderly=True, reach="home"),
    "service page, elderly mode": Sweep(elderly=True, reach="free service"),
    # The signed-in resident
    "my bookings": Sweep(signed_in=True, reach="my bookings"),
    "booking": Sweep(signed_in=True, reach="booking"),
    "rating form": Sweep(signed_in=True, reach="rate visit"),
    "follow-up case confirmation": Sweep(signed_in=True, reach="follow-up case"),
    "notice settings": Sweep(signed_in=True, reach="notices"),
    "dependants": Sweep(signed_in=True, reach="dependants"),
    "home, signed in": Sweep(signed_in=True, reach="home"),
    "service page, signed in": Sweep(signed_in=True, reach="free service"),
}
# The resident's account: "my data and settings" and its pages (Oscar's shop tabs are gone, issue 19).
ACCOUNT_PAGES = (
    "account profile",
    "account profile edit",
    "account change password",
    "account delete profile",
)
PHONE_PAGES.update({name: Sweep(signed_in=True, reach=name) for name in ACCOUNT_PAGES})

# Where the layout changes on a wide screen (columns, open filters, wide tables).
WIDE_LAYOUTS = (
    "home",
    "search, query",
    "sector index",
    "service page, free",
    "service page, paid",
    "street index",
    "street index, street",
    "my bookings",
    "account profile",
)
DESKTOP_PAGES = {
    f"{name} (desktop)": Sweep(viewport="desktop", signed_in=PHONE_PAGES[name].signed_in, reach=PHONE_PAGES[name].reach)
    for name in WIDE_LAYOUTS
}
PAGES = {**PHONE_PAGES, **DESKTOP_PAGES}


def _href(locator):
    """The link's address as the browser resolves it (path and query): some links are just "?tag=…"."""
    return locator.first.evaluate("a => a.pathname + a.search")


def _first_service(page, live_app, search_path, fee_label):
    """The filtered results' address, and the first service in them."""
    page.goto(search_path)
    page.get_by_role("group", name="Price").get_by_label(fee_label).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**free=*")
    return page.url.removeprefix(live_app), _href(page.locator("main .service-card a, main h2 a, main h3 a"))


@pytest.fixture(scope="module")
def addresses(browser, live_app):
    """Every page's address, found by following links as the resident would (in English)."""
    context = browser.new_context(base_url=live_app, viewport=VIEWPORTS["desktop"])
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_app}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    found = {"home": "/", "search": "/search/"}

    page.goto("/")
    nav = page.get_by_role("navigation", name="Main menu")
    found["sector"] = _href(nav.get_by_role("link").first)
    # The menu shows the editors' page titles (in Chinese in both languages), so links are told by address.
    found["news"] = _href(nav.locator("a[href$='/news/']"))
    found["communities"] = _href(nav.locator("a[href$='/communities/']"))
    found["index"] = _href(nav.locator("a[href$='/index/']"))
    found["coverage"] = _href(nav.locator("a[href$='/index/coverage/']"))
    footer = page.get_by_role("navigation", name="Site information")
    found["accessibility"] = _href(footer.locator("a[href$='/accessibility/']"))
    found["standard page"] = _href(footer.locator("a:not([href$='/accessibility/'])"))
    found["login"] = _href(page.get_by_role("link", name="Log in or register"))

    # The home page's one search box is its own, in the page (the header has none there).
    page.get_by_role("main").get_by_label("What do you need?").fill("legal")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search/?*")
    found["search query"] = page.url.removeprefix(live_app)
    found["search no results"] = "/search/?q=zzqqxxnothing"
    found["search relaxed"] = "/search/?q=%E8%80%81%E6%9D%BF%E6%AC%A0%E8%96%AA"  # 老板欠薪
    found["search filtered"], found["free service"] = _first_service(page, live_app, "/search/", "Free")
    _, found["paid service"] = _first_service(page, live_app, "/search/", "Paid")
    found["sector filtered"], _ = _first_service(page, live_app, found["sector"], "Free")

    page.goto(found["news"])
    page.get_by_role("link", name="Legal education").first.click()
    page.wait_for_url("**kind=*")
    found["news legal education"] = page.url.removeprefix(live_app)
    found["legal-education article"] = _href(page.locator("main .article-card h2 a"))
    page.goto(found["news"])
    found["article"] = _href(page.locator("main .article-card h2 a"))
    found["news tag"] = _href(page.locator("main a[href*='tag=']"))

    page.goto(found["communities"])
    found["community"] = _href(page.locator("main a[href^='/communities/']"))

    page.goto(found["index"])
    street_link = page.locator("main a[href^='/index/streets/']")
    found["index street"] = _href(street_link)
    found["index unknown street"] = "/index/streets/no-such-street/"
    current = page.locator("#period-choice").input_value()
    other = [value for value in page.locator("#period-choice option").evaluate_all("os => os.map(o => o.value)")]
    page.locator("#period-choice").select_option(next(value for value in other if value != current))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=*")
    found["index period"] = page.url.removeprefix(live_app)
    page.goto(found["index street"])
    found["index community"] = _href(page.locator("main a[href^='/index/communities/']"))
    found["index provider"] = _href(page.locator("main a[href^='/index/providers/']"))

    page.goto(found["login"])
    found["password reset"] = _href(page.get_by_role("link", name="I've forgotten my password"))

    log_in(page, RESIDENT)
    # The account's links are under "Me" in the header's bar, one tap away.
    page.get_by_role("banner").get_by_text("Me", exact=True).click()
    account = page.get_by_role("navigation", name="Account")
    found["my bookings"] = _href(account.get_by_role("link", name="My bookings"))
    found["notices"] = _href(account.get_by_role("link", name="Notices"))
    page.goto(found["my bookings"])
    found["dependants"] = _href(page.get_by_role("link", name="People I book for"))
    found["booking"] = _href(page.locator("main a[href^='/shop/accounts/bookings/']"))
    found["rate visit"] = _href(page.get_by_role("link", name="Rate this visit"))
    found["follow-up case"] = _href(page.locator("main a[href^='/ratings/visits/']").filter(has_text="Your rating"))
    page.goto(found["follow-up case"])
    expect(page.get_by_role("group", name="Is this resolved?")).to_be_visible()

    page.get_by_role("banner").get_by_text("Me", exact=True).click()
    page.goto(_href(account.get_by_role("link", name="My account")))
    found["account profile"] = page.url.removeprefix(live_app)
    found["account profile edit"] = _href(page.get_by_role("link", name="Change my name or phone"))
    found["account change password"] = _href(page.get_by_role("link", name="Change my password"))
    found["account delete profile"] = _href(page.get_by_role("link", name="Delete my account"))
    context.close()
    return found


@pytest.fixture(scope="module")
def page_for(browser, live_app):
    """One page per (language, screen, signed in, elderly mode), reused by every check that needs it."""
    pages = {}

    def page_for(language, sweep):
        key = (language, sweep.viewport, sweep.signed_in, sweep.elderly)
        if key not in pages:
            context = browser.new_context(
                base_url=live_app,
                viewport=VIEWPORTS[sweep.viewport],
                locale="zh-CN" if language == "zh-hans" else "en-GB",
                timezone_id="Asia/Shanghai",
            )
            cookies = [{"name": "django_language", "value": language, "url": live_app}]
            if sweep.elderly:
                cookies.append({"name": "elderly", "value": "1", "url": live_app})
            context.add_cookies(cookies)
            context.set_default_timeout(15_000)
            page = context.new_page()
            if sweep.signed_in:
                log_in(page, RESIDENT)
            pages[key] = page
        return pages[key]

    yield page_for
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(name, language, addresses, page_for):
    sweep = PAGES[name]
    page = page_for(language, sweep)
    if callable(sweep.reach):
        sweep.reach(page, addresses)
    else:
        page.goto(addresses[sweep.reach])
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []

"""axe-core on every page of the provider console, in both languages, as the counter clerk sees it.

Read-only: the clerk of 拓东街道公共法律服务工作站 opens each page (and the
counter's phone look-up, which finds but changes nothing); nothing is saved.
A resident who tries the console gets a page of its own, checked too.
"""

import re

import pytest

from tests.browser.conftest import axe_violations, log_in

CLERK = "tuodong-legal@example.com"
# resident-230's phone in the demo data (demo.data.resident_pool): the counter finds them by it.
RESIDENT_PHONE = "13987108510"

# One sign-in per run: its session cookie is reused by every page's fresh browser context.
_sessions = {}


def _signed_in(open_page, viewport, language):
    page = open_page(viewport=viewport, language=language)
    if "cookies" not in _sessions:
        log_in(page, CLERK, next_path="/provider/")
        _sessions["cookies"] = [cookie for cookie in page.context.cookies() if cookie["name"] != "django_language"]
    else:
        page.context.add_cookies(_sessions["cookies"])
    return page


def _console_url(page):
    """The console's base URL (/provider/<id>/): the clerk works for one provider, so /provider/ goes there."""
    if "base" not in _sessions:
        page.goto("/provider/")
        match = re.search(r"/provider/\d+/", page.url)
        assert match, f"the console did not open a provider's page: {page.url}"
        _sessions["base"] = match.group(0)
    return _sessions["base"]


def _links(page, pattern):
    return page.locator("main a[href]").evaluate_all(
        "(links, pattern) => links.map(a => a.getAttribute('href')).filter(h => new RegExp(pattern).test(h))",
        pattern,
    )


def _first_link(page, pattern):
    hrefs = _links(page, pattern)
    assert hrefs, f"no link matching {pattern} on {page.url}"
    page.goto(hrefs[0])


def _open_plan(page, base):
    page.goto(base + "plans/")
    _first_link(page, r"/plans/\d+/$")


def _open_plan_delete(page, base):
    page.goto(base + "plans/")
    _first_link(page, r"/plans/\d+/delete/$")


def _open_slot(page, base):
    """A slot's page: today's list has none left to change late in the day, so look at the next days too
    (two weeks of them: the Spring Festival closes services for up to nine days in a row)."""
    page.goto(base + "slots/")
    for _day in range(14):
        if _links(page, r"/slots/\d+/$"):
            break
        page.locator("main a[rel=next]").first.click()
        page.wait_for_load_state()
    _first_link(page, r"/slots/\d+/$")


def _open_counter_lookup(page, base):
    page.goto(base + "counter/")
    page.get_by_role("textbox", name=re.compile("phone|手机", re.I)).fill(RESIDENT_PHONE)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _open_counter_book(page, base):
    _open_counter_lookup(page, base)
    page.locator("main a[href*='/counter/book/']").first.click()
    page.wait_for_load_state()


def _open_reply_question(page, base):
    """The page that shows a reply as residents will read it, before it is published (a GET: nothing is saved)."""
    page.goto(base + "ratings/?show=awaiting_reply")
    form = page.locator("main form.rating-reply-form").first
    form.locator("textarea").fill("感谢您的评价，我们会继续改进。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"/ratings/\d+/reply/\?", page.url), page.url


def _open_slot_close_question(page, base):
    """The page that says what closing a slot cancels, before it is closed (a GET: nothing is saved)."""
    page.goto(base + "slots/")
    for _day in range(14):
        if page.locator("main details form[action*='/close/']").count():
            break
        page.locator("main a[rel=next]").first.click()
        page.wait_for_load_state()
    details = page.locator("main details:has(form[action*='/close/'])").first
    details.locator("summary").click()
    details.locator("input[name=reason]").fill("设备检修")
    details.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"/slots/\d+/close/\?", page.url), page.url


def _path(suffix):
    return lambda page, base: page.goto(base + suffix)


PAGES = {
    "day": _path("day/"),
    "day-print": _path("day/print/"),
    "week": _path("week/"),
    "counter": _path("counter/"),
    "counter-lookup": _open_counter_lookup,
    "counter-book": _open_counter_book,
    "closures": _path("closures/"),
    "plans": _path("plans/"),
    "plan-new": _path("plans/new/"),
    "plan-edit": _open_plan,
    "plan-delete": _open_plan_delete,
    "slots": _path("slots/"),
    "slot-edit": _open_slot,
    "ratings": _path("ratings/"),
    "rating-reply-question": _open_reply_question,
    "slot-close-question": _open_slot_close_question,
    "cases": _path("cases/"),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_console_page_has_no_axe_violations_on_a_phone(open_page, name, language):
    page = _signed_in(open_page, "phone", language)
    base = _console_url(page)
    PAGES[name](page, base)
    assert page.locator("h1").count() >= 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_console_day_has_no_axe_violations_on_a_desktop(open_page, language):
    page = _signed_in(open_page, "desktop", language)
    page.goto(_console_url(page) + "day/")
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_that_turns_a_resident_away_from_the_console_has_no_axe_violations(open_page, language):
    page = open_page(viewport="phone", language=language)
    log_in(page, "resident-221@example.com")
    response = page.goto("/provider/")
    assert response.status == 403
    assert axe_violations(page) == []

"""The provider's and the editor's journeys in the browser: checking a resident in, booking at the counter,
publishing a page.

A resident books a slot of 拓东街道公共法律服务工作站 for today on the site; the
counter clerk finds them in the console's list of the day and checks them in;
the resident sees the visit checked in. If no slot later today has room, the
clerk first makes room through the console's own schedule pages, as a clerk
would. "Today" is the live app's: 10:00 on a working day, whatever the hour and
the day the tests run (tests/browser/clock.py), and the test reads that clock
too. A resident who walks in is booked by the clerk at the counter, who hands
over the code and prints the slip; axe-core checks both pages. A news editor
writes an article in Wagtail, submits it, a moderator approves it, and anyone
can read it on the public site.
"""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.dates import WEEKDAYS
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from marketplace.users.models import mask_phone
from tests.browser.conftest import PASSWORD, axe_violations, log_in

# Writes to the database: BROWSER_TESTS=journeys runs it, against PostgreSQL too (README). The test's
# "now" is the app's (``datetime.now(ZONE)`` below).
pytestmark = [pytest.mark.journey, pytest.mark.usefixtures("on_the_apps_clock")]

CLERK = "tuodong-legal@example.com"
SERVICE = "免费法律咨询"
SERVICE_URL = "/legal/free-legal-consultation/"
ZONE = ZoneInfo("Asia/Shanghai")
# Online, a slot can be booked only up to its service's minimum notice before it starts (the demo's
# services keep Product.min_notice_minutes' default, 30 minutes); the clerk's counter is not held to it.
NOTICE = timedelta(minutes=30)
# A booking needs the slot still ahead of the notice: this much time to sign in, book and check in.
MARGIN = NOTICE + timedelta(minutes=5)
# The clerk checks a resident in from CHECK_IN_OPENS_MINUTES (60, the live app's default) before the slot:
# the journey books a slot that starts within that, less the few minutes the journey takes.
CHECK_IN_OPENS = timedelta(minutes=60) - timedelta(minutes=5)


def tr(language, text):
    with translation.override(language):
        return translation.gettext(text)


def resident_phone(number):
    """The demo resident's phone (demo.data.resident_pool), to check the console shows it masked."""
    return f"139{87100000 + number * 37:08d}"


def _console(page):
    log_in(page, CLERK, next_path="/provider/")
    match = re.search(r"/provider/\d+/", page.url)
    assert match, f"the clerk did not land in the console: {page.url}"
    return match.group(0)


def _todays_slots(page, base):
    """Today's slots of the service as the console's slot list shows them: (id, start, end, free online)."""
    page.goto(base + "slots/")
    table = page.get_by_role("table").filter(has=page.locator("caption", has_text=SERVICE))
    rows = table.locator("tbody tr").evaluate_all(
        """rows => rows.map(row => {
            const edit = row.querySelector("a[href*='/slots/']");
            return {
                time: row.querySelector("th").textContent.trim(),
                free: parseInt(row.querySelectorAll("td")[3].textContent, 10),
                id: edit ? edit.getAttribute("href").match(/slots\\/(\\d+)\\//)[1] : null,
            };
        })"""
    )
    today = datetime.now(ZONE).date()

    def at(hhmm):
        return datetime.combine(today, datetime.strptime(hhmm, "%H:%M").time(), ZONE)

    return [(row["id"], at(row["time"][:5]), at(row["time"][-5:]), row["free"]) for row in rows]


def _add_a_session_later_today(page, base, language, taken):
    """A one-day weekly plan: one half-hour slot with five places, soon enough to check in, at a start no
    slot of the service has (``taken``)."""
    now = datetime.now(ZONE)
    start = (now + MARGIN + timedelta(minutes=5)).replace(second=0, microsecond=0)
    start += timedelta(minutes=-start.minute % 5)
    while start in taken:
        start += timedelta(minutes=5)
    assert start <= now + CHECK_IN_OPENS, f"no free start before check-in closes in on {start}"
    # The app's clock is pinned to the morning of a working day: there is room today, and plans make slots.
    assert (start + timedelta(minutes=30)).date() == now.date(), f"no room left today for a session at {start}"
    page.goto(base + "plans/new/")
    page.locator("#id_offering").select_option(label=SERVICE)
    # Every weekday: on a make-up workday (调休) the plans of another weekday apply.
    with translation.override(language):
        weekdays = [str(name) for name in WEEKDAYS.values()]
    for weekday in weekdays:
        page.get_by_role("checkbox", name=weekday, exact=True).check()
    page.locator("#id_opens_at").fill(f"{start:%H:%M}")
    page.locator("#id_closes_at").fill(f"{start + timedelta(minutes=30):%H:%M}")
    page.locator("#id_slot_minutes").fill("30")
    page.locator("#id_capacity").fill("5")
    page.locator("#id_counter_capacity").fill("0")
    page.locator("#id_valid_from").fill(f"{now:%Y-%m-%d}")
    page.locator("#id_valid_to").fill(f"{now:%Y-%m-%d}")
    page.get_by_role("button", name=tr(language, "Save and update the slots")).click()
    expect(page.locator("#messages")).to_contain_text(re.compile(r"\d"))


def _slot_with_room_today(page, base, language, held):
    """A slot of the service starting within the hour (so it can be checked in once booked) with a place free
    online that the resident does not hold already, made by the clerk if there is none."""
    for _attempt in range(2):
        slots = _todays_slots(page, base)
        now = datetime.now(ZONE)
        ahead = [
            slot for slot in slots if slot[0] and now + MARGIN < slot[1] <= now + CHECK_IN_OPENS and slot[1] not in held
        ]
        free = [slot_id for slot_id, _start, _end, places in ahead if places > 0]
        if free:
            return free[0]
        if ahead:
            # A slot later today, full: one more place, as the clerk does for a resident on the phone.
            slot_id = ahead[-1][0]
            page.goto(f"{base}slots/{slot_id}/")
            capacity = page.locator("#id_capacity")
            capacity.fill(str(int(capacity.input_value()) + 1))
            page.get_by_role("button", name=tr(language, "Save"), exact=True).click()
            expect(page.locator("#messages")).to_be_visible()
            return slot_id
        _add_a_session_later_today(page, base, language, taken={start for _id, start, _end, _free in slots})
    pytest.fail("the console made no slot later today")


def _upcoming(page):
    """When the resident's bookings of the service still to end start (from "my bookings")."""
    page.goto("/shop/accounts/bookings/")
    starts = (
        page.get_by_role("row")
        .filter(has_text=SERVICE)
        .locator("time[datetime]")
        .evaluate_all("times => times.map(time => time.getAttribute('datetime'))")
    )
    earliest = datetime.now(ZONE) - timedelta(minutes=30)  # the service's slots last half an hour
    return {start for start in (datetime.fromisoformat(each).astimezone(ZONE) for each in starts) if start > earliest}


def _resident_who_may_book(open_page, viewport, language, numbers):
    """The first of ``numbers`` who may book the service once more today.

    Each demo resident holds at most two upcoming bookings of it (and a checked-in visit counts until it
    ends), so each test has a few residents of its own and reruns on the same day take the next one.
    """
    for number in numbers:
        page = open_page(viewport=viewport, language=language)
        log_in(page, f"resident-{number}@example.com")
        upcoming = _upcoming(page)
        if len(upcoming) < 2:
            return number, page, upcoming
        page.context.close()
    pytest.skip(f"residents {numbers[0]}–{numbers[-1]} already hold every booking of {SERVICE} they may today")


def _book(page, slot_id, language, base):
    """The resident books the slot (today, at the console's provider) on the service page and reads the
    booking code. The page shows one provider's day at a time: the provider and the day are chosen first."""
    provider = re.search(r"/provider/(\d+)/", base).group(1)
    page.goto(f"{SERVICE_URL}?provider={provider}&day={datetime.now(ZONE):%Y-%m-%d}")
    page.locator(f"button.slot-choice[name=slot][value='{slot_id}']").click()
    page.get_by_role("button", name=tr(language, "Confirm booking")).click()
    code = page.locator("#booking-code")
    expect(code).to_have_text(re.compile(r"^\s*[A-Z0-9]{6,}\s*$"))
    return code.inner_text().strip()


FOCUSED = """() => {
    const element = document.activeElement, style = getComputedStyle(element);
    return {
        text: element.textContent.trim(),
        element: element.outerHTML.slice(0, 120),
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
            // Past its day, month and year, Tab stops on a date field's own calendar button, inside the
            // field (the field itself no longer matches :focus); Chromium draws that button's ring.
            || (element.type === "date" && !element.matches(":focus")),
    };
}"""


def _focused_with_a_visible_ring(page):
    """The focused element's text, once its focus ring shows (a date field draws it a moment after Tab)."""
    try:
        page.wait_for_function(f"({FOCUSED})().ring", timeout=3000)
    except PlaywrightTimeout:
        pytest.fail(f"no visible focus ring on {page.evaluate(FOCUSED)['element']}")
    return page.evaluate(FOCUSED)["text"]


@pytest.mark.parametrize(
    ("viewport", "language", "numbers"),
    [("phone", "zh-hans", range(221, 226)), ("desktop", "en", range(226, 231))],
    ids=["phone-zh-hans", "desktop-en"],
)
def test_the_clerk_checks_in_a_resident_who_booked_online(open_page, viewport, language, numbers):
    number, resident, held = _resident_who_may_book(open_page, viewport, language, numbers)
    clerk = open_page(viewport=viewport, language=language)
    base = _console(clerk)
    slot_id = _slot_with_room_today(clerk, base, language, held)

    code = _book(resident, slot_id, language, base)

    clerk.goto(base + "day/")
    row = clerk.get_by_role("row").filter(has_text=code)
    phone = resident_phone(number)
    expect(row).to_contain_text(mask_phone(phone))
    expect(clerk.locator("main")).not_to_contain_text(phone)
    expect(row).to_contain_text(tr(language, "Booked"))
    check_in = row.get_by_role("button", name=re.compile(f"^{re.escape(tr(language, 'Check in'))}"))
    if viewport == "desktop":
        # At the counter PC, with the keyboard alone: Tab from the code field to the row's button, each stop visible.
        for _step in range(80):
            clerk.keyboard.press("Tab")
            text = _focused_with_a_visible_ring(clerk)
            if text.startswith(tr(language, "Check in")) and code in text:
                break
        else:
            pytest.fail("the row's Check in button cannot be reached with Tab")
        clerk.keyboard.press("Enter")
    else:
        check_in.click()
    expect(clerk.get_by_role("alert").or_(clerk.locator("#messages"))).to_contain_text(code)
    row = clerk.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text(tr(language, "Checked in"))
    expect(row.locator(".console-status")).to_contain_text("✓")
    expect(row.get_by_role("button")).to_have_count(0)

    resident.goto("/shop/accounts/bookings/")
    expect(resident.get_by_role("row").filter(has_text=code)).to_contain_text(tr(language, "Checked in"))


def _book_at_the_counter(clerk, base, language, number):
    """The clerk looks the resident up by phone and books the first time with a place, today or in the days ahead.

    The booking code, or None when the resident may not be booked (they already hold what the service allows).
    """
    clerk.goto(base + "counter/")
    clerk.get_by_role("textbox", name=tr(language, "Mobile phone"), exact=True).fill(resident_phone(number))
    clerk.locator("main").get_by_role("button", name=tr(language, "Find"), exact=True).click()
    clerk.locator("main a[href*='/counter/book/']").first.click()
    # Two weeks: the Spring Festival closes services for up to nine days in a row.
    for _day in range(14):
        if clerk.locator("main input[name=slot]").count():
            break
        clerk.get_by_role("link", name=re.compile(re.escape(tr(language, "Next day")))).click()
        clerk.wait_for_load_state()
    else:
        pytest.skip("no time with a place for the counter in the coming two weeks")
    clerk.locator("main input[name=slot]").first.check()
    clerk.get_by_role("textbox", name=tr(language, "Note for the provider (optional)")).fill("轮椅 wheelchair")
    clerk.locator("main input[name=consent]").check()
    clerk.get_by_role("button", name=tr(language, "Book for the resident")).click()
    clerk.wait_for_load_state()
    match = re.search(r"/counter/bookings/([A-Z0-9]+)/$", clerk.url)
    return match.group(1) if match else None


@pytest.mark.parametrize(
    ("viewport", "language", "numbers"),
    [("phone", "zh-hans", range(231, 236)), ("desktop", "en", range(236, 241))],
    ids=["phone-zh-hans", "desktop-en"],
)
def test_the_clerk_books_a_walk_in_and_prints_the_slip(open_page, viewport, language, numbers):
    clerk = open_page(viewport=viewport, language=language)
    base = _console(clerk)
    for number in numbers:
        code = _book_at_the_counter(clerk, base, language, number)
        if code:
            break
    else:
        pytest.skip(f"residents {numbers[0]}–{numbers[-1]} already hold every booking the counter may make")
    phone = resident_phone(number)

    # The code, large, to copy onto a slip; the phone masked; the note and the consent kept.
    expect(clerk.get_by_role("heading", level=2)).to_contain_text(tr(language, "3. Booking code"))
    expect(clerk.locator(".counter-code")).to_have_text(code)
    expect(clerk.locator("main")).to_contain_text(mask_phone(phone))
    expect(clerk.locator("main")).not_to_contain_text(phone)
    expect(clerk.locator("main")).to_contain_text("轮椅 wheelchair")
    expect(clerk.locator("main")).to_contain_text(tr(language, "Consent recorded"))
    assert axe_violations(clerk) == []

    clerk.get_by_role("link", name=tr(language, "Print the slip")).click()
    expect(clerk).to_have_title(re.compile(re.escape(code)))
    expect(clerk.locator(".code")).to_have_text(code)
    expect(clerk.locator("main")).to_contain_text(mask_phone(phone))
    expect(clerk.locator("main")).not_to_contain_text(phone)
    expect(clerk.get_by_role("figure")).to_be_visible()  # the QR code to show at the counter
    assert axe_violations(clerk) == []

    clerk.get_by_role("link", name=tr(language, "Back to the console")).click()
    expect(clerk.locator(".counter-code")).to_have_text(code)


def _cms_log_in(page, email):
    page.goto("/cms/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile("/cms/login/"))


def test_an_editors_article_goes_live_once_a_moderator_approves_it(open_page):
    title = f"社区法治讲座回顾 {uuid.uuid4().hex[:8]}"
    summary = f"拓东街道的律师讲解了遗嘱与继承。{uuid.uuid4().hex[:6]}"

    editor = open_page(viewport="desktop", language="en")
    _cms_log_in(editor, "news-editor@example.com")
    editor.goto("/cms/pages/search/?q=新闻动态")
    editor.get_by_role("link", name="新闻动态", exact=True).first.click()
    news_index = re.search(r"/cms/pages/(\d+)/", editor.url).group(1)
    editor.goto(f"/cms/pages/{news_index}/")
    editor.get_by_role("link", name=re.compile("Add child page")).first.click()
    editor.locator("#id_title").fill(title)
    editor.locator("#id_summary").fill(summary)
    # Editors cannot publish (cms.editorial): they submit, and a moderator approves.
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name=re.compile("^Submit to")).click()
    expect(editor.locator(".messages")).to_contain_text("submitted for moderation")

    visitor = open_page(viewport="phone", language="zh-hans")
    visitor.goto("/news/")
    expect(visitor.get_by_role("link", name=title)).to_have_count(0)

    moderator = open_page(viewport="desktop", language="en")
    _cms_log_in(moderator, "moderator@example.com")
    moderator.goto("/cms/")
    review = moderator.get_by_role("row").filter(has_text=title)
    review.get_by_role("button", name="Actions").click()
    review.get_by_role("button", name="Approve", exact=True).click()
    expect(moderator.get_by_role("row").filter(has_text=title)).to_have_count(0)  # no longer awaiting review

    visitor.goto("/news/")
    visitor.get_by_role("link", name=title).first.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.locator("main")).to_contain_text(summary)

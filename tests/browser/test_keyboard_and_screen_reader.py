"""Booking with the keyboard alone, and what a screen reader says about times and form errors."""

import re
from datetime import datetime

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in
from tests.browser.test_resident_journeys import cancel_leftovers, t

# Writes to the database: BROWSER_TESTS=journeys runs it, against PostgreSQL too (README).
pytestmark = pytest.mark.journey

STUDY_ROOM = "/culture/study-room/"  # free, forty seats a session, cancellable up to an hour before
FREE_CONSULTATION = "/legal/free-legal-consultation/"

# What the focused element shows: its focus ring, where it sits, and which landmark holds it.
FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName,
        text: (element.innerText || element.value || element.getAttribute("aria-label") || "").trim().slice(0, 60),
        href: element.getAttribute("href"),
        classes: element.className,
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
        landmark: (element.closest("header, main, footer") || {}).tagName || null,
        top: box.top + window.scrollY,
        inLastDayNav: !!element.closest(".day-nav") && !element.closest("li").nextElementSibling,
        slotChoice: element.matches("button.slot-choice.btn-primary"),
    };
}"""


def tab_until(page, wanted, limit=250, backwards=False):
    """Press Tab until ``wanted(focused)`` holds; every element on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["ring"], f"no visible focus indicator on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the element wanted on {page.url}")


def test_book_and_cancel_with_the_keyboard_alone(open_page):
    page = open_page(viewport="desktop", language="en")
    log_in(page, "resident-205@example.com")
    cancel_leftovers(page, "en", "自习室座位预约")
    page.goto(STUDY_ROOM)

    # The furthest day with free seats, so the booking can still be cancelled online.
    tab_until(page, lambda focused: focused["inLastDayNav"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]day="))
    chosen = tab_until(page, lambda focused: focused["slotChoice"])
    assert re.match(r"\d\d:\d\d–\d\d:\d\d", chosen["text"]), chosen
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    tab_until(page, lambda focused: focused["text"] == "Confirm booking")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking is confirmed")
    code = page.locator("#booking-code").inner_text().strip()

    tab_until(page, lambda focused: focused["landmark"] == "MAIN" and focused["text"] == "My bookings")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    tab_until(page, lambda focused: focused["text"] == code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    cancel = tab_until(page, lambda focused: focused["text"] == "Cancel this booking")
    assert cancel["tag"] == "A"  # it asks first, on a page of its own
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel the booking?")
    tab_until(page, lambda focused: focused["text"] == "Yes, cancel this booking")
    page.keyboard.press("Enter")
    expect(page.locator(".badge-status")).to_have_text("Cancelled")
    # Shift+Tab walks back up the same way: from the page's end to the breadcrumb's "My bookings".
    tab_until(page, lambda focused: focused["text"] == "My bookings" and focused["landmark"] == "MAIN", backwards=True)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_focus_follows_the_page_from_header_to_footer(open_page, viewport):
    page = open_page(viewport=viewport, language="zh-hans")
    page.goto(FREE_CONSULTATION)
    order = ("HEADER", "MAIN", "FOOTER")
    seen = []
    previous_top = -1
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (seen and focused["landmark"] == "HEADER" and seen[-1] == "FOOTER"):
            break  # back at the start: focus left the page, it was not trapped
        assert focused["ring"], f"no visible focus indicator on {focused}"
        landmark = focused["landmark"]
        if landmark in order:
            assert not seen or order.index(landmark) >= order.index(seen[-1]), f"focus went back up to {focused}"
            if not seen or seen[-1] != landmark:
                seen.append(landmark)
        if landmark == "MAIN":
            # Within the content, each next stop is further down the page (or on the same line).
            assert focused["top"] >= previous_top - 4, f"focus jumped up the page to {focused}"
            previous_top = focused["top"]
    assert seen == list(order), f"Tab went through {seen}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_times_are_announced_with_their_day_and_range(open_page, language):
    page = open_page(viewport="desktop", language=language)
    page.goto(FREE_CONSULTATION)
    choices = page.get_by_role("region", name=t(language, "Book a time")).locator("button.slot-choice")
    expect(choices.first).to_be_visible()
    for index in range(min(3, choices.count())):
        button = choices.nth(index)
        time = button.locator("time")
        start = datetime.fromisoformat(time.get_attribute("datetime"))
        expect(time).to_have_text(re.compile(rf"^{start:%H:%M}–\d\d:\d\d$"))
        with translation.override(language):
            day = formats.date_format(start, translation.gettext("l j F"))
            weekday = formats.date_format(start, "l")
        assert weekday in day  # the weekday in the page's language, e.g. 星期六 / Saturday
        # What is read starts with what is seen, then says the day in words.
        visible = button.evaluate(
            "b => [...b.childNodes].filter(n => !n.classList?.contains('sr-only'))"
            ".map(n => n.textContent).join('').trim()"
        )
        expect(button).to_have_accessible_name(re.compile("^" + re.escape(visible) + r"\W+" + re.escape(day)))
        expect(button).not_to_have_attribute("aria-label", re.compile(".*"))
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_form_errors_are_tied_to_their_fields(open_page, language):
    page = open_page(viewport="phone", language=language)
    page.goto("/shop/accounts/login/")
    # Registering an address that already has an account: the error belongs to the email field.
    email = page.locator("#id_registration-email")
    email.fill("resident-206@example.com")
    page.locator("#id_registration-password1").fill("Panlong-2026!again")
    page.locator("#id_registration-password2").fill("Panlong-2026!again")
    page.locator("button[name=registration_submit]").click()

    message = t(language, "A user with that email address already exists")
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby")
    assert described_by, "the email field names no description"
    for element_id in described_by.split():
        expect(page.locator(f"[id='{element_id}']")).to_be_visible()
    expect(email).to_have_accessible_description(re.compile(re.escape(message)))
    assert axe_violations(page) == []

    # A wrong password is the form's error, not one field's: both fields say so.
    page.locator("#id_login-username").fill("resident-206@example.com")
    page.locator("#id_login-password").fill("not-the-password")
    page.locator("button[name=login_submit]").click()
    wrong = t(
        language, "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    )
    for field in (page.locator("#id_login-username"), page.locator("#id_login-password")):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("^" + re.escape(wrong.split("%(username)s")[0])))
    assert axe_violations(page) == []

"""A resident's journeys, at a phone's width in Chinese and a desktop's in English.

Find a service by search and by sector; book a free time, find it in "my
bookings", cancel it and see its place free again; book a paid time and pay it
on the sandbox gateway. Every test cancels what it books, so the suite can run
again against the same server.
"""

import re
from datetime import datetime

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

# Writes to the database: BROWSER_TESTS=journeys runs it, against PostgreSQL too (README).
pytestmark = pytest.mark.journey

# (viewport, language): each journey walks both languages, one per width.
WIDTHS = [("phone", "zh-hans"), ("desktop", "en")]
WIDTH_IDS = ["phone-zh", "desktop-en"]

LIBRARY_CARD = "/culture/library-card/"  # free, five places a half-hour, Tuesday to Sunday
PHOTOGRAPHY = "/culture/photography-class/"  # ¥20, twenty places on Saturdays


def t(language, message, context=None):
    """What the page says for ``message`` in ``language``."""
    with translation.override(language):
        return translation.pgettext(context, message) if context else translation.gettext(message)


def t_plural(language, singular, plural, number):
    with translation.override(language):
        return translation.ngettext(singular, plural, number) % {"remaining": number}


def slot_choices(page, language):
    """The service page's bookable times (buttons with places left), in page order."""
    region = page.get_by_role("region", name=t(language, "Book a time"))
    return region.locator("button.slot-choice.btn-primary")


def open_last_day(page, language):
    """The bookable times of the shown provider's furthest day: far enough ahead to cancel what is booked."""
    days = page.locator("#when .day-nav a")
    if days.count() > 1:
        days.last.click()
        expect(days.last).to_have_attribute("aria-current", "true")
    times = page.locator("#times button.slot-choice.btn-primary")
    expect(times.first).to_be_visible()
    return times


def slot_start(button):
    return datetime.fromisoformat(button.locator("time").get_attribute("datetime"))


def places_left(button):
    return int(re.search(r"·\D*(\d+)", button.inner_text()).group(1))


def slot_id(button):
    return button.get_attribute("value")


def slot_button(page, slot):
    """The choice for slot ``slot`` (its id), bookable or full."""
    return page.locator(f"button.slot-choice[name=slot][value='{slot}']")


def book_first_time_of_last_day(page, language):
    """Book the first free time of the furthest day; return its start, places left before, id and service page."""
    button = open_last_day(page, language).first
    service_url = page.url
    start, before, slot = slot_start(button), places_left(button), slot_id(button)
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Confirm your booking"))
    assert axe_violations(page) == []
    page.get_by_role("button", name=t(language, "Confirm booking")).click()
    expect(page.locator("#booking-code")).to_be_visible()
    assert axe_violations(page) == []
    return start, before, slot, service_url


def open_booking_from_list(page, language, title, start):
    """From "my bookings", open the booking of ``title`` at ``start``; return its code."""
    page.goto("/shop/accounts/bookings/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "My bookings"))
    row = (
        page.get_by_role("row").filter(has_text=title).filter(has=page.locator(f"time[datetime='{start.isoformat()}']"))
    )
    row = row.filter(has_not_text=t(language, "Cancelled"))
    expect(row).to_have_count(1)
    link = row.get_by_role("link").first
    code = link.inner_text().strip()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    return code


def cancel_leftovers(page, language, title):
    """Cancel what an interrupted earlier run of this test left booked, so the account may book again."""
    page.goto("/shop/accounts/bookings/")
    held = (t(language, "Booked"), t(language, "Awaiting payment"))
    rows = page.get_by_role("row").filter(has_text=title)
    links = [
        row.get_by_role("link").first.get_attribute("href")
        for row in rows.all()
        if row.get_by_role("cell").nth(5).inner_text().strip().startswith(held)
    ]
    for href in links:
        page.goto(href)
        cancel = page.get_by_role("link", name=t(language, "Cancel this booking"))
        if cancel.count():
            cancel_open_booking(page, language)


def cancel_open_booking(page, language, check_axe=False):
    """Cancel the booking whose page is open: the link asks first, on a page of its own (issue 19, item 4)."""
    page.get_by_role("link", name=t(language, "Cancel this booking")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Cancel the booking?"))
    if check_axe:
        assert axe_violations(page) == []
    page.get_by_role("button", name=t(language, "Yes, cancel this booking")).click()
    status = page.locator(".badge-status")
    expect(status).to_have_text(t(language, "Cancelled"))


@pytest.mark.parametrize(("viewport", "language"), WIDTHS, ids=WIDTH_IDS)
def test_find_a_service_by_search_and_by_sector(open_page, viewport, language):
    page = open_page(viewport=viewport, language=language)
    # Sectors and services read in the page's language: the demo gives every one an English name.
    title, sector = {"zh-hans": ("图书馆读者证办理", "文化"), "en": ("Library card", "Culture")}[language]
    page.goto("/")
    search = page.get_by_role("main").get_by_label(t(language, "What do you need?"))
    search.fill("读者证")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    page.get_by_role("main").get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(LIBRARY_CARD + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=re.compile("^" + sector)).first.click()
    expect(page).to_have_url(re.compile(r"/culture/$"))
    page.get_by_role("main").get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(LIBRARY_CARD + "$"))
    expect(slot_choices(page, language).first).to_be_visible()


@pytest.mark.parametrize(("viewport", "language"), WIDTHS, ids=WIDTH_IDS)
def test_a_need_in_everyday_words_finds_its_service_and_nothing_found_still_helps(open_page, viewport, language):
    page = open_page(viewport=viewport, language=language)
    typed, service = {
        "zh-hans": ("被公司辞退了怎么办", "劳动争议法律咨询"),
        "en": ("how do I get a divorce", "Marriage and family legal consultation"),
    }[language]
    page.goto("/")
    search = page.get_by_role("main").get_by_label(t(language, "What do you need?"))
    search.fill(typed)
    search.press("Enter")
    main = page.get_by_role("main")
    expect(main.get_by_role("note")).to_contain_text(typed)
    main.get_by_role("link", name=service).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(service)

    page.goto("/search/?q=zzqqxxnothing")
    expect(main.get_by_role("link", name="12348")).to_be_visible()
    sector = {"zh-hans": "法律服务", "en": "Legal services"}[language]
    main.get_by_role("link", name=sector, exact=True).click()
    expect(page).to_have_url(re.compile(r"/legal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sector)


@pytest.mark.parametrize(
    ("viewport", "language", "email"),
    [(*WIDTHS[0], "resident-201@example.com"), (*WIDTHS[1], "resident-202@example.com")],
    ids=WIDTH_IDS,
)
def test_book_a_free_time_see_it_and_cancel_it(open_page, viewport, language, email):
    page = open_page(viewport=viewport, language=language)
    log_in(page, email)
    cancel_leftovers(page, language, "图书馆读者证办理")
    page.goto(LIBRARY_CARD)
    start, before, slot, service_url = book_first_time_of_last_day(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Your booking is confirmed"))

    page.goto(service_url)
    expect(slot_button(page, slot)).to_contain_text(t_plural(language, *PLACES_LEFT, before - 1))

    code = open_booking_from_list(page, language, "图书馆读者证办理", start)
    expect(page.locator(".badge-status")).to_have_text(t(language, "Booked"))
    assert axe_violations(page) == []
    cancel_open_booking(page, language, check_axe=True)

    page.goto("/shop/accounts/bookings/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code, exact=True))
    expect(row).to_contain_text(t(language, "Cancelled"))
    assert axe_violations(page) == []
    # The place is back on the service page.
    page.goto(service_url)
    expect(slot_button(page, slot)).to_contain_text(t_plural(language, *PLACES_LEFT, before))


PLACES_LEFT = ("%(remaining)s place left", "%(remaining)s places left")


@pytest.mark.parametrize(
    ("viewport", "language", "email"),
    [(*WIDTHS[0], "resident-203@example.com"), (*WIDTHS[1], "resident-204@example.com")],
    ids=WIDTH_IDS,
)
def test_pay_a_paid_time_on_the_sandbox_gateway(open_page, viewport, language, email):
    page = open_page(viewport=viewport, language=language)
    log_in(page, email)
    cancel_leftovers(page, language, "摄影基础课")
    page.goto(PHOTOGRAPHY)
    start, _before, _slot, _url = book_first_time_of_last_day(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Pay to confirm your booking"))
    expect(page.locator(".badge-status")).to_have_text(t(language, "Awaiting payment"))

    page.get_by_role(
        "button",
        name=re.compile("^" + re.escape(t(language, "Pay now %(price)s (place held until %(time)s)").split("%(")[0])),
    ).click()
    expect(page).to_have_url(re.compile(r"/shop/payment/sandbox/"))
    expect(page.locator("#sandbox-amount")).to_have_text("¥20.00")
    assert axe_violations(page) == []
    page.get_by_role(
        "button", name=re.compile(re.escape(t(language, "Approve and pay %(amount)s").split("%(")[0]))
    ).click()

    expect(page).to_have_url(re.compile(r"/shop/accounts/bookings/\w+/$"))
    expect(page.get_by_role("main")).to_contain_text(
        t(language, "Thank you: your payment is received and your booking is confirmed.")
    )
    expect(page.locator(".badge-status")).to_have_text(t(language, "Booked"))
    expect(page.locator("[id^=payment-]")).to_contain_text(t(language, "paid online"))
    expect(page.locator("main time").first).to_have_attribute("datetime", start.isoformat())

    # Cancelling returns the money in full, and leaves the slot for the next run.
    cancel_open_booking(page, language)
    refund = ("refunded in full", "refund pending: the money will be returned to you in full")
    expect(page.locator("[id^=payment-]")).to_contain_text(
        re.compile("|".join(re.escape(t(language, words)) for words in refund))
    )

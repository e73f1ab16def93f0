"""The district administrator's day, in the browser (issue 19, item 7): signing in lands on the operations
view; a booking is found by its code, read with its history, and its record opened in Oscar's dashboard;
no page speaks of goods, shipping or raw statuses, none throws a JavaScript error, and our own pages
have no axe violations on a phone or a desktop."""

import re

import pytest

from tests.browser.conftest import PASSWORD, axe_violations
from tests.words import words_on

ADMIN = "admin@example.com"
SHOP_WORDS = (
    "商品",
    "运费",
    "配送",
    "发货",
    "优惠券",
    "库存",
    "UPC",
    "SKU",
    "店铺",
    "购物",
    "booked",
    "no_show",
    "checked_in",
)


def sign_in_as_admin(page):
    page.goto("/shop/accounts/login/")
    page.locator("#id_login-username").fill(ADMIN)
    page.locator("#id_login-password").fill(PASSWORD)
    page.locator("button[name=login_submit]").click()
    page.wait_for_load_state()


def shop_words_on(page):
    return words_on(page.locator("body").inner_text(), SHOP_WORDS)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_administrator_finds_a_booking_and_reads_it_in_the_domains_words(open_page, viewport):
    page = open_page(viewport=viewport)
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    sign_in_as_admin(page)
    assert page.url.endswith("/operations/"), page.url
    assert axe_violations(page) == []
    assert shop_words_on(page) == []

    # The demo's bookings of two months back: some day in the history has bookings.
    page.goto("/operations/?date=" + page.evaluate("new Date(Date.now() - 20*864e5).toISOString().slice(0,10)"))
    code = page.locator("a[href^='/operations/bookings/']").first.inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{8}", code)

    page.goto("/operations/")
    page.get_by_label(re.compile("预约码")).fill(code.lower())
    page.get_by_role("button", name="查找").click()
    page.wait_for_load_state()
    assert page.locator(f"#booking-{code}").is_visible()
    assert shop_words_on(page) == []

    page.locator(f"#booking-{code} a").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("heading", name="这条预约的记录").is_visible() or page.locator("#history-title").is_visible()
    )
    assert axe_violations(page) == []
    assert shop_words_on(page) == []

    page.get_by_role("link", name="本预约的付款与备注").click()
    page.wait_for_load_state()
    assert code in page.locator("body").inner_text()
    assert shop_words_on(page) == []

    page.goto("/shop/dashboard/orders/")
    assert shop_words_on(page) == []
    page.goto("/shop/dashboard/")
    assert page.url.endswith("/operations/")
    assert errors == []

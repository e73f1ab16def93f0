"""A resident asks a lawyer a written question on a phone, in Chinese, and withdraws it again.

From "我的" to "我的事项", a new matter, the form, the reference number to keep, and the matter's
page; nothing scrolls sideways at 390 px and axe finds nothing. The question is withdrawn at the
end, so the suite can run again against the same server.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

# Writes to the database: BROWSER_TESTS=journeys runs it (README).
pytestmark = pytest.mark.journey

RESIDENT = "resident-239@example.com"  # a demo account of its own: no other journey counts its matters
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def t(message, context=None, language="zh-hans"):
    with translation.override(language):
        return translation.pgettext(context, message) if context else translation.gettext(message)


def test_a_resident_asks_a_written_question_on_a_phone(open_page):
    page = open_page(viewport="phone", language="zh-hans")
    log_in(page, RESIDENT)

    page.locator("summary", has_text=t("Me", "header menu")).click()
    page.get_by_role("link", name=t("My matters", "matters")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My matters", "matters"))
    page.get_by_role("link", name=t("Start a new matter")).click()
    page.get_by_role("link", name=t("Written legal question")).click()

    page.get_by_label(t("What it is about")).select_option("labour")
    page.get_by_label(t("Your question")).fill("公司拖欠我三个月工资，我该怎么办？")
    assert page.evaluate(PAGE_WIDTH) <= page.viewport_size["width"]
    page.get_by_role("button", name=t("Submit", "matters")).click()
    page.wait_for_load_state()

    heading = page.get_by_role("heading", level=1)
    reference = re.search(r"ZX-\d{4}-\d{6}", heading.inner_text()).group(0)
    expect(page.locator("#messages")).to_contain_text(reference)
    expect(page.locator("#matter-status")).to_contain_text(t("Waiting for the lawyer's answer"))
    assert page.evaluate(PAGE_WIDTH) <= page.viewport_size["width"]
    assert axe_violations(page) == []

    # It is listed under 我的事项, and withdrawn again (asked once more before it is).
    page.goto("/matters/")
    expect(page.locator("#matter-list")).to_contain_text(reference)
    page.get_by_role("link", name=reference).click()
    page.locator("#step-withdraw button[type=submit]").click()
    expect(page.locator("#step-confirm-question")).to_be_visible()
    page.locator("#step-confirm button[type=submit]").click()
    expect(page.locator("#matter-status")).to_contain_text(t("You withdrew it"))

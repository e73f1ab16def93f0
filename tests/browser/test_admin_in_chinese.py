"""Wagtail's admin as a Chinese editor's browser draws it (issue 19, item 8): what scripts draw (the page
editor's sections, its buttons and counters) is Chinese too. tests/cms/test_admin_in_chinese.py reads the
pages' HTML; this reads what the browser shows, after the scripts ran."""

from tests.browser.conftest import PASSWORD
from tests.cms.english import english_in_text
from tests.cms.test_admin_in_chinese import ALLOWED

EDITOR = "editor@example.com"  # the demo's editor of the legal sector


def english_shown(page):
    page.wait_for_load_state("networkidle")
    return english_in_text(page.locator("body").inner_text().splitlines(), ALLOWED)


def test_an_editor_edits_a_service_guide_in_chinese(open_page):
    page = open_page(viewport="desktop")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/cms/login/")
    page.locator("#id_username").fill(EDITOR)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/cms/")
    assert english_shown(page) == set()

    # The explorer opens on the editor's own sector; its rows are the service guides. (Wagtail's page search
    # cannot find Chinese words, so it is no way there.)
    page.goto("/cms/pages/")
    assert english_shown(page) == set()
    page.locator("table a[href$='/edit/']").first.click()
    page.wait_for_url("**/edit/")
    page.locator("[data-streamfield-stream-container], .w-panel").first.wait_for()
    assert english_shown(page) == set()
    assert errors == []

"""Links that editors store lead to web pages, this site, a phone or an email (issue 18, item 4):
``javascript:``, ``data:`` and ``vbscript:`` are refused with a clear message in the model, so in
Wagtail's admin too, and one stored before the rule never reaches a page."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.blocks import LegalBasisBlock
from cms.models import Menu, MenuItem
from tests.cms.editorial_fixtures import *  # noqa: F403
from tests.cms.test_chrome import main_menu, page_html

REFUSED = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript\n:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example.com/",
    "https:evil.example.com",
]
ACCEPTED = [
    "/search/",
    "/search/?q=法律",
    "?page=2",
    "#main",
    "news/",
    "https://www.km.gov.cn/",
    "http://www.km.gov.cn/",
    "//www.km.gov.cn/",
    "tel:12345",
    "mailto:help@panlong.example",
]


@pytest.fixture
def menu(db):
    return Menu.objects.create(name="主菜单", slug="main")


@pytest.mark.parametrize("address", REFUSED)
def test_a_menu_link_that_would_run_script_or_leave_the_web_is_refused(menu, address):
    item = MenuItem(menu=menu, label="点我", link_url=address)
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "link_url" in refused.value.message_dict


@pytest.mark.parametrize("address", ACCEPTED)
def test_web_site_phone_and_mail_links_are_accepted(menu, address):
    MenuItem(menu=menu, label="链接", link_url=address).full_clean()


def test_the_cms_refuses_a_javascript_menu_link_with_a_clear_message(client, moderator, home_page):
    client.force_login(moderator)
    items = inline_formset([{"label": "点我", "link_page": "", "link_url": "javascript:alert(document.cookie)"}])
    data = nested_form_data({"name": "主菜单", "slug": "main", "items": items})

    response = client.post(reverse("wagtailsnippets_cms_menu:add"), data)

    assert response.status_code == 200
    assert "链接只能是网址（http:// 或 https://）、本站地址（/…）、tel: 或 mailto:。" in response.content.decode()
    assert not Menu.objects.filter(slug="main").exists()


def test_a_legal_basis_link_must_be_a_web_address(db):
    block = LegalBasisBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"law": "中华人民共和国法律援助法", "article": "", "url": "javascript:alert(1)"}))
    block.clean(block.to_python({"law": "中华人民共和国法律援助法", "article": "", "url": "https://flk.npc.gov.cn/"}))


def test_a_bad_link_stored_before_the_rule_is_left_out_of_the_header(client, service_page, menu):
    MenuItem.objects.create(menu=menu, link_url="/search/", label="搜索服务", sort_order=0)
    bad = MenuItem.objects.create(menu=menu, link_url="/placeholder/", label="点我", sort_order=1)
    MenuItem.objects.filter(pk=bad.pk).update(link_url="javascript:alert(1)")  # as an old row would be

    assert main_menu(page_html(client)) == [("搜索服务", "/search/")]


def test_the_migration_takes_stored_bad_links_out_of_their_menus(menu):
    good = MenuItem.objects.create(menu=menu, link_url="tel:0871-12345", label="热线", sort_order=0)
    bad = MenuItem.objects.create(menu=menu, link_url="/placeholder/", label="点我", sort_order=1)
    MenuItem.objects.filter(pk=bad.pk).update(link_url="data:text/html,<script>alert(1)</script>")

    migration = importlib.import_module("cms.migrations.0004_remove_unsafe_menu_links")
    migration.remove_unsafe_menu_links(apps, None)

    assert list(MenuItem.objects.values_list("pk", flat=True)) == [good.pk]

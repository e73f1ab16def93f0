"""The header and footer that editors arrange without code: menus and site settings, on every page."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Menu, MenuItem, SiteSettings


def page_html(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def main_menu(html):
    nav = html.find("nav", class_="site-nav")
    return [(a.get_text(), a["href"]) for a in nav.find_all("a")] if nav else []


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_without_a_main_menu_the_header_lists_the_sectors(client, service_page):
    html = page_html(client)
    assert main_menu(html) == [("法律服务", "/legal/")]
    assert html.find("nav", class_="site-nav")["aria-label"]


def test_the_main_menu_edited_in_the_cms_is_the_header(client, service_page, make_article):
    article = make_article("通知")
    news = article.get_parent()
    menu = Menu.objects.create(name="主菜单", slug="main")
    MenuItem.objects.create(menu=menu, link_page=news, sort_order=0)
    MenuItem.objects.create(menu=menu, link_page=service_page, label="找律师", sort_order=1)
    MenuItem.objects.create(menu=menu, link_url="/search/", label="搜索服务", sort_order=2)

    html = page_html(client, news.url)

    assert main_menu(html) == [("新闻动态", "/news/"), ("找律师", service_page.url), ("搜索服务", "/search/")]
    assert html.find("nav", class_="site-nav").find("a", attrs={"aria-current": "page"}).get_text() == "新闻动态"

    MenuItem.objects.filter(label="找律师").delete()
    news.title = "区内要闻"
    news.save_revision().publish()
    assert main_menu(page_html(client)) == [("区内要闻", "/news/"), ("搜索服务", "/search/")]


def test_an_unpublished_page_leaves_the_menu(client, service_page):
    menu = Menu.objects.create(name="主菜单", slug="main")
    MenuItem.objects.create(menu=menu, link_page=service_page, sort_order=0)
    MenuItem.objects.create(menu=menu, link_url="/search/", label="搜索服务", sort_order=1)
    service_page.unpublish()
    assert main_menu(page_html(client)) == [("搜索服务", "/search/")]


def test_the_footer_shows_its_menu_and_the_site_settings(client, home_page, service_page):
    footer_menu = Menu.objects.create(name="页脚", slug="footer")
    MenuItem.objects.create(menu=footer_menu, link_url="/accessibility/", label="无障碍声明", sort_order=0)
    SiteSettings.objects.create(
        site=home_page.get_site(),
        hotline="0871-12348",
        footer_text="盘龙区人民政府主办",
        address="盘龙区白塔路 1 号",
        email="service@panlong.example",
        record_number="滇ICP备00000000号",
    )

    footer = page_html(client).find("footer")

    assert footer.find("a", href="/accessibility/").get_text() == "无障碍声明"
    assert "盘龙区人民政府主办" in footer.get_text()
    assert "盘龙区白塔路 1 号" in footer.address.get_text()
    assert footer.find("a", href="mailto:service@panlong.example")
    assert "滇ICP备00000000号" in footer.get_text()
    assert footer.find("a", href="tel:0871-12348").get_text() == "0871-12348"


def test_the_footer_leaves_out_what_is_not_set(client, home_page):
    footer = page_html(client).find("footer")
    assert footer.address is None
    assert footer.find("nav") is None
    assert footer.find("a", href="tel:12345"), "the default hotline"


@pytest.mark.parametrize(
    "url", ["/", "/legal/", "/legal/free-legal-consultation/", "/search/", "/shop/accounts/login/"]
)
def test_every_page_says_whom_to_call(english, service_page, url):
    SiteSettings.objects.create(site=service_page.get_site(), hotline="12348")
    footer = page_html(english, url).find("footer")
    help_line = footer.find(class_="site-footer__help")
    assert " ".join(help_line.get_text().split()) == "Need help? Call 12348"
    assert help_line.find("a", href="tel:12348")


@pytest.mark.usefixtures("no_page_cache")
def test_the_header_and_footer_cost_the_same_however_long_the_menus(client, service_page):
    main = Menu.objects.create(name="主菜单", slug="main")
    footer = Menu.objects.create(name="页脚", slug="footer")
    MenuItem.objects.create(menu=main, link_page=service_page, sort_order=0)
    MenuItem.objects.create(menu=footer, link_url="/a/", label="a", sort_order=0)
    client.get("/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    few = count()
    for number in range(1, 6):
        MenuItem.objects.create(menu=main, link_page=service_page.get_parent(), sort_order=number)
        MenuItem.objects.create(menu=footer, link_url=f"/{number}/", label=str(number), sort_order=number)
    client.get("/")
    assert count() == few

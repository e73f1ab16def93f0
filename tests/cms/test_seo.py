"""What search engines and chat apps read: sitemap, robots.txt, canonical addresses, descriptions, Open Graph."""

import pytest
from bs4 import BeautifulSoup

from cms.models import ArticlePage, SiteSettings


def head_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(head, key):
    tag = head.find("meta", attrs={"property": key}) or head.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def test_sitemap_lists_live_pages_and_not_drafts(client, home_page, service_page, make_article):
    live = make_article("社区法律讲座")
    draft = make_article("尚未发布的文章", live=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    assert "<loc>http://localhost/</loc>" in xml
    assert f"<loc>http://localhost{service_page.url}</loc>" in xml
    assert f"<loc>http://localhost{live.url}</loc>" in xml
    assert draft.slug not in xml


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client, home_page):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Allow: /" in lines
    for private in ("/cms/", "/shop/", "/provider/", "/django-admin/", "/api/"):
        assert f"Disallow: {private}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_a_service_page_names_its_canonical_address_and_describes_itself(client, service_page):
    head = head_of(client, service_page.url, provider="1", day="2026-01-01")

    assert head.find("link", rel="canonical")["href"] == "http://localhost/legal/free-legal-consultation/"
    assert meta(head, "description") == "社区律师一对一免费解答法律问题"
    assert meta(head, "og:title") == "免费法律咨询"
    assert meta(head, "og:description") == "社区律师一对一免费解答法律问题"
    assert meta(head, "og:url") == "http://localhost/legal/free-legal-consultation/"
    assert meta(head, "og:type") == "website"
    assert meta(head, "og:site_name")
    assert meta(head, "og:locale") == "zh_CN"
    assert meta(head, "twitter:card") == "summary"


def test_a_filtered_sector_page_points_search_engines_at_the_page_itself(client, service_page):
    sector_page = service_page.get_parent()
    head = head_of(client, sector_page.url, q="法律", page="2")
    assert head.find("link", rel="canonical")["href"] == "http://localhost/legal/"


def test_editors_can_write_the_description_and_title_for_search_engines(client, service_page):
    service_page.search_description = "在社区工作站预约律师，一对一解答"
    service_page.seo_title = "免费法律咨询 · 盘龙区"
    service_page.save_revision().publish()

    head = head_of(client, service_page.url)

    assert meta(head, "description") == "在社区工作站预约律师，一对一解答"
    assert meta(head, "og:title") == "免费法律咨询 · 盘龙区"


def test_an_article_is_shared_as_an_article_with_its_picture(client, make_article, make_image):
    picture = make_image(description="律师在社区广场讲解民法典")
    article = make_article(
        "民法典进社区", kind=ArticlePage.Kind.LEGAL_EDUCATION, summary="律师讲解", feed_image=picture
    )

    head = head_of(client, article.url)

    assert meta(head, "og:type") == "article"
    assert meta(head, "article:published_time") == article.date.isoformat()
    image = meta(head, "og:image")
    assert image.startswith("http://testserver/") and ".fill-1200x630" in image
    assert meta(head, "og:image:alt") == "律师在社区广场讲解民法典"
    assert meta(head, "twitter:card") == "summary_large_image"
    assert client.get(image.removeprefix("http://testserver")).status_code in (200, 404)  # served by the web server


def test_a_page_without_a_picture_is_shared_with_the_sites_picture(client, home_page, service_page, make_image):
    SiteSettings.objects.create(site=home_page.get_site(), share_image=make_image(description="盘龙区政务服务中心"))

    head = head_of(client, service_page.url)

    assert ".fill-1200x630" in meta(head, "og:image")
    assert meta(head, "og:image:alt") == "盘龙区政务服务中心"


def test_english_visitors_get_the_english_locale(client, home_page):
    client.cookies["django_language"] = "en"
    assert meta(head_of(client, "/"), "og:locale") == "en_US"


@pytest.mark.parametrize("url", ["/search/?q=法律", "/shop/accounts/login/"])
def test_pages_outside_the_cms_have_no_canonical_or_open_graph(client, home_page, url):
    head = head_of(client, url)
    assert head.find("link", rel="canonical") is None
    assert meta(head, "og:type") is None


def test_no_script_comes_from_another_site(client, service_page):
    html = BeautifulSoup(client.get(service_page.url).content, "html.parser")
    sources = [script["src"] for script in html.find_all("script", src=True)]
    assert sources and all(source.startswith("/") for source in sources)

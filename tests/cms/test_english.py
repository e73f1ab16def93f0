"""Editors give sectors and services English names and summaries; residents reading in English see them."""

from bs4 import BeautifulSoup
from oscar.core.loading import get_model

from cms.models import ServicePage
from tests.cms.editorial_fixtures import *  # noqa: F403
from tests.cms.editorial_fixtures import add_url, guide_data
from tests.cms.test_admin import approve, submit

Category = get_model("catalogue", "Category")


def read(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def words(element):
    return " ".join(element.get_text(" ").split())


def test_an_editor_writes_a_guides_english_and_english_readers_see_it(client, health_editor, moderator, health_page):
    client.force_login(health_editor)
    form = client.get(add_url(health_page, ServicePage)).content.decode()
    assert 'name="title_en"' in form and 'name="summary_en"' in form

    data = guide_data(title_en="Free check-up for people over 65", summary_en="A free check-up once a year")
    assert client.post(add_url(health_page, ServicePage), submit(data)).status_code == 302
    page = approve(client, moderator, ServicePage.objects.get(slug="elderly-checkup"))
    client.logout()

    # The service carries the page's English, as it carries its Chinese.
    service = page.product
    service.refresh_from_db()
    assert (service.title_en, service.summary_en) == ("Free check-up for people over 65", "A free check-up once a year")

    english = read(client, page.url, "en")
    assert words(english.h1) == "Free check-up for people over 65"
    assert words(english.select_one(".lead")) == "A free check-up once a year"
    assert "Free check-up for people over 65" in english.title.get_text()

    chinese = read(client, page.url, "zh-hans")
    assert words(chinese.h1) == "老年人健康体检"
    assert words(chinese.select_one(".lead")) == "65岁以上老年人每年一次免费体检"


def test_a_guide_without_english_reads_in_chinese_on_english_pages(client, service_page):
    service_page.save_revision().publish()

    english = read(client, service_page.url, "en")

    assert words(english.h1) == service_page.title


def test_a_sectors_english_name_names_its_category_in_filters_and_on_the_home_page(client, home_page, health_page):
    health_page.title_en = "Health"
    health_page.intro_en = "<p>Check-ups, family doctors and vaccination close to home.</p>"
    health_page.save_revision().publish()

    assert Category.objects.get(slug="health").name_en == "Health"
    home = read(client, "/", "en")
    tile = home.select_one(".sector-tiles a")
    assert words(tile.select_one(".sector-tiles__title")) == "Health"
    assert "Check-ups, family doctors" in words(tile)

    sector = read(client, health_page.url, "en")
    assert words(sector.h1) == "Health"
    assert "Check-ups, family doctors" in words(sector.select_one(".guide"))
    assert words(read(client, health_page.url, "zh-hans").h1) == health_page.title

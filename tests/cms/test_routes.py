"""A page is found by its address without walking the page tree on every request, and what editors
change in the tree shows on the next request (cms/routes.py, cms/chrome.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category
from cms.models import SectorIndexPage, SiteSettings


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.usefixtures("no_page_cache")
def test_a_page_asked_again_is_found_without_walking_the_tree(client, service_page):
    first, before = queries_of(client, service_page.url)
    again, after = queries_of(client, service_page.url)

    # The walk from the site's root (two queries per level), the breadcrumbs and the chrome are kept.
    assert again <= first - 8
    assert after.content.decode().count("法律服务") == before.content.decode().count("法律服务")
    assert b'<li class="breadcrumb-item"><a href="/legal/">' in after.content


def test_an_unpublished_page_is_gone_on_the_next_request(client, service_page):
    assert client.get(service_page.url).status_code == 200

    service_page.unpublish()
    assert client.get(service_page.url).status_code == 404

    service_page.save_revision().publish()
    assert client.get(service_page.url).status_code == 200


def test_a_moved_page_answers_at_its_new_address(client, home_page, service_page):
    old_url = service_page.url
    assert client.get(old_url).status_code == 200
    health = home_page.add_child(
        instance=SectorIndexPage(title="医疗健康", slug="health", category=Category.add_root(name="医疗健康"))
    )

    service_page.move(health, pos="last-child")

    # Not the kept page at the old address: Wagtail's redirect, made by the move, to the new one.
    assert client.get(old_url)["Location"] == "/health/free-legal-consultation/"
    response = client.get("/health/free-legal-consultation/")
    assert response.status_code == 200
    assert b'<a href="/health/">' in response.content


def test_a_changed_hotline_shows_on_the_next_page(client, home_page, service_page):
    settings = SiteSettings.objects.create(site=home_page.get_site(), hotline="0871-12348")
    assert b"tel:0871-12348" in client.get(service_page.url).content

    settings.hotline = "0871-63100000"
    settings.save()

    assert b"tel:0871-63100000" in client.get(service_page.url).content


@pytest.mark.usefixtures("no_page_cache")
def test_a_kept_page_reads_neither_view_restrictions_nor_rules_its_service_has_not(client, service_page, slot):
    client.get(service_page.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(service_page.url).status_code == 200

    sql = [query["sql"] for query in queries.captured_queries]
    assert not [query for query in sql if query.startswith('SELECT "wagtailcore_pageviewrestriction"')]
    # Whether the service has rules is asked with the page (EXISTS); the rules themselves are not read.
    assert not [query for query in sql if query.startswith('SELECT "catalogue_eligibilityrule"')]


def test_a_page_put_behind_a_password_asks_for_it_on_the_next_request(client, service_page, slot):
    from django.test import Client
    from wagtail.models import PageViewRestriction

    assert b"slot-choice" in client.get(service_page.url).content  # the route (and the page) kept

    restriction = PageViewRestriction.objects.create(
        page=service_page.get_parent(), restriction_type="password", password="盘龙"
    )
    stranger = Client().get(service_page.url).content.decode()
    assert 'name="password"' in stranger and "slot-choice" not in stranger

    restriction.delete()
    assert b"slot-choice" in Client().get(service_page.url).content

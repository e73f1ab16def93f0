from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import add_offering


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_service_page_lists_open_slots_by_day_and_provider(client, service_page, offering, make_slot, other_provider):
    morning = make_slot(offering, starts_in=timedelta(days=1))
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1, num_booked=1)
    closed = make_slot(offering, starts_in=timedelta(days=2, hours=1), is_open=False)
    past = make_slot(offering, starts_in=timedelta(hours=-2))
    other = make_slot(add_offering(service_page.product, other_provider), starts_in=timedelta(days=1, hours=1))

    client.cookies["django_language"] = "en"
    _count, html = page_queries(client, service_page.url)

    assert f'name="slot" value="{morning.pk}"' in html
    assert f'name="slot" value="{other.pk}"' in html
    assert other_provider.name in html
    assert "Full" in html and f'name="slot" value="{full.pk}"' in html
    assert f'name="slot" value="{closed.pk}"' not in html
    assert f'name="slot" value="{past.pk}"' not in html


def test_service_page_query_count_does_not_grow_with_slots(client, service_page, offering, make_slot, other_provider):
    make_slot(offering, starts_in=timedelta(days=1))
    few, _html = page_queries(client, service_page.url)

    second = add_offering(service_page.product, other_provider)
    for day in range(1, 13):
        for hour in range(6):
            make_slot(offering, starts_in=timedelta(days=day, hours=hour, minutes=30))
            make_slot(second, starts_in=timedelta(days=day, hours=hour))
    many, html = page_queries(client, service_page.url)

    # the page shows the first three dates that have open slots, all of their slots
    from django.utils import timezone

    from providers.models import Slot

    dates = sorted({timezone.localtime(s.starts_at).date() for s in Slot.objects.all()})
    shown = [s for s in Slot.objects.all() if timezone.localtime(s.starts_at).date() in dates[:3]]
    assert html.count('name="slot"') == len(shown) > 24
    assert many == few


def test_later_dates_are_one_link_away(client, service_page, offering, make_slot):
    slots = [make_slot(offering, starts_in=timedelta(days=day)) for day in range(1, 8)]
    first_page = client.get(service_page.url).content.decode()
    assert f'name="slot" value="{slots[0].pk}"' in first_page
    assert f'name="slot" value="{slots[6].pk}"' not in first_page

    from django.utils import timezone

    last_day = timezone.localtime(slots[6].starts_at).date().isoformat()
    assert f"?from={last_day}" in first_page
    later = client.get(service_page.url, {"from": last_day}).content.decode()
    assert f'name="slot" value="{slots[6].pk}"' in later
    assert f'name="slot" value="{slots[0].pk}"' not in later
    assert client.get(service_page.url, {"from": "2026-13-45"}).status_code == 200


def test_sector_page_query_count_does_not_grow_with_services(client, service_page, sector, provider, make_slot):
    from catalog.services import create_service
    from cms.models import ServicePage

    sector_page = service_page.get_parent()
    few, _html = page_queries(client, sector_page.url)
    for i in range(8):
        extra = create_service(f"法律援助申请指导{i}", sector)
        make_slot(add_offering(extra, provider))
        sector_page.add_child(instance=ServicePage(title=extra.title, slug=f"legal-aid-{i}", product=extra))
    many, html = page_queries(client, sector_page.url)
    assert "法律援助申请指导7" in html
    assert many == few


def test_english_is_one_switch_away(client, home_page):
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Services by sector" in html


def test_chinese_even_when_the_browser_asks_for_english_until_the_resident_switches(client, home_page):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html
    assert "按领域浏览服务" in html

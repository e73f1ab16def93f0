import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.models import Site

from catalog.services import add_offering, create_service
from cms.models import ServicePage
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error

Category = get_model("catalogue", "Category")


def add_service_page(service, slug):
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(instance=ServicePage(title=service.title, slug=slug, product=service))


def shanghai(value):
    assert value.endswith("+08:00"), value
    return value


# Categories


def test_categories_are_a_nested_tree_of_public_categories(api, sector, django_assert_max_num_queries):
    family = sector.add_child(name="婚姻家庭", slug="family")
    family.add_child(name="离婚咨询", slug="divorce")
    sector.add_child(name="劳动争议", slug="labour")
    hidden = sector.add_child(name="内部", slug="internal", is_public=False)
    hidden.add_child(name="内部子类", slug="internal-child")
    health = Category.add_root(name="医疗健康", slug="health")
    health.add_child(name="家庭医生", slug="family-doctor")

    with django_assert_max_num_queries(1):
        response = api.get(f"{API}/categories")

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "legal",
            "name": "法律服务",
            "children": [
                {
                    "slug": "family",
                    "name": "婚姻家庭",
                    "children": [{"slug": "divorce", "name": "离婚咨询", "children": []}],
                },
                {"slug": "labour", "name": "劳动争议", "children": []},
            ],
        },
        {
            "slug": "health",
            "name": "医疗健康",
            "children": [{"slug": "family-doctor", "name": "家庭医生", "children": []}],
        },
    ]


# Services: list


@pytest.fixture
def paid_service(sector, other_provider):
    family = sector.add_child(name="婚姻家庭", slug="family")
    service = create_service("婚姻家事律师代理", family, summary="律师代理离婚诉讼", mode="both")
    add_offering(service, other_provider, Decimal("300.00"))
    return service


@pytest.fixture
def online_service(db):
    culture = Category.add_root(name="文化", slug="culture")
    return create_service("线上书法课", culture, summary="每周一次", mode="online")


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_services_list_answers_the_contract(api, slot, service):
    response = api.get(f"{API}/services")

    body = response.json()
    assert body["count"] == 1
    assert body["page"] == 1
    [hit] = body["results"]
    assert hit == {
        "id": service.pk,
        "slug": service.slug,
        "name": "免费法律咨询",
        "summary": "社区律师一对一免费解答法律问题",
        "category": {"slug": "legal", "name": "法律服务"},
        "is_free": True,
        "min_price": "0.00",
        "currency": "CNY",
        "mode": "onsite",
        "next_slot_at": shanghai(hit["next_slot_at"]),
        "url": service.get_absolute_url(),
    }
    assert hit["next_slot_at"] == timezone.localtime(slot.starts_at).isoformat()
    assert set(body["facets"]) == {"category", "street", "free", "mode"}
    assert body["facets"]["category"] == [{"value": "legal", "label": "法律服务", "count": 1, "selected": False}]


def test_services_list_names_the_sector_and_the_cheapest_offering(api, offering, paid_service, provider):
    add_offering(paid_service, provider, Decimal("150.50"))

    [hit] = [hit for hit in results(api.get(f"{API}/services")) if hit["id"] == paid_service.pk]

    assert hit["category"] == {"slug": "legal", "name": "法律服务"}
    assert hit["is_free"] is False
    assert hit["min_price"] == "150.50"
    assert hit["next_slot_at"] is None


def test_services_list_links_to_the_live_service_page(api, service):
    page = add_service_page(service, "free-legal-advice")

    [hit] = results(api.get(f"{API}/services"))
    assert hit["url"] == page.url == service.get_absolute_url()

    page.unpublish()
    [hit] = results(api.get(f"{API}/services"))
    assert hit["url"] == service.get_absolute_url() != page.url


def test_a_service_in_two_sectors_is_named_by_the_first_in_the_tree_in_the_api_and_on_the_search_page(
    api, service, offering
):
    # 医疗健康 sorts before 法律服务 by slug (health < legal), but comes after it in the tree.
    health = Category.add_root(name="医疗健康", slug="health")
    service.categories.add(health.add_child(name="心理健康", slug="mental-health"))

    [hit] = results(api.get(f"{API}/services"))
    assert hit["category"] == {"slug": "legal", "name": "法律服务"}
    assert api.get(f"{API}/services/{service.pk}").json()["category"] == {"slug": "legal", "name": "法律服务"}

    page = api.get(reverse("search"), {"q": "免费法律咨询"}).content.decode()
    [facts] = re.findall(r'<ul class="service-facts">(.*?)</ul>', page, re.S)
    assert "<li>法律服务</li>" in facts and "医疗健康" not in facts


@pytest.mark.parametrize(
    "params, expected",
    [
        ("", {"免费法律咨询", "婚姻家事律师代理", "线上书法课"}),
        ("free=true", {"免费法律咨询"}),
        ("free=false", {"婚姻家事律师代理", "线上书法课"}),
        ("mode=online", {"婚姻家事律师代理", "线上书法课"}),
        ("mode=onsite", {"免费法律咨询", "婚姻家事律师代理"}),
        ("category=legal", {"免费法律咨询", "婚姻家事律师代理"}),
        ("category=family", {"婚姻家事律师代理"}),
        ("category=nothing-here", set()),
        ("q=律师", {"免费法律咨询", "婚姻家事律师代理"}),
        ("street=tuodong", {"免费法律咨询", "婚姻家事律师代理"}),
        ("community=tuodong-jinma", {"免费法律咨询"}),
        ("available_within_days=3", {"免费法律咨询"}),
        ("available_within_days=0", set()),
        ("mode=&free=&available_within_days=", {"免费法律咨询", "婚姻家事律师代理", "线上书法课"}),
    ],
)
def test_services_filters(api, slot, paid_service, online_service, params, expected):
    response = api.get(f"{API}/services?{params}")

    assert {hit["name"] for hit in results(response)} == expected
    assert response.json()["count"] == len(expected)


def test_services_pages(api, slot, paid_service, online_service):
    first = api.get(f"{API}/services?page_size=2").json()
    second = api.get(f"{API}/services?page_size=2&page=2").json()
    beyond = api.get(f"{API}/services?page_size=2&page=3").json()

    assert first["count"] == second["count"] == beyond["count"] == 3
    assert (first["page"], second["page"], beyond["page"]) == (1, 2, 3)
    assert len(first["results"]) == 2 and len(second["results"]) == 1 and beyond["results"] == []
    assert {hit["id"] for hit in first["results"]}.isdisjoint({hit["id"] for hit in second["results"]})


def test_selected_facet_is_marked(api, slot, paid_service):
    facets = api.get(f"{API}/services?mode=online&free=false").json()["facets"]

    assert [facet["value"] for facet in facets["mode"] if facet["selected"]] == ["online"]
    assert [facet["value"] for facet in facets["free"] if facet["selected"]] == ["false"]


@pytest.mark.parametrize(
    "params",
    [
        "page_size=1000",
        "page_size=101",
        "page_size=0",
        "page_size=abc",
        "page=0",
        "page=-1",
        "page=1.5",
        "page=99999999999999999999999",
        "mode=x",
        "mode=both",
        "free=maybe",
        "available_within_days=-1",
        "available_within_days=abc",
        "available_within_days=100000000000",
        "q=%00",
        "category=legal%00",
        "q=" + "律" * 101,
    ],
)
def test_invalid_service_filters_are_400(api, service, params):
    assert_error(api.get(f"{API}/services?{params}"), 400, "invalid")


def test_invalid_filter_detail_names_the_field(api, service):
    body = assert_error(api.get(f"{API}/services?page_size=1000", headers={"accept-language": "en"}), 400, "invalid")

    assert "page_size" in body["detail"]


def test_services_query_count_does_not_grow_with_results(api, sector, provider, make_slot):
    family = sector.add_child(name="婚姻家庭", slug="family")

    def add_services(start, stop):
        for number in range(start, stop):
            service = create_service(f"服务 {number}", family if number % 2 else sector, summary="测试")
            make_slot(add_offering(service, provider, Decimal(number)))
            if number % 3 == 0:
                add_service_page(service, f"service-{number}")

    def queries_for_one_page():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/services?page_size=100").status_code == 200
        return len(queries)

    add_services(0, 2)
    queries_for_one_page()  # warms Wagtail's cached site root paths, a once-per-process cost
    with_two = queries_for_one_page()
    add_services(2, 10)
    with_ten = queries_for_one_page()

    assert len(results(api.get(f"{API}/services?page_size=100"))) == 10
    assert with_ten == with_two


# Services: detail


def test_service_detail_has_offerings_and_booking_rules(api, slot, service, offering, other_provider):
    paid = add_offering(service, other_provider, Decimal("20.00"))

    response = api.get(f"{API}/services/{service.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == service.pk
    assert body["name"] == "免费法律咨询"
    assert body["description"] == "婚姻家庭、劳动争议、邻里纠纷等法律问题咨询。"
    assert body["category"] == {"slug": "legal", "name": "法律服务"}
    assert body["min_price"] == "0.00" and body["is_free"] is True
    assert body["next_slot_at"] == timezone.localtime(slot.starts_at).isoformat()
    assert body["booking_rules"] == {
        "book_ahead_days": 14,
        "min_notice_minutes": 30,
        "cancel_until_hours": 2,
        "max_active_per_resident": 2,
        "one_per_day": False,
    }
    assert body["offerings"] == [
        {
            "id": offering.pk,
            "provider": {
                "id": offering.partner.pk,
                "name": "拓东街道公共法律服务工作站",
                "street": {"slug": "tuodong", "name": "拓东街道"},
                "community": {"slug": "tuodong-jinma", "name": "金马社区"},
                "address": "盘龙区拓东路 12 号",
            },
            "price": "0.00",
            "currency": "CNY",
        },
        {
            "id": paid.pk,
            "provider": {
                "id": other_provider.pk,
                "name": "鼓楼街道社区卫生服务中心",
                "street": {"slug": "tuodong", "name": "拓东街道"},
                "community": None,
                "address": "",
            },
            "price": "20.00",
            "currency": "CNY",
        },
    ]


def test_unknown_or_hidden_service_is_404(api, service):
    assert_error(api.get(f"{API}/services/{service.pk + 100}"), 404, "not_found")
    service.is_public = False
    service.save()
    assert_error(api.get(f"{API}/services/{service.pk}"), 404, "not_found")
    assert_error(api.get(f"{API}/services/{service.pk}/slots"), 404, "not_found")


@pytest.mark.parametrize("service_id", ["abc", "-1", "0", "1.5", "99999999999999999999999", "%00"])
def test_service_id_of_another_shape_is_400(api, service, service_id):
    assert_error(api.get(f"{API}/services/{service_id}"), 400, "invalid")
    assert_error(api.get(f"{API}/services/{service_id}/slots"), 400, "invalid")


# Services: slots


@pytest.fixture
def day_after_tomorrow():
    return timezone.localdate() + timedelta(days=2)


def slot_ids(response):
    return [slot["id"] for slot in results(response)]


def test_slots_are_open_future_ones_in_time_order(api, service, offering, other_provider, make_slot):
    later = make_slot(offering, starts_in=timedelta(days=2))
    sooner = make_slot(offering, starts_in=timedelta(days=1))
    full = make_slot(offering, starts_in=timedelta(days=3), capacity=2, num_booked=2)
    make_slot(offering, starts_in=timedelta(days=4), is_open=False)
    make_slot(offering, starts_in=-timedelta(hours=1))
    elsewhere = make_slot(add_offering(service, other_provider, Decimal("0")), starts_in=timedelta(hours=5))

    response = api.get(f"{API}/services/{service.pk}/slots")

    assert slot_ids(response) == [elsewhere.pk, sooner.pk, later.pk, full.pk]
    first = results(response)[1]
    assert first == {
        "id": sooner.pk,
        "offering": offering.pk,
        "provider": {"id": offering.partner.pk, "name": "拓东街道公共法律服务工作站"},
        "starts_at": shanghai(first["starts_at"]),
        "ends_at": shanghai(first["ends_at"]),
        "capacity": 3,
        "remaining": 3,
    }
    assert first["starts_at"] == timezone.localtime(sooner.starts_at).isoformat()
    assert results(response)[-1]["remaining"] == 0


def test_slots_filter_by_local_dates_and_provider(api, service, offering, other_provider, make_slot):
    slots = [make_slot(offering, starts_in=timedelta(days=days)) for days in (1, 2, 3)]
    other = make_slot(add_offering(service, other_provider, Decimal("0")), starts_in=timedelta(days=2))
    day = [timezone.localtime(slot.starts_at).date().isoformat() for slot in slots]
    url = f"{API}/services/{service.pk}/slots"

    assert slot_ids(api.get(f"{url}?from={day[1]}")) == [slots[1].pk, other.pk, slots[2].pk]
    assert slot_ids(api.get(f"{url}?to={day[1]}")) == [slots[0].pk, slots[1].pk, other.pk]
    assert slot_ids(api.get(f"{url}?from={day[1]}&to={day[1]}")) == [slots[1].pk, other.pk]
    assert slot_ids(api.get(f"{url}?provider={other_provider.pk}")) == [other.pk]
    assert slot_ids(api.get(f"{url}?provider={other_provider.pk + 100}")) == []
    assert slot_ids(api.get(f"{url}?from=0001-01-01&to=9999-12-31")) == [
        slots[0].pk,
        slots[1].pk,
        other.pk,
        slots[2].pk,
    ]


@pytest.mark.parametrize(
    "params",
    [
        "from=tomorrow",
        "to=2026-13-01",
        "from=2026-02-30",
        "from=2026-12-02&to=2026-12-01",
        "provider=abc",
        "provider=-3",
        "to=%00",
    ],
)
def test_bad_slot_filters_are_400(api, slot, service, params):
    assert_error(api.get(f"{API}/services/{service.pk}/slots?{params}"), 400, "invalid")


# The API as a whole


def test_openapi_document_and_docs_are_served(api):
    response = api.get(f"{API}/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/auth/register", "/api/v1/services", "/api/v1/bookings/{code}/cancel"} <= set(paths)
    assert api.get(f"{API}/docs").status_code == 200


@pytest.mark.parametrize("path", ["/nothing", "/services/1/nothing", "/bookings/x/y/z"])
def test_unknown_endpoint_is_a_json_404(api, path):
    assert_error(api.get(f"{API}{path}"), 404, "not_found")


@pytest.mark.parametrize("method, path", [("delete", "/bookings"), ("put", "/services"), ("get", "/auth/token")])
def test_wrong_method_is_a_json_405(api, method, path):
    response = getattr(api, method)(f"{API}{path}")

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"]


def test_public_endpoints_need_no_csrf_token(resident):
    # Apps are not browsers: they have no CSRF cookie to send back.
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    response = client.post(
        f"{API}/auth/token", {"email": "resident@example.com", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200

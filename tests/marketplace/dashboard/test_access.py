"""Oscar's dashboard is the district administrator's: every page of it, read from the URL configuration, is
closed to provider staff (even with Oscar's partner permission and ``is_staff`` left over from before) and
to residents, and open to the administrator."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLResolver, get_resolver, reverse

from providers.staff import may_use_the_dashboard

OPEN = {"login", "logout"}


def dashboard_routes():
    """(name, argument names) of every page in the ``dashboard`` namespace."""

    def walk(resolver, namespaces):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, namespaces + ([pattern.namespace] if pattern.namespace else []))
            elif "dashboard" in namespaces and pattern.name and pattern.name not in OPEN:
                yield ":".join(namespaces[namespaces.index("dashboard") :] + [pattern.name]), pattern

    routes = {}
    for name, pattern in walk(get_resolver(), []):
        arguments = set(pattern.pattern.regex.groupindex)
        routes[name] = sorted(arguments)
    return routes


ROUTES = dashboard_routes()


def urls(world):
    values = {
        "pk": world["provider"].pk,
        "partner_pk": world["provider"].pk,
        "parent_pk": world["product"].pk,
        "parent": world["product"].pk,
        "user_pk": world["staff"].pk,
        "number": world["booking"].order.number,
        "line_id": world["booking"].line.pk,
        "note_id": 1,
        "method_pk": 1,
        "product_class_slug": "service",
        "slug": "ORDER_PLACED",
    }
    return {name: reverse(name, kwargs={arg: values[arg] for arg in args}) for name, args in ROUTES.items()}


@pytest.fixture
def world(provider, service, staff, today_booking):
    return {"provider": provider, "product": service, "staff": staff, "booking": today_booking}


def test_the_matrix_covers_the_whole_dashboard():
    assert len(ROUTES) > 80
    assert {"dashboard:index", "dashboard:order-detail", "dashboard:partner-manage", "dashboard:user-detail"} <= set(
        ROUTES
    )


def refused(response):
    if response.status_code == 302:
        return response.url.startswith(reverse("customer:login"))
    return response.status_code in (403, 404)


def test_provider_staff_reach_no_dashboard_page_even_with_the_old_permission(client, world, staff):
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="partner", codename="dashboard_access"))
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    assert not may_use_the_dashboard(staff)
    client.force_login(staff)
    answered = {}
    for name, url in urls(world).items():
        answered[name, "GET"] = client.get(url)
        answered[name, "POST"] = client.post(url, {"is_public": "", "new_status": "no_show"})
    assert [key for key, response in answered.items() if not refused(response)] == []
    world["booking"].order.refresh_from_db()
    assert world["booking"].order.status == "booked"


def test_residents_and_visitors_reach_no_dashboard_page(client, world, other_resident):
    for user in (None, other_resident):
        if user is not None:
            client.force_login(user)
        for name, url in urls(world).items():
            assert refused(client.get(url)), (user, name)


def test_the_administrator_keeps_the_dashboard(client, world, admin_user):
    assert may_use_the_dashboard(admin_user)
    client.force_login(admin_user)
    answers = {name: client.get(url).status_code for name, url in urls(world).items() if not ROUTES[name]}
    assert {name: status for name, status in answers.items() if status >= 400 and status != 405} == {}
    assert (
        client.get(reverse("dashboard:order-detail", kwargs={"number": world["booking"].order.number})).status_code
        == 200
    )

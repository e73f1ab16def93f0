"""Oscar's dashboard is the district administrator's: every page of it, read from the URL configuration, is
closed to residents and visitors and open to the administrator. Provider staff: ``tests/providers/console/
test_isolation.py``, with the rest of the authorization matrix."""

import pytest
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


def urls(provider, staff_member, booking):
    """Every dashboard page, named with the provider's own objects where it takes ids."""
    values = {
        "pk": provider.pk,
        "partner_pk": provider.pk,
        "parent_pk": booking.line.product.pk,
        "parent": booking.line.product.pk,
        "user_pk": staff_member.pk,
        "number": booking.order.number,
        "line_id": booking.line.pk,
        "note_id": 1,
        "method_pk": 1,
        "product_class_slug": "service",
        "slug": "ORDER_PLACED",
    }
    return {name: reverse(name, kwargs={arg: values[arg] for arg in args}) for name, args in ROUTES.items()}


@pytest.fixture
def world(provider, staff, today_booking):
    return urls(provider, staff, today_booking)


def test_the_matrix_covers_the_whole_dashboard():
    assert len(ROUTES) > 80
    assert {"dashboard:index", "dashboard:order-detail", "dashboard:partner-manage", "dashboard:user-detail"} <= set(
        ROUTES
    )


def refused(response):
    if response.status_code == 302:
        return response.url.startswith(reverse("customer:login"))
    return response.status_code in (403, 404)


def test_residents_and_visitors_reach_no_dashboard_page(client, world, other_resident):
    for user in (None, other_resident):
        if user is not None:
            client.force_login(user)
        for name, url in world.items():
            assert refused(client.get(url)), (user, name)


def test_the_administrator_keeps_the_dashboard(client, world, admin_user):
    assert may_use_the_dashboard(admin_user)
    client.force_login(admin_user)
    answers = {name: client.get(url).status_code for name, url in world.items() if not ROUTES[name]}
    assert {name: status for name, status in answers.items() if status >= 400 and status != 405} == {}
    assert client.get(world["dashboard:order-detail"]).status_code == 200

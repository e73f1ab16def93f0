"""Every address of the project is classed by who may use it, and each class is held to its rule.

The addresses are read from the URL configuration, so a new one fails
``test_every_address_is_classed`` until someone decides who it is for. The
classes and where each is proven:

- ``administrators``: Django's admin; everybody else is sent to its sign-in (here).
- ``editors``: Wagtail's admin; residents and provider staff are refused (here).
- ``dashboard``: Oscar's dashboard, the administrator's: tests/marketplace/dashboard/test_access.py; and the
  district's operations view: tests/marketplace/operations/test_operations.py.
- ``console``: the provider console: tests/providers/console/test_isolation.py.
- ``api``: the JSON API: tests/marketplace/api/test_openapi_properties.py (every operation, anonymous and as a
  resident), the issue-18 rows of tests/marketplace/users/test_access_matrix.py.
- ``own``: a signed-in person's own things; a visitor is sent to sign in (here), another person gets nothing of
  theirs (tests/marketplace/users/test_access_matrix.py and each page's tests).
- ``moderators``: rating moderation, for the district's moderators (tests/ratings).
- ``operators``: the 12348 hotline's workspace, for its operators (热线坐席); everybody else is refused (here,
  and tests/marketplace/hotline).
- ``grid_workers``: the grid workers' pages (网格员); everybody else is refused (here, and tests/marketplace/grid).
- ``supervisors``: the supervisors' queue of escalated matters (督办), for the supervisors of a street or of the
  district; everybody else is refused (here, and tests/marketplace/matters/test_supervision_views.py).
- ``publishers``: the review and publishing of the street index and its formula, for district administrators
  holding ``streetindex.publish_index`` (tests/streetindex/test_publishing.py, every address of the class).
- ``public``: anyone may ask; nothing answers 5xx to a visitor (here).
"""

import re

import pytest
from django.urls import URLResolver, get_resolver

# The first class whose prefix an address starts with is its class: the longer prefixes come first.
CLASSES = [
    # Translation catalogues and icons the sign-in pages load too: nothing of anyone's.
    ("/django-admin/catalogue/category/jsi18n/", "public"),
    ("/cms/jsi18n/", "public"),
    ("/cms/sprite/", "public"),
    ("/django-admin/login/", "public"),
    ("/django-admin/logout/", "public"),
    ("/django-admin/", "administrators"),
    ("/cms/login/", "public"),
    ("/cms/password_reset/", "public"),
    ("/cms/", "editors"),
    ("/shop/dashboard/", "dashboard"),
    ("/operations/", "dashboard"),
    ("/provider/", "console"),
    ("/api/v1/", "api"),
    ("/ratings/moderate/", "moderators"),
    ("/hotline/", "operators"),
    ("/grid/", "grid_workers"),
    ("/supervision/", "supervisors"),
    ("/ratings/", "own"),
    # The resident's account: sign-in, registration, logout and Oscar's order status by secret link are open.
    ("/shop/accounts/login/", "public"),
    ("/shop/accounts/register/", "public"),
    ("/shop/accounts/logout/", "public"),
    ("/shop/accounts/^order-status", "public"),
    # Oscar's links in alert emails, by their secret key.
    ("/shop/accounts/alerts/confirm/", "public"),
    ("/shop/accounts/alerts/cancel/key/", "public"),
    ("/shop/accounts/", "own"),
    ("/shop/checkout/", "own"),
    ("/shop/payment/pay/", "own"),
    # The gateway's calls and the page it sends the resident back to are checked by signature and reference.
    ("/shop/payment/", "public"),
    ("/shop/password-reset/", "public"),
    ("/shop/", "public"),
    # Oscar's shop addresses a resident must not meet (marketplace/shop_addresses.py): a redirect to the page
    # they stand for, or 404, the same for everyone; what the redirect leads to is classed by its own address.
    ("/^shop/", "public"),
    # Matters (issue 20): the public progress lookup and the other party's link (by its signed token) are open;
    # the rest are the applicant's own (tests/marketplace/matters/test_views.py).
    ("/matters/progress/", "public"),
    ("/matters/respond/", "public"),
    # The menu of 法律九进 (legal lectures an organisation may request): anyone may read it.
    ("/matters/outreach/", "public"),
    ("/matters/", "own"),
    # The sandbox video-room provider's rooms, by their unguessable id (only while the sandbox is the provider).
    ("/video/", "public"),
    ("/search/", "public"),
    ("/index/review/", "publishers"),
    ("/index/", "public"),
    ("/documents/", "public"),
    ("/_util/", "public"),
    ("/i18n/", "public"),
    ("/sitemap.xml", "public"),
    ("/robots.txt", "public"),
    ("/healthz", "public"),
    ("/elderly-mode/", "public"),
    # Development only: 404 unless DEBUG and the sandbox SMS gateway (tests/marketplace/users/test_sms_signin.py).
    ("/dev/sms/", "public"),
    ("/community/choose/", "public"),
    ("/^(?!_util/)((?:[\\w\\-]+/)*)$", "public"),  # Wagtail's pages, routed by cms/routes.py
    ("/^((?:[\\w\\-]+/)*)$", "public"),  # Wagtail's pages
]


def addresses():
    """(route as written, pattern) of every address of the project."""

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    return list(walk(get_resolver(), "/"))


def class_of(route):
    return next((kind for prefix, kind in CLASSES if route.startswith(prefix)), None)


def example(route):
    """An address matching ``route`` with an example value in each argument; None if it cannot be filled simply."""
    address = re.sub(r"<int:\w+>", "1", route)
    address = re.sub(r"<(?:str|slug):\w+>", "x", address)
    address = re.sub(r"<path:\w+>", "x", address)
    if "^" in address or "(" in address or "<" in address:
        return None  # a regular expression: the matrices of its class fill it themselves
    return address


ADDRESSES = addresses()


def of_class(kind):
    return sorted({address for route, _pattern in ADDRESSES if class_of(route) == kind and (address := example(route))})


def test_every_address_is_classed():
    assert len(ADDRESSES) > 500
    assert [route for route, _pattern in ADDRESSES if class_of(route) is None] == []


def test_the_issue_18_addresses_are_in_the_classes_their_matrix_proves():
    classed = {route: class_of(route) for route, _pattern in ADDRESSES}
    for route in (
        "/shop/accounts/my-data/",
        "/shop/accounts/my-data/download/",
        "/shop/accounts/my-data/delete-account/",
        "/shop/accounts/profile/delete/",
        "/shop/accounts/apps/",
        "/shop/accounts/apps/<int:token_id>/sign-out/",
        "/shop/accounts/apps/sign-out-all/",
    ):
        assert classed[route] == "own", route
    assert classed["/shop/accounts/logout/"] == "public"
    assert classed["/api/v1/me/export"] == classed["/api/v1/me"] == classed["/api/v1/auth/tokens/<token_id>"] == "api"


def test_the_issue_20_staff_addresses_are_in_the_classes_their_matrices_prove():
    """The station's matters: the console matrix (tests/providers/console/test_isolation.py) fills every console
    route; the district's pages are the dashboard's, proven with the console's in the issue-20 row of
    tests/marketplace/users/test_access_matrix.py."""
    classed = {route: class_of(route) for route, _pattern in ADDRESSES}
    for route in (
        "/provider/<int:partner_id>/matters/",
        "/provider/<int:partner_id>/matters/<str:reference>/",
        "/provider/<int:partner_id>/matters/<str:reference>/steps/",
        "/provider/<int:partner_id>/matters/<str:reference>/bookings/",
        "/provider/<int:partner_id>/matters/<str:reference>/materials/",
        "/provider/<int:partner_id>/matters/<str:reference>/session/",
        "/provider/<int:partner_id>/matters/<str:reference>/held/",
    ):
        assert classed[route] == "console", route
    assert classed["/operations/matters/"] == classed["/operations/matters/<str:reference>/"] == "dashboard"


@pytest.mark.parametrize("kind", ["anonymous", "resident", "staff"])
def test_administrators_pages_send_everybody_else_to_their_sign_in(client, resident, staff, kind):
    if kind != "anonymous":
        client.force_login(resident if kind == "resident" else staff)
    answers = {address: client.get(address) for address in of_class("administrators")}

    assert len(answers) > 20
    refused = {
        address: response.status_code
        for address, response in answers.items()
        if not (response.status_code == 302 and response["Location"].startswith("/django-admin/login/"))
        and response.status_code != 404
    }
    assert refused == {}


@pytest.mark.parametrize("kind", ["anonymous", "resident", "staff"])
def test_editors_pages_refuse_residents_and_provider_staff(client, resident, staff, kind):
    if kind != "anonymous":
        client.force_login(resident if kind == "resident" else staff)
    answers = {address: client.get(address) for address in of_class("editors")}

    assert len(answers) > 20
    let_in = {
        address: response.status_code
        for address, response in answers.items()
        if response.status_code == 200 or response.status_code >= 500
    }
    assert let_in == {}


@pytest.mark.parametrize("kind", ["anonymous", "resident", "staff"])
def test_the_hotline_workspace_refuses_everybody_but_its_operators(client, resident, staff, kind):
    """A visitor is sent to sign in; a resident and a provider's staff are refused, asking or posting."""
    if kind != "anonymous":
        client.force_login(resident if kind == "resident" else staff)
    addresses = of_class("operators")
    answers = {
        (method, address): getattr(client, method)(address) for address in addresses for method in ("get", "post")
    }

    assert len(addresses) >= 9
    if kind == "anonymous":
        assert {key: r.status_code for key, r in answers.items() if "/login/" not in r.get("Location", "")} == {}
    else:
        assert {key: r.status_code for key, r in answers.items() if r.status_code != 403} == {}


@pytest.mark.parametrize("kind", ["anonymous", "resident", "staff", "operator"])
def test_the_grid_workers_pages_refuse_everybody_but_grid_workers(client, resident, staff, kind):
    """A visitor is sent to sign in; a resident, a provider's staff and a hotline operator are refused."""
    from django.contrib.auth.models import Permission

    if kind == "operator":
        staff.user_permissions.add(Permission.objects.get(codename="take_calls"))
    if kind != "anonymous":
        client.force_login(resident if kind == "resident" else staff)
    addresses = of_class("grid_workers")
    answers = {
        (method, address): getattr(client, method)(address) for address in addresses for method in ("get", "post")
    }

    assert len(addresses) >= 5
    if kind == "anonymous":
        assert {key: r.status_code for key, r in answers.items() if "/login/" not in r.get("Location", "")} == {}
    else:
        assert {key: r.status_code for key, r in answers.items() if r.status_code != 403} == {}


@pytest.mark.parametrize("kind", ["anonymous", "resident", "staff"])
def test_the_supervision_pages_refuse_everybody_but_supervisors(client, resident, staff, kind):
    """A visitor is sent to sign in; a resident and a provider's staff are refused, asking or posting."""
    if kind != "anonymous":
        client.force_login(resident if kind == "resident" else staff)
    addresses = of_class("supervisors")
    answers = {
        (method, address): getattr(client, method)(address) for address in addresses for method in ("get", "post")
    }

    assert len(addresses) >= 5
    if kind == "anonymous":
        assert {key: r.status_code for key, r in answers.items() if "/login/" not in r.get("Location", "")} == {}
    else:
        assert {key: r.status_code for key, r in answers.items() if r.status_code != 403} == {}


def test_a_visitor_is_sent_to_sign_in_from_every_page_of_a_persons_own(client, db):
    """To the sign-in page, perhaps by way of the page's own address (Oscar's notifications lead to their inbox),
    or 404 where the address names something that is nobody's (a wish list's key)."""
    answers = {address: client.get(address, follow=True) for address in of_class("own")}

    assert len(answers) > 30
    assert {
        address: (response.status_code, response.redirect_chain)
        for address, response in answers.items()
        if not (response.redirect_chain and "/login/" in response.redirect_chain[-1][0]) and response.status_code != 404
    } == {}


def test_no_public_address_answers_a_visitor_with_a_server_error(client, home_page):
    answers = {address: client.get(address).status_code for address in of_class("public")}

    assert len(answers) > 20
    assert {address: status for address, status in answers.items() if status >= 500} == {}

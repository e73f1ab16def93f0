"""Signing out is a POST (issue 18, item 4): a link, an image or a page on another site that
fetches the logout address signs nobody out; every logout control of ours is a form's button."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD

LOGOUT = "/shop/accounts/logout/"


def signed_in(user, **options):
    client = Client(**options)
    assert client.login(email=user.email, password=PASSWORD)
    return client


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_a_get_of_the_logout_address_only_asks(resident):
    client = signed_in(resident)

    response = client.get(LOGOUT)

    assert response.status_code == 200
    assert is_signed_in(client)
    html = response.content.decode()
    assert re.search(r'<form method="post" action="/shop/accounts/logout/" id="logout-confirm">', html)
    assert "要退出登录吗？" in html


def test_the_button_signs_out_and_forgets_what_was_viewed(resident):
    client = signed_in(resident)
    client.cookies["oscar_recently_viewed_products"] = "1"

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_signed_in(client)
    assert response.cookies["oscar_recently_viewed_products"].value == ""


def test_signing_out_needs_the_forms_csrf_token(resident):
    client = signed_in(resident, enforce_csrf_checks=True)

    assert client.post(LOGOUT).status_code == 403
    assert is_signed_in(client)


def test_other_methods_are_not_allowed(resident):
    client = signed_in(resident)
    assert client.put(LOGOUT).status_code == 405
    assert client.delete(LOGOUT).status_code == 405
    assert is_signed_in(client)


def test_every_logout_control_in_our_templates_is_a_form():
    """No template of ours links to a logout address; each one posts to it."""
    links = []
    for root in [
        settings.BASE_DIR / name for name in ("marketplace", "cms", "providers", "ratings", "search", "streetindex")
    ]:
        for template in Path(root).rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            links += [str(template) for _ in re.finditer(r"<a\b[^>]*href=\"[^\"]*logout", text)]
            for action in re.finditer(r"<form\b[^>]*action=\"[^\"]*logout[^\"]*\"[^>]*>", text):
                assert 'method="post"' in action.group(0), template
    assert links == []

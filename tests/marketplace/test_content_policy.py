"""A Content-Security-Policy on every page (issue 18, item 4): residents' and providers' pages run
only our own static scripts and style sheets; the administrators' tools have a policy of their
own. That the pages really run under it, with no violation, is what the browser tests check
(tests/browser/conftest.py fails a test that met one)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

SITE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}


def policy_of(response):
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return dict(
        (part.split(" ", 1) + [""])[:2] for part in (directive.strip() for directive in header.split(";")) if part
    )


def assert_site_policy(response):
    policy = policy_of(response)
    for directive, sources in SITE_POLICY.items():
        assert policy[directive] == sources, (directive, policy[directive])
    assert "unsafe-inline" not in policy["script-src"] + policy["style-src"]
    assert "unsafe-eval" not in policy["script-src"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/search/?q=法律", 200),
        ("/shop/checkout/preview/", 302),
        ("/shop/accounts/login/", 200),
        ("/index/", 200),
        ("/api/v1/openapi.json", 200),
        ("/api/v1/docs", 200),
        ("/robots.txt", 200),
        ("/no-such-page/", 404),
    ],
)
def test_every_page_has_the_sites_policy(client, home_page, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_site_policy(response)


def test_a_bad_request_and_the_consoles_pages_have_it_too(client, staff, provider, home_page):
    assert_site_policy(client.post("/community/choose/", {"community": "²"}))
    client.force_login(staff)
    for url in (
        f"/provider/{provider.pk}/day/",
        f"/provider/{provider.pk}/day/print/",
        f"/provider/{provider.pk}/day.csv",
    ):
        assert_site_policy(client.get(url))


@pytest.mark.parametrize("url", ["/cms/", "/shop/dashboard/orders/", "/django-admin/"])
def test_the_administrators_tools_have_their_own_policy(client, admin_user, url):
    client.login(email=admin_user.email, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    policy = policy_of(response)
    # Their inline scripts and styles are allowed, still from this site only, with no plug-ins,
    # no other base URL, no framing elsewhere and no form posted elsewhere.
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == policy["form-action"] == policy["frame-ancestors"] == "'self'"


def test_paying_may_lead_to_the_gateways_page(load_settings):
    """ "Pay now" is a form whose answer redirects to the gateway: form-action names its origin."""
    with_gateway = load_settings("dev", PAYMENT_GATEWAY_URL="https://pay.example.gov.cn/v1")
    assert with_gateway.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'", "https://pay.example.gov.cn"]
    sandbox = load_settings("dev")
    assert sandbox.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'"]


TEMPLATE_ROOTS = ["marketplace", "cms", "providers", "ratings", "search", "streetindex", "demo"]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"), "an inline <script>"),
    (re.compile(r"<style\b"), "a <style> element"),
    (re.compile(r"\son(?:click|load|submit|change|input|focus|blur|keyup|keydown|error)\s*="), "an event attribute"),
    (re.compile(r"href=\"javascript:", re.IGNORECASE), "a javascript: link"),
]


def test_no_template_of_ours_needs_an_inline_script_or_style_sheet():
    found = []
    for root in TEMPLATE_ROOTS:
        for template in sorted((Path(settings.BASE_DIR) / root).rglob("templates/**/*.html")):
            if template.name == "base.html" and template.parent.name == "oscar":
                continue  # Oscar's base: its inline start-up script is a block the storefront empties
            text = template.read_text(encoding="utf-8")
            found += [
                f"{template.relative_to(settings.BASE_DIR)}: {what}" for pattern, what in INLINE if pattern.search(text)
            ]
    assert found == []


def test_the_api_docs_load_swagger_from_our_own_static_files(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html and "<script>" not in html

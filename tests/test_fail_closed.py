"""The configuration fails closed (issue 18, item 5): a deployment missing a secret, a real mail
server or its public address does not start; a server started without naming its settings gets
production's; the demo's public passwords stay off a production database.

The settings modules are loaded afresh here with the environment each test gives, as a server
would load them; the running test's own settings are left as they were.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from marketplace.sites import sync_site_domain
from tests.conftest import SETTINGS_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent

# What `make check-deploy` passes: a production that starts.
PRODUCTION = {
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "services.example.gov.cn",
    "SITE_URL": "https://services.example.gov.cn",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.gov.cn",
    "PAYMENT_GATEWAY_URL": "https://pay.example.gov.cn/v1",
    "PAYMENT_GATEWAY_SECRET": "s" * 40,
    "PERSONAL_DATA_KEY": "cHJvZHVjdGlvbi10ZXN0LWtleS0zMi1ieXRlcy1sb24=",
    "PERSONAL_DATA_HASH_KEY": "h" * 40,
    "VIDEO_ROOM_PROVIDER": "http",
    "VIDEO_ROOM_URL": "https://video.example.gov.cn/v1",
}


def production_without(*names, **changes):
    environment = {key: value for key, value in PRODUCTION.items() if key not in names}
    environment.update(changes)
    return environment


def test_production_starts_with_what_make_check_deploy_passes(load_settings):
    production = load_settings("production", **PRODUCTION)
    assert production.DEBUG is False
    assert production.SITE_URL == production.WAGTAILADMIN_BASE_URL == "https://services.example.gov.cn"


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        (production_without("SECRET_KEY"), "SECRET_KEY"),
        (production_without("ALLOWED_HOSTS"), "ALLOWED_HOSTS"),
        (production_without("SITE_URL"), "SITE_URL"),
        (production_without(SITE_URL="services.example.gov.cn"), "SITE_URL"),
        (production_without(SITE_URL="http://services.example.gov.cn"), "https"),
        (production_without(SITE_URL="https://elsewhere.example.com"), "ALLOWED_HOSTS"),
        (production_without("EMAIL_BACKEND"), "EMAIL_BACKEND"),
        (production_without(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"), "EMAIL_BACKEND"),
        (production_without(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"), "EMAIL_BACKEND"),
        (production_without(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), "EMAIL_BACKEND"),
        (production_without("PAYMENT_GATEWAY_URL"), "PAYMENT_GATEWAY_URL"),
        (production_without("PAYMENT_GATEWAY_SECRET"), "PAYMENT_GATEWAY_SECRET"),
        (production_without(PAYMENT_GATEWAY_SECRET="sandbox-secret"), "PAYMENT_GATEWAY_SECRET"),
        (production_without("PERSONAL_DATA_KEY"), "PERSONAL_DATA_KEY"),
        (production_without(PERSONAL_DATA_KEY="not-a-fernet-key"), "PERSONAL_DATA_KEY"),
        (production_without(PERSONAL_DATA_KEY="ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMzJiISE="), "PERSONAL_DATA_KEY"),
        (production_without("PERSONAL_DATA_HASH_KEY"), "PERSONAL_DATA_HASH_KEY"),
        (production_without(PERSONAL_DATA_HASH_KEY="dev-only-personal-data-hash-key"), "PERSONAL_DATA_HASH_KEY"),
        (production_without("VIDEO_ROOM_PROVIDER"), "VIDEO_ROOM_PROVIDER"),
        (production_without("VIDEO_ROOM_URL"), "VIDEO_ROOM_URL"),
        # A demo site on the sandbox gateway: allowed, but not with the public webhook secret.
        (
            production_without("PAYMENT_GATEWAY_URL", "PAYMENT_GATEWAY_SECRET", PAYMENT_SANDBOX_ALLOWED="true"),
            "PAYMENT_GATEWAY_SECRET",
        ),
        (
            production_without(
                "PAYMENT_GATEWAY_URL", PAYMENT_GATEWAY_SECRET="sandbox-secret", PAYMENT_SANDBOX_ALLOWED="true"
            ),
            "PAYMENT_GATEWAY_SECRET",
        ),
    ],
)
def test_production_refuses_to_start_without_what_keeps_residents_safe(load_settings, environment, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        load_settings("production", **environment)


def test_a_demo_site_may_run_the_sandbox_gateway_with_a_secret_of_its_own(load_settings):
    production = load_settings(
        "production", **production_without("PAYMENT_GATEWAY_URL", PAYMENT_SANDBOX_ALLOWED="true")
    )
    assert production.PAYMENT_GATEWAY_URL == ""
    assert production.PAYMENT_GATEWAY_SECRET == "s" * 40


def test_a_demo_site_may_run_the_sandbox_video_rooms_when_it_says_so(load_settings):
    production = load_settings(
        "production", **production_without("VIDEO_ROOM_PROVIDER", "VIDEO_ROOM_URL", VIDEO_SANDBOX_ALLOWED="true")
    )
    assert production.VIDEO_ROOM_PROVIDER == "sandbox"


def test_only_the_development_and_test_settings_have_secrets_by_default(load_settings):
    base = load_settings("base")
    assert base.SECRET_KEY == ""
    assert base.PAYMENT_GATEWAY_SECRET == ""
    dev = load_settings("dev")
    assert dev.SECRET_KEY and dev.PAYMENT_GATEWAY_SECRET and dev.DEBUG is True


@pytest.mark.parametrize("entry", ["marketplace.wsgi", "marketplace.asgi"])
def test_a_server_started_without_naming_its_settings_gets_production(entry):
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENVIRONMENT}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    started = subprocess.run(
        [sys.executable, "-c", f"import {entry}"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in started.stderr


def test_seed_demo_refuses_a_site_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-a-demo"):
        call_command("seed_demo")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="admin@example.com").exists()


def test_site_url_is_the_sites_domain_in_password_reset_links(
    client, make_user, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://services.example.gov.cn"
    sync_site_domain(sender=None)
    assert Site.objects.get_current().domain == "services.example.gov.cn"
    make_user(email="zhang@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # the link is sent by a background task
        client.post(reverse("password-reset"), {"email": "zhang@example.com"})
    assert len(mail.outbox) == 1
    assert "://services.example.gov.cn/shop/password-reset/confirm/" in mail.outbox[0].body


def test_migrate_gives_the_site_the_host_of_site_url(db):
    # The test database was migrated with the test settings' SITE_URL.
    assert Site.objects.get(pk=settings.SITE_ID).domain == "127.0.0.1:8000"

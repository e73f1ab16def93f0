"""Production: every secret and host comes from the environment, and a setting that would
quietly put residents at risk (a public key, mail that never leaves the machine, links to
nowhere, a payment webhook anyone can sign) stops the site at start-up instead."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)

# Links in emails and text messages (password resets among them) and the Site's domain
# (marketplace/sites.py) come from SITE_URL: unset, they would lead to the development address.
SITE_URL = os.environ.get("SITE_URL", "").strip()
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured("SITE_URL must be the site's public address, e.g. https://services.example.gov.cn.")
if SECURE_SSL_REDIRECT and _site.scheme != "https":
    raise ImproperlyConfigured("SITE_URL must start with https:// (the site redirects http to https).")
if not validate_host(split_domain_port(_site.netloc)[0], ALLOWED_HOSTS):
    raise ImproperlyConfigured("SITE_URL's host must be one of ALLOWED_HOSTS.")
WAGTAILADMIN_BASE_URL = SITE_URL

# Mail kept on the machine (console: in the log; file, locmem, dummy: nowhere a resident sees it)
# would put password-reset links where the wrong people read them, or lose them.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
if EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:  # noqa: F405
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND is {EMAIL_BACKEND}, which delivers no mail: "  # noqa: F405
        "set django.core.mail.backends.smtp.EmailBackend (with EMAIL_HOST …) or another real backend."
    )

# The sandbox gateway lets anyone approve their own payment: fine on a laptop or a
# demo site that says so, never where money is real.
if not PAYMENT_GATEWAY_URL and not env_bool("PAYMENT_SANDBOX_ALLOWED", False):  # noqa: F405
    raise ImproperlyConfigured(
        "PAYMENT_GATEWAY_URL must name the payment gateway (or set PAYMENT_SANDBOX_ALLOWED=true on a demo site)."
    )
# Whoever knows the webhook secret can mark any booking paid, the sandbox's webhook included.
if len(PAYMENT_GATEWAY_SECRET) < 32 or PAYMENT_GATEWAY_SECRET == "sandbox-secret":  # noqa: F405
    raise ImproperlyConfigured(
        "PAYMENT_GATEWAY_SECRET must be set to the gateway's webhook secret (at least 32 characters), "
        "on a demo site with the sandbox gateway too."
    )

# Residents' ID card numbers are encrypted and looked up by keyed hash: without their keys (or with the
# public ones of development and test) they would be stored readable, or not at all.
_PUBLIC_KEYS = {"ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMzJiISE=", "dev-only-personal-data-hash-key"}
try:
    import base64 as _base64

    _key_ok = len(_base64.urlsafe_b64decode(PERSONAL_DATA_KEY.encode())) == 32  # noqa: F405
except ValueError:
    _key_ok = False
if not _key_ok or PERSONAL_DATA_KEY in _PUBLIC_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "PERSONAL_DATA_KEY must be set to a Fernet key of its own (32 random bytes, URL-safe base64: "
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").'
    )
if len(PERSONAL_DATA_HASH_KEY) < 32 or PERSONAL_DATA_HASH_KEY in _PUBLIC_KEYS | {PERSONAL_DATA_KEY}:  # noqa: F405
    raise ImproperlyConfigured(
        "PERSONAL_DATA_HASH_KEY must be set to a random secret of at least 32 characters, not PERSONAL_DATA_KEY."
    )

# The sandbox's rooms connect nobody: a resident booked online would wait alone on a page of ours.
if VIDEO_ROOM_PROVIDER == "sandbox" and not env_bool("VIDEO_SANDBOX_ALLOWED", False):  # noqa: F405
    raise ImproperlyConfigured(
        "VIDEO_ROOM_PROVIDER must be http, with VIDEO_ROOM_URL naming the video-room provider "
        "(or set VIDEO_SANDBOX_ALLOWED=true on a demo site)."
    )
if VIDEO_ROOM_PROVIDER == "http" and not VIDEO_ROOM_URL:  # noqa: F405
    raise ImproperlyConfigured("VIDEO_ROOM_URL must name the video-room provider when VIDEO_ROOM_PROVIDER is http.")

SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Static files are served by the app itself (no separate web server needed).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405

"""Production: every secret and host comes from the environment, and a setting that would
quietly put residents at risk (a public key, mail that never leaves the machine, links to
nowhere, a payment webhook anyone can sign) stops the site at start-up instead."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

from marketplace.logs import FORMATTERS

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

# The load balancer's or supervisor's probe asks /healthz over plain http on the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Database connections: one kept open per process for DB_CONN_MAX_AGE seconds (a gunicorn sync worker
# serves one request at a time, so a pool per process would hold one connection anyway), and checked
# before each request reuses it (CONN_HEALTH_CHECKS, base.py): after PostgreSQL restarts, a worker's first
# request reconnects instead of answering 500. Past PostgreSQL's max_connections, put PgBouncer in front.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "600"))  # noqa: F405

# Redis (REDIS_URL, e.g. redis://127.0.0.1:6379/0) holds the cache, the sessions and the rate-limit
# counters, shared by every app server. Without it: a cache per process, sessions and counters in the database.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// address.")
    _redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that does not answer fails the request in a second, not after the proxy's timeout.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    # Redis out of reach: the cache reads as empty and pages are built from the database (marketplace/caching.py);
    # sessions and rate-limit counters are not forgiven so (a sign-out Redis missed would come back with it):
    # signed-in pages and limited actions answer 503 until Redis is back (marketplace/outage.py).
    CACHES = {
        **CACHES,  # noqa: F405
        "default": {**_redis, "BACKEND": "marketplace.caching.ForgivingRedisCache", "KEY_PREFIX": "panlong"},
        "sessions": {**_redis, "KEY_PREFIX": "panlong"},
    }
    if "RATELIMIT_CACHE_BACKEND" not in os.environ:
        CACHES[RATELIMIT_USE_CACHE] = {**_redis, "KEY_PREFIX": "panlong-limits"}  # noqa: F405
    # Read from Redis, written through to the database too: a Redis restarted empty signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

# Logs: one JSON object a line on standard output (LOG_FORMAT=json), or plain text (LOG_FORMAT=text);
# either way with phones, ID card numbers and email addresses masked (marketplace/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": FORMATTERS,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT}},
}

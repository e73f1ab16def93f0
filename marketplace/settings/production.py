"""Production: every secret and host comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names.")

# The sandbox gateway lets anyone approve their own payment: fine on a laptop or a
# demo site that says so, never where money is real.
if not PAYMENT_GATEWAY_URL and not env_bool("PAYMENT_SANDBOX_ALLOWED", False):  # noqa: F405
    raise ImproperlyConfigured(
        "PAYMENT_GATEWAY_URL must name the payment gateway (or set PAYMENT_SANDBOX_ALLOWED=true on a demo site)."
    )
if PAYMENT_GATEWAY_URL and (len(PAYMENT_GATEWAY_SECRET) < 32 or PAYMENT_GATEWAY_SECRET == "sandbox-secret"):  # noqa: F405
    raise ImproperlyConfigured("PAYMENT_GATEWAY_SECRET must be the gateway's webhook secret (at least 32 characters).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Static files are served by the app itself (no separate web server needed).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405

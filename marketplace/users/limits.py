"""Rate limits on the doors an attacker would knock on: registration, password reset and SMS sign-in codes.

Counted by django-ratelimit in its own cache (``RATELIMIT_USE_CACHE``), per client
address and per email address (or mobile number, by its keyed hash) asked about,
whether or not it has an account, so that being refused tells nothing about who is registered. Failed sign-ins are
django-axes's (:mod:`marketplace.users.signin`). The rates are settings read from
the environment (``REGISTRATION_RATE_PER_ADDRESS`` …).
"""

import ipaddress
import math

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from marketplace.errors import DomainError


class RateLimited(DomainError):
    """Too many attempts: try again in ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = max(1, int(math.ceil(retry_after)))


def client_address(request):
    """The address a request came from: REMOTE_ADDR, or behind ``TRUSTED_PROXIES`` reverse proxies the one
    the outermost proxy saw. Each proxy appends the address it was reached from to X-Forwarded-For, so only
    that many entries from the right are trusted; anything further left the client may have written."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Not an address (a Unix socket, a malformed header): one shared bucket rather than none.
        return "0.0.0.0"


def with_wait(message, seconds):
    """``message`` and “Please try again in N minutes.”, N rounded up to whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    wait = ngettext("Please try again in %(minutes)d minute.", "Please try again in %(minutes)d minutes.", minutes)
    # Two sentences: a space between them in English, none in Chinese.
    return _("%(message)s %(wait)s") % {"message": message, "wait": wait % {"minutes": minutes}}


ACTIONS = {
    # action: (rate per client address, rate per email address), as setting names
    "register": ("REGISTRATION_RATE_PER_ADDRESS", "REGISTRATION_RATE_PER_ACCOUNT"),
    "password_reset": ("PASSWORD_RESET_RATE_PER_ADDRESS", "PASSWORD_RESET_RATE_PER_ACCOUNT"),
    # the account is the mobile number's keyed hash (marketplace.users.sms_signin)
    "sms_code": ("SMS_CODE_RATE_PER_ADDRESS", "SMS_CODE_RATE_PER_NUMBER"),
    "sms_verify": ("SMS_VERIFY_RATE_PER_ADDRESS", "SMS_VERIFY_RATE_PER_NUMBER"),
}


def _refusal(action):
    if action == "register":
        return _("Too many registrations from here or for this email address.")
    if action == "password_reset":
        return _("Too many password reset requests from here or for this email address.")
    if action == "sms_code":
        return _("Too many sign-in codes asked for from here or for this mobile number.")
    return _("Too many sign-in codes tried from here or for this mobile number.")


def _usage(request, group, value, rate):
    return get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=True)


def count_attempt(request, action, email):
    """Count one attempt at ``action`` (a key of ``ACTIONS``) from this request's address and for
    ``email``; raise :class:`RateLimited` once either has gone over its rate (the attempt is not to be made).

    Both are counted even when one is over, so an address that keeps trying stays refused.
    """
    per_address, per_account = (getattr(settings, name) for name in ACTIONS[action])
    email = (email or "").strip().lower()
    usages = [_usage(request, f"{action}:address", client_address(request), per_address)]
    if email:
        usages.append(_usage(request, f"{action}:account", email, per_account))
    over = [usage for usage in usages if usage and usage["should_limit"]]
    if over:
        wait = max(usage["time_left"] for usage in over)
        raise RateLimited(with_wait(_refusal(action), wait), retry_after=wait)

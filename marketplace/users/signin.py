"""Signing in: the same work whether or not an address is registered, and lockouts after repeated failures.

Every door that checks a password (the web's sign-in, Wagtail's and Django's
admin, ``POST /api/v1/auth/token`` and ``/auth/password``) goes through
``django.contrib.auth.authenticate`` and so through the two backends below
(``AUTHENTICATION_BACKENDS``): django-axes's guard first, which refuses a locked
account or address before any password is looked at and counts each failure in
the database, then :class:`EmailBackend`, the one that checks passwords.
The limits are ``SIGNIN_FAILURE_LIMIT`` and ``SIGNIN_LOCKOUT_MINUTES``.
"""

import math

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.customer.auth_backends import EmailBackend as OscarEmailBackend

from marketplace.users.limits import RateLimited, client_address, with_wait

ACCOUNT_MAX_LENGTH = 255  # axes keeps the account an attempt named in a column this long


def normalised_account(value):
    """An email address as an attempt is counted against: stripped, in lower case, storable."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower().replace("\x00", "")[:ACCOUNT_MAX_LENGTH]
    return value or None


def account_of(request, credentials):
    """AXES_USERNAME_CALLABLE: the account an attempt names. The API passes ``email``, the sign-in
    forms ``username``; ``RESIDENT@example.com`` and ``resident@example.com`` are one account."""
    credentials = credentials or {}
    if isinstance(credentials.get("phone"), str) and credentials["phone"]:
        # Signing in by SMS code (marketplace.users.sms_signin): the number, by its keyed hash, never in clear.
        from marketplace.users.sms_signin import phone_key

        return f"phone:{phone_key(credentials['phone'])}"
    return normalised_account(credentials.get("email") or credentials.get("username"))


class LockoutGuard(AxesStandaloneBackend):
    """django-axes's guard: raises PermissionDenied for a locked account or address, which makes
    ``authenticate`` answer None at once (and the door then answers with :func:`locked_out`)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Only our own code authenticates without a request: Oscar signing a new registrant in with
            # the password they have just chosen, and the test client. Nobody can guess through it.
            return None
        # What the lockout answer names (axes keeps it only for the failures it counts itself).
        request.axes_credentials = {"username": username, "email": kwargs.get("email")}
        return super().authenticate(request, username=username, password=password, **kwargs)


class EmailBackend(OscarEmailBackend):
    """Oscar's email backend, run once per attempt, with one password hash whatever the address.

    Oscar's checks nothing for an address without an account, and with Django's
    ModelBackend behind it a registered address was hashed twice: the time of an
    answer told whether an address is registered.
    """

    def _authenticate(self, request, email=None, password=None, *args, **kwargs):
        if email is None:
            email = kwargs.get("username")
        if not isinstance(email, str) or not isinstance(password, str):
            return None
        User = get_user_model()
        address = email.strip()
        candidates = list(User.objects.filter(email__iexact=address)) if "@" in address else []
        if not candidates:
            # As long as checking a registered address's password takes.
            User().set_password(password)
            return None
        accepted = [user for user in candidates if user.check_password(password) and self.user_can_authenticate(user)]
        if len(accepted) > 1:  # two accounts share the address and this password: trust neither
            raise User.MultipleObjectsReturned("There are several accounts with this email address and password.")
        return accepted[0] if accepted else None


def lockout_ends(request, credentials=None, now=None):
    """When the lockout of this request's address or named account ends (None: neither is locked).

    axes keeps one row per account, address and browser, with its failures and the time of the
    last one; a parameter is locked while its failures within the cool-off reach the limit, until
    its last failure is as old as the cool-off.
    """
    now = now or timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    account = account_of(request, credentials)
    parameters = [Q(ip_address=client_address(request))]
    if account:
        parameters.append(Q(username=account))
    ends = []
    for parameter in parameters:
        counted = recent.filter(parameter).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (counted["failures"] or 0) >= settings.AXES_FAILURE_LIMIT:
            ends.append(counted["last"] + cool_off)
    return max(ends) if ends else None


def lockout_error(request, credentials=None):
    """The :class:`RateLimited` a locked-out sign-in answers with: the same words for any account."""
    now = timezone.now()
    ends = lockout_ends(request, credentials, now=now) or now + settings.AXES_COOLOFF_TIME
    wait = math.ceil((ends - now).total_seconds())
    message = _(
        "Too many failed sign-ins from here or for this account: signing in is paused for your safety. "
        "You can reset your password meanwhile."
    )
    return RateLimited(with_wait(message, wait), retry_after=wait)


def too_many_attempts_response(request, error, status=429):
    """A rate limit's answer on a web page or in the API: 429, ``Retry-After`` and the message."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": error.message, "code": error.code}, status=status)
    else:
        response = render(request, "users/too_many_attempts.html", {"message": error.message}, status=status)
    response["Retry-After"] = str(error.retry_after)
    return response


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a sign-in that axes refused answers, whichever door it came by."""
    return too_many_attempts_response(request, lockout_error(request, credentials))


def unlock(email):
    """Lift the sign-in lockout of the account with this email address (its address stays counted);
    the number of failure records cleared."""
    account = normalised_account(email)
    return axes_reset(username=account) if account else 0

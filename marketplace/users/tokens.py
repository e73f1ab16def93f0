"""API tokens (Wagtail's hashed ``APIToken``): issued at sign-in, expiring, listed and revoked by their owner.

A token expires ``API_TOKEN_IDLE_DAYS`` after it was last used, and at the latest
``API_TOKEN_MAX_AGE_DAYS`` after it was issued. Changing or resetting a password
revokes every token of the person (``User.save`` calls :func:`revoke_all`,
whichever door changed it: the web, the API, the admin, ``changepassword``).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from marketplace.errors import DomainError


class TokenExpired(DomainError):
    code = "token_expired"


class TokenNotFound(DomainError):
    code = "not_found"


def idle_lifetime():
    return timedelta(days=settings.API_TOKEN_IDLE_DAYS)


def max_age():
    return timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


def expires_at(token):
    """When ``token`` stops working unless it is used before (it cannot outlive its maximum age)."""
    last_used = token.last_used_at or token.created
    return min(token.created + max_age(), last_used + idle_lifetime())


def ensure_current(token, now=None):
    """Raise :class:`TokenExpired` for a token past its idle or absolute lifetime."""
    if (now or timezone.now()) >= expires_at(token):
        raise TokenExpired(_("This token has expired: sign in again with POST /api/v1/auth/token."))


def issue(user, name="api"):
    """A new token for ``user``: ``(token, plaintext)``; the plaintext is shown once and never stored."""
    return APIToken.create_token(user=user, name=name)


def active_tokens(user, now=None):
    """The tokens ``user`` can still use, newest first."""
    now = now or timezone.now()
    return (
        APIToken.objects.filter(user=user, revoked_at__isnull=True, created__gt=now - max_age())
        .annotate(last_activity=Coalesce(F("last_used_at"), F("created")))
        .filter(last_activity__gt=now - idle_lifetime())
        .order_by("-created", "-pk")
    )


def revoke(user, token_id):
    """Revoke one of ``user``'s tokens; :class:`TokenNotFound` for anyone else's, or one already revoked."""
    if not APIToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        raise TokenNotFound(_("You have no such token."))


def revoke_all(user, keep=None):
    """Revoke every token of ``user`` but ``keep``; how many were revoked."""
    tokens = APIToken.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    return tokens.update(revoked_at=timezone.now())

"""API tokens (Wagtail's hashed ``APIToken``): issued at sign-in, expiring, listed and revoked by their owner.

A token expires ``API_TOKEN_IDLE_DAYS`` after it was last used, and at the latest
``API_TOKEN_MAX_AGE_DAYS`` after it was issued. Changing or resetting a password
revokes every token of the person (``User.save`` calls :func:`revoke_all`,
whichever door changed it: the web, the API, the admin, ``changepassword``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from marketplace.audit import services as audit
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


def purge_dead(now=None):
    """Delete the tokens nobody can use any more (expired or revoked), each person's once, as the system.

    Their hashes are worthless, but every row kept is one more a leaked database hands over with its
    owner and the times it was used. Returns how many were deleted; a second run finds none.
    """
    now = now or timezone.now()
    dead = APIToken.objects.annotate(last_activity=Coalesce(F("last_used_at"), F("created"))).filter(
        Q(revoked_at__isnull=False) | Q(created__lte=now - max_age()) | Q(last_activity__lte=now - idle_lifetime())
    )
    with transaction.atomic():
        rows = list(dead.values_list("pk", "user_id"))
        counts = {}
        for _pk, user_id in rows:
            counts[user_id] = counts.get(user_id, 0) + 1
        for user_id, count in sorted(counts.items()):
            audit.record(audit.Action.Code.TOKENS_PURGED, person=user_id, detail={"tokens": count}, by_system=True)
        APIToken.objects.filter(pk__in=[pk for pk, _user_id in rows]).delete()
    return len(rows)

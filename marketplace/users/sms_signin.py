"""Signing in with a mobile number and a 6-digit code sent to it by SMS: every door's one set of rules.

Asking for a code (:func:`request_code`, web and ``POST /api/v1/auth/sms-code``):

- the number must be a mainland mobile number (``invalid`` otherwise); asking is counted per client
  address and per number (``SMS_CODE_RATE_PER_*``, :mod:`marketplace.users.limits`), and the answer is
  the same whether or not the number has an account;
- the code is random, only its keyed hash is kept (:class:`~marketplace.users.models.SmsCode`; the
  number too is kept only as a keyed hash); it is sent by a background task enqueued on commit, which
  is given the number and code encrypted, never in clear; a new code replaces the earlier ones.

Signing in (:func:`sign_in_with_code`, web and ``POST /api/v1/auth/sms-token``):

- tries are counted per address and per number (``SMS_VERIFY_RATE_PER_*``), and go through
  ``django.contrib.auth.authenticate`` like a password (:class:`SmsCodeBackend`): django-axes refuses a
  locked-out address or number first and counts each wrong code as a failed sign-in;
- a code works once, for ``SMS_CODE_MINUTES`` (5), and is spent after ``SMS_CODE_MAX_TRIES`` wrong tries;
  a wrong, used or expired code is the same ``bad_code``.

Whose account: the resident account (not staff, not a provider's, not deleted) with this mobile number;
none: one is made (no email, no password: ``sms_registered``); a resident registered at a counter (no
email, random password) signs in for the first time: their account is claimed (``account_claimed``).
Several residents may share one number (the counter registers an older couple on one phone, by name):
the code signs in the one that signed in most recently, or, when none ever has, the one registered
first. The others keep their own doors: their email and password, or the counter, where a clerk finds
each of them by name.
"""

import hmac
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.audit import context
from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.users import crypto, limits
from marketplace.users.models import SmsCode

KEPT = timedelta(days=1)  # rows older than this are deleted


class InvalidPhone(DomainError):
    code = "invalid"


class BadCode(DomainError):
    code = "bad_code"


def phone_key(phone):
    """The keyed hash a number is counted and looked up by."""
    return crypto.keyed_hash("phone", phone)


def _code_hash(phone, code):
    return crypto.keyed_hash("sms_code", f"{phone}:{code}")


def normalised_phone(raw):
    from marketplace.users.services import normalise_phone

    try:
        return normalise_phone(raw)
    except ValidationError as error:
        raise InvalidPhone(_("Enter a mainland China mobile number of 11 digits, e.g. 13812345678.")) from error


def request_code(request, raw_phone, now=None):
    """Send a new sign-in code to this number (whether or not it has an account); the normalised number.

    Raises InvalidPhone, or :class:`~marketplace.users.limits.RateLimited` (nothing sent)."""
    from marketplace.background import enqueue_on_commit
    from marketplace.users.tasks import send_sign_in_code

    phone = normalised_phone(raw_phone)
    key = phone_key(phone)
    limits.count_attempt(request, "sms_code", key)
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        SmsCode.objects.filter(created_at__lt=now - KEPT).delete()
        # One code at a time works: an earlier one is spent.
        SmsCode.objects.filter(phone_hash=key, used_at__isnull=True).update(used_at=now)
        SmsCode.objects.create(phone_hash=key, code_hash=_code_hash(phone, code), created_at=now)
        sealed = crypto.seal(json.dumps({"phone": phone, "code": code, "language": translation.get_language()}))
        enqueue_on_commit(send_sign_in_code, sealed)
    return phone


def code_text(code):
    return _(
        "%(code)s is your sign-in code for %(site)s. It works once, for %(minutes)d minutes. "
        "Never tell it to anyone, staff included."
    ) % {"code": code, "site": _("Panlong public services"), "minutes": settings.SMS_CODE_MINUTES}


def send_code(sealed):
    """The background task's work: decrypt the number and code, and send the text in the asker's language."""
    from marketplace.notifications.sms import send_sms

    message = json.loads(crypto.unseal(sealed))
    with translation.override(message.get("language") or settings.LANGUAGE_CODE):
        send_sms(message["phone"], code_text(message["code"]))


def sign_in_with_code(request, raw_phone, code):
    """The account this number's code signs in, and whether it was made just now: ``(user, created)``.

    Raises InvalidPhone, BadCode, or RateLimited (too many tries, or the number or address locked out)."""
    from marketplace.users import signin

    phone = normalised_phone(raw_phone)
    limits.count_attempt(request, "sms_verify", phone_key(phone))
    user = authenticate(request, phone=phone, sms_code=str(code or "").strip())
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise signin.lockout_error(request, {"phone": phone})
        raise BadCode(
            _("This code is wrong, already used or older than %(minutes)d minutes: ask for a new one.")
            % {"minutes": settings.SMS_CODE_MINUTES}
        )
    return user, getattr(user, "signed_up_by_sms", False)


def _spend(phone, code, now):
    """True when ``code`` is this number's live code, which is then spent; a wrong one is counted."""
    live = (
        SmsCode.objects.filter(
            phone_hash=phone_key(phone),
            used_at__isnull=True,
            created_at__gt=now - timedelta(minutes=settings.SMS_CODE_MINUTES),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if live is None:
        return False
    if not hmac.compare_digest(live.code_hash, _code_hash(phone, code)):
        SmsCode.objects.filter(pk=live.pk).update(wrong_tries=F("wrong_tries") + 1)
        SmsCode.objects.filter(pk=live.pk, wrong_tries__gte=settings.SMS_CODE_MAX_TRIES).update(used_at=now)
        return False
    # Only one of two simultaneous tries with the right code spends it.
    return SmsCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now) == 1


def residents_with_phone(phone):
    """The resident accounts a code for this number may sign in to, the one it signs in first."""
    return (
        get_user_model()
        .objects.filter(
            phone=phone,
            is_active=True,
            anonymised_at__isnull=True,
            is_staff=False,
            is_superuser=False,
            partners__isnull=True,
            # Anyone holding a staff tool (hotline operators, grid workers, moderators, editors, supervisors of
            # matters) signs in by password.
            groups__isnull=True,
            user_permissions__isnull=True,
            grid_worker__isnull=True,
            supervision_roles__isnull=True,
        )
        .order_by(F("last_login").desc(nulls_last=True), "date_joined", "pk")
    )


def account_for_code(phone, code, now=None):
    """The account this code signs in (made or claimed as need be), or None for a wrong, used or old code."""
    now = now or timezone.now()
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return None
    User = get_user_model()
    with transaction.atomic():
        if not _spend(phone, code, now):
            return None
        user = residents_with_phone(phone).first()
        created = user is None
        if created:
            user = User(email=None, phone=phone, is_active=True)
            user.set_unusable_password()
            user.save()
        door = context.current().door
        with context.acting(door if door != "job" else "web", user=user):
            if created:
                audit.record(audit.Action.Code.SMS_REGISTERED, person=user)
            elif user.last_login is None and not user.email:
                audit.record(audit.Action.Code.ACCOUNT_CLAIMED, person=user)
        # The API's tokens sign in without a session: the choice among shared numbers reads this.
        user.last_login = now
        user.save(update_fields=["last_login"])
    user.signed_up_by_sms = created
    return user


class SmsCodeBackend(BaseBackend):
    """AUTHENTICATION_BACKENDS: ``authenticate(request, phone=…, sms_code=…)``, after django-axes's guard."""

    def authenticate(self, request, phone=None, sms_code=None, **kwargs):
        if request is None or not isinstance(phone, str) or not isinstance(sms_code, str):
            return None
        user = account_for_code(phone, sms_code)
        if user is None or not user.is_active:
            return None
        return user

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User.objects.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if user.is_active else None


def masked(phone):
    from marketplace.users.models import mask_phone

    return mask_phone(phone)

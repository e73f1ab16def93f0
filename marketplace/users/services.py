"""Accounts: one path for signing residents up, whichever door they come in by."""

import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marketplace.audit import services as audit
from marketplace.errors import DomainError
from marketplace.users.models import Dependant, phone_validator


class EmailTaken(Exception):
    pass


def register_resident(email, password, name, phone):
    """Create a resident's account, or raise ValidationError / EmailTaken.

    The password goes through the project's AUTH_PASSWORD_VALIDATORS, the
    phone through the same validator as the model field.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    name = name.strip()
    phone = phone.strip()
    errors = {}
    try:
        validate_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    if not name:
        errors["name"] = [_("Enter your name.")]
    try:
        phone_validator(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    try:
        validate_password(password, user=User(email=email, name=name, phone=phone))
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(email)
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, name=name, phone=phone)
    except IntegrityError as error:  # the same address registered a moment ago
        raise EmailTaken(email) from error


def change_password(user, new_password):
    """Give ``user`` a new password, or raise ValidationError with the rules' messages (field "new_password").

    Saving it revokes every API token of theirs (``User.save``); the caller has checked the old one.
    """
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


# Residents at a provider's counter: found by phone, registered by staff with name and phone.


def normalise_phone(raw):
    """A mainland mobile number as stored (13812345678), from the ways people say and type it.

    Accepts spaces, dashes, dots and brackets ("138 1234 5678", "138-1234-5678"),
    full-width digits from a Chinese keyboard, and the country code
    (+86, 0086, 86). Raises ValidationError with the field's message otherwise.
    """
    text = unicodedata.normalize("NFKC", str(raw or ""))
    digits = re.sub(r"[\s\-–—.()]", "", text)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    phone_validator(digits)
    return digits


def find_resident_by_phone(phone):
    """The active accounts with this mobile number, oldest first; none for a number that is not one.

    Several people may share one number (an older resident using a child's
    phone): staff choose between them by name.
    """
    User = get_user_model()
    try:
        phone = normalise_phone(phone)
    except ValidationError:
        return User.objects.none()
    return User.objects.filter(phone=phone, is_active=True).order_by("date_joined", "pk")


def register_resident_at_counter(name, phone, email="", provider=None):
    """Create the account of a resident who is at the counter, or raise ValidationError / EmailTaken.

    The email address is optional. The password is random and known to nobody:
    the resident books at the counter, or claims the account online by signing
    in with this mobile number and an SMS code (marketplace.users.sms_signin),
    or, with an email address on the account, sets their own password through
    "forgotten password" (a usable password is what lets that reset work).
    ``provider``: the provider whose counter it is, named in the record.
    """
    User = get_user_model()
    name = " ".join(str(name or "").split())
    email = User.objects.normalize_email(str(email or "").strip()) or None
    errors = {}
    if not name:
        errors["name"] = [_("Enter the resident's name.")]
    elif len(name) > User._meta.get_field("name").max_length:
        errors["name"] = [_("The name is too long.")]
    try:
        phone = normalise_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = error.messages
    if not errors and find_resident_by_phone(phone).filter(name=name).exists():
        # Most likely the same person registered a moment ago (a double click, a second clerk).
        errors["name"] = [
            _("%(name)s is already registered with this phone number: choose them from the list.") % {"name": name}
        ]
    if errors:
        raise ValidationError(errors)
    if email and User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(email)
    user = User(email=email, name=name, phone=phone, is_active=True)
    user.set_password(secrets.token_urlsafe(32))
    try:
        with transaction.atomic():
            user.save()
            # Staff made this account for the resident: who, and for which provider, is kept.
            audit.record(audit.Action.Code.COUNTER_REGISTERED, person=user, provider=provider)
    except IntegrityError as error:  # the same address registered a moment ago
        raise EmailTaken(email) from error
    return user


# Dependants: the people a resident books for.


def dependant_limit():
    """How many people one resident may book for (``DEPENDANT_LIMIT``): a household, not a client list;
    booking for others at scale is what resale looks like."""
    return settings.DEPENDANT_LIMIT


class DependantInUse(Exception):
    pass


def dependants_of(user):
    return Dependant.objects.filter(owner=user, removed_at__isnull=True).order_by("created", "pk")


def _check_birth_date(birth_date, errors):
    if birth_date is not None and birth_date > timezone.localdate():
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]


def add_dependant(owner, name, relation, phone="", birth_date=None, home_community=None):
    """Register someone ``owner`` books for, or raise ValidationError with a message per field.

    ``birth_date`` and ``home_community`` are what the services' eligibility rules judge them on."""
    name = " ".join(str(name or "").split())
    relation = str(relation or "")
    errors = {}
    if not name:
        errors["name"] = [_("Enter the name of the person you book for.")]
    elif len(name) > Dependant._meta.get_field("name").max_length:
        errors["name"] = [_("The name is too long.")]
    if relation not in Dependant.Relation.values:
        errors["relation"] = [
            _("Choose one of: %(choices)s.")
            % {
                "choices": pgettext("separator between choices", ", ").join(
                    str(label) for label in Dependant.Relation.labels
                )
            }
        ]
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError as error:
            errors["phone"] = error.messages
    _check_birth_date(birth_date, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One resident's additions one after another, so that parallel requests cannot all count
        # the same nine and each add a tenth.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        if dependants_of(owner).count() >= dependant_limit():
            raise ValidationError(
                {"name": [_("You can register at most %(limit)d dependants.") % {"limit": dependant_limit()}]}
            )
        dependant = Dependant.objects.create(
            owner=owner,
            name=name,
            relation=relation,
            phone=phone or "",
            birth_date=birth_date,
            home_community=home_community,
        )
        audit.record(
            audit.Action.Code.DEPENDANT_ADDED, person=owner, detail={"dependant": dependant.pk, "relation": relation}
        )
    return dependant


def edit_dependant(owner, dependant_id, birth_date=None, home_community=None):
    """Record a dependant's date of birth and community of residence. Raises Dependant.DoesNotExist
    for anyone else's, ValidationError for a date of birth to come."""
    errors = {}
    _check_birth_date(birth_date, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dependant = dependants_of(owner).select_for_update().get(pk=dependant_id)
        dependant.birth_date = birth_date
        dependant.home_community = home_community
        dependant.save(update_fields=["birth_date", "home_community"])
        audit.record(
            audit.Action.Code.DEPENDANT_CHANGED,
            person=owner,
            detail={"dependant": dependant.pk, "relation": dependant.relation},
        )
    return dependant


def remove_dependant(owner, dependant_id):
    """Take a dependant off the resident's list. Raises Dependant.DoesNotExist for anyone else's,
    DependantInUse while they hold an active booking. Their past bookings keep naming them."""
    from marketplace.booking.models import Booking  # the booking app's models load after ours

    with transaction.atomic():
        dependant = dependants_of(owner).select_for_update().get(pk=dependant_id)
        if dependant.bookings.filter(status__in=Booking.ACTIVE).exists():
            raise DependantInUse(dependant)
        removed_id = dependant.pk  # gone from the instance once a dependant nobody booked for is deleted
        if dependant.bookings.exists():
            dependant.removed_at = timezone.now()
            dependant.save(update_fields=["removed_at"])
        else:
            dependant.delete()
        audit.record(
            audit.Action.Code.DEPENDANT_REMOVED,
            person=owner,
            detail={"dependant": removed_id, "relation": dependant.relation},
        )
    return dependant


# Leaving the service (PIPL: deletion).


class BadCredentials(DomainError):
    code = "bad_credentials"


def password_is_right(user, password, request=None):
    """Whether ``password`` is ``user``'s. With the request, django-axes counts a wrong one like a failed
    sign-in, so a stolen session or token cannot be used to guess the password behind it."""
    if request is None or not user.email:
        return user.check_password(password)
    found = authenticate(request, email=user.email, password=password)
    return found is not None and found.pk == user.pk


def delete_account(user, password, request=None, now=None):
    """Delete a resident's account, whichever door asks (the web page, ``DELETE /api/v1/me``).

    Raises :class:`BadCredentials` for a wrong password. Otherwise, in one transaction:
    every booking ahead is cancelled through the booking domain (places back, refunds
    queued, waiting lines left), the record says who deleted it and through which door,
    then the person is anonymised. The account row stays, without anything that names
    the resident or their dependants: bookings, orders and payments are kept for
    accounting and the statistics (the schema protects them from deletion), and nobody
    can sign in to it again. Every API token is revoked.
    """
    # The booking app loads after ours.
    from marketplace.booking import services as booking_services
    from marketplace.users import tokens

    if not password_is_right(user, password, request):
        raise BadCredentials(_("The password is not correct."))
    now = now or timezone.now()
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.anonymised_at is not None:
            return user
        cancelled = booking_services.withdraw_account(user, _("The resident deleted their account."), now=now)
        audit.record(
            audit.Action.Code.ACCOUNT_DELETED,
            person=user,
            detail={"cancelled": [booking.code for booking in cancelled]},
        )
        _anonymise(user, now)
        tokens.revoke_all(user)
    return user


def active_bookings_count(user, now=None):
    """How many bookings ahead deleting the account would cancel."""
    from marketplace.booking import services as booking_services  # the booking app loads after ours

    return booking_services.bookings_ahead(user, now).count()


def _anonymise(user, now):
    """Remove from ``user``'s account everything that names them; keep what accounting and the figures count."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from oscar.core.loading import get_model

    email = user.email
    Dependant.objects.filter(owner=user).update(name="", phone="", removed_at=now)
    user.bookings.update(note="")
    get_model("ratings", "Rating").objects.filter(booking__user=user).update(comment="")
    # A poor rating's follow-up case (a matter) repeats the comment, and keeps the resident's note in its timeline.
    get_model("matters", "Matter").objects.filter(rating__booking__user=user).update(text="")
    get_model("matters", "MatterStep").objects.filter(
        matter__rating__booking__user=user, actor_kind="applicant"
    ).update(text="")
    get_model("order", "Order").objects.filter(user=user).update(guest_email="")
    # What the 12348 hotline wrote down of their calls: the number and what they said.
    get_model("hotline", "Call").objects.filter(caller=user).update(phone="", summary="")
    get_model("address", "UserAddress").objects.filter(user=user).delete()
    # Their grid and consent: a grid worker sees them no more (marketplace.grid).
    get_model("grid", "GridResident").objects.filter(user=user).delete()
    if email:
        # The sign-in attempts django-axes kept under the address.
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=email).delete()
    user.name = user.first_name = user.last_name = ""
    user.email = None
    user.phone = ""
    user.is_active = False
    user.anonymised_at = now
    user.set_unusable_password()
    user.save()

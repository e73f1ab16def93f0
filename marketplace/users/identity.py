"""A resident's identity data: the 居民身份证号 (resident ID card number), their date of birth and community.

The one module for the profile's rules, whichever door changes it (the web profile page,
``PATCH /api/v1/me``):

- an ID number is 18 characters, the last a check digit or ``X`` (GB 11643-1999, ISO 7064 MOD 11-2),
  and its digits 7–14 a real date of birth in the past;
- it is stored encrypted (``User.id_number_sealed``, :mod:`marketplace.users.crypto`) and found only
  by its keyed hash (``User.id_number_hash``): :func:`find_by_id_number`;
- it is shown masked everywhere (``530102********1234``: never digits 7–14, the date of birth);
  every full view by someone else is recorded (``record_access``) and listed in the resident's
  "who has seen my data"; the resident's own copy (:mod:`marketplace.users.mydata`) holds it in full;
- the date of birth comes from it when none is recorded, and must agree with it when one is.
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.audit import services as audit
from marketplace.users import crypto
from marketplace.users.services import normalise_phone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")
HASH_PURPOSE = "id_number"

UNCHANGED = object()


def check_character(first17):
    """The 18th character of an ID number whose first 17 digits are these."""
    return CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_of(number):
    """The date of birth an ID number (already valid in shape) carries, or None when it is no date."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def normalise_id_number(raw):
    """An ID number as stored: 18 characters, ``X`` upper case; raises ValidationError otherwise."""
    number = re.sub(r"\s", "", str(raw or "")).upper()
    if not SHAPE.match(number):
        raise ValidationError(_("An ID card number has 18 characters: 17 digits and a digit or X."), code="invalid")
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("This ID card number is not valid: please check it against the card."), code="invalid")
    born = birth_date_of(number)
    if born is None or born.year < 1900 or born > timezone.localdate():
        raise ValidationError(_("This ID card number does not hold a valid date of birth."), code="invalid")
    return number


def mask_id_number(number):
    """530102********1234: the region and the last four, never the date of birth (digits 7–14)."""
    if not number:
        return ""
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def id_number_of(user):
    """The user's full ID number ("" if none). Only for the resident's own copy and :func:`reveal`."""
    return crypto.unseal(user.id_number_sealed)


def masked_id_number(user):
    return mask_id_number(id_number_of(user))


def lookup_hash(number):
    return crypto.keyed_hash(HASH_PURPOSE, number)


def _set_id_number(user, number):
    user.id_number_sealed = crypto.seal(number) if number else ""
    user.id_number_hash = lookup_hash(number) if number else ""


PROFILE_FIELDS = ("name", "phone", "birth_date", "home_community", "id_number")
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Mobile phone"),
    "birth_date": gettext_lazy("Date of birth"),
    "home_community": gettext_lazy("Community of residence"),
    "id_number": gettext_lazy("ID card number"),
}


def update_profile(
    user,
    *,
    name=UNCHANGED,
    phone=UNCHANGED,
    birth_date=UNCHANGED,
    home_community=UNCHANGED,
    id_number=UNCHANGED,
):
    """Change what the resident states about themselves; the fields not given stay as they are.

    ``id_number`` "" (or None) removes it; ``birth_date`` None removes it unless an ID number gives it.
    Raises ValidationError (by field) and changes nothing when any field is refused. Records
    ``profile_changed`` with the names of the fields changed (never their values).
    """
    User = get_user_model()
    errors = {}
    changes = {}
    if name is not UNCHANGED:
        name = " ".join(str(name or "").split())
        if len(name) > User._meta.get_field("name").max_length:
            errors["name"] = [_("The name is too long.")]
        else:
            changes["name"] = name
    if phone is not UNCHANGED:
        if phone in (None, ""):
            changes["phone"] = ""
        else:
            try:
                changes["phone"] = normalise_phone(phone)
            except ValidationError as error:
                errors["phone"] = error.messages
    if birth_date is not UNCHANGED:
        if birth_date is not None and not isinstance(birth_date, datetime.date):
            errors["birth_date"] = [_("Enter a valid date.")]
        elif birth_date is not None and (birth_date > timezone.localdate() or birth_date.year < 1900):
            errors["birth_date"] = [_("The date of birth must be a past date.")]
        else:
            changes["birth_date"] = birth_date
    if home_community is not UNCHANGED:
        changes["home_community"] = home_community
    number = UNCHANGED
    if id_number is not UNCHANGED:
        if id_number in (None, ""):
            number = ""
        else:
            try:
                number = normalise_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages
    checked = number
    if checked is UNCHANGED and "birth_date" in changes and user.id_number_sealed:
        checked = id_number_of(user)  # a date of birth changed alone must still agree with the number
    if checked not in (UNCHANGED, ""):
        from_number = birth_date_of(checked)
        stated = changes.get("birth_date", user.birth_date) if "birth_date" not in errors else None
        if stated is None:
            changes["birth_date"] = from_number
        elif stated != from_number:
            errors.setdefault("birth_date", []).append(
                _("The date of birth does not agree with the ID card number (%(date)s).")
                % {"date": from_number.isoformat()}
            )
    if errors:
        raise ValidationError(errors)

    changed = []
    for field, value in changes.items():
        current = getattr(user, field)
        if field == "home_community":
            current, value_id = user.home_community_id, getattr(value, "pk", value)
            if current != value_id:
                user.home_community_id = value_id
                changed.append(field)
        elif current != value:
            setattr(user, field, value)
            changed.append(field)
    if number is not UNCHANGED and number != id_number_of(user):
        _set_id_number(user, number)
        changed.append("id_number")
    if changed:
        with transaction.atomic():
            user.save()
            audit.record(audit.Action.Code.PROFILE_CHANGED, person=user, detail={"fields": sorted(changed)})
    return changed


def find_by_id_number(viewer, organisation, raw):
    """The accounts holding this ID number (several if one person has two), found by its keyed hash.

    For staff finding a resident (a clerk, a hotline operator): each account found is recorded as
    seen (``id_lookup``), as a search by phone is. Raises ValidationError for a number that is not one.
    """
    number = normalise_id_number(raw)
    found = list(
        get_user_model()
        .objects.filter(id_number_hash=lookup_hash(number), is_active=True, anonymised_at__isnull=True)
        .order_by("date_joined", "pk")
    )
    audit.record_access(viewer, organisation, audit.Access.What.ID_LOOKUP, people=found)
    return found


def reveal(viewer, organisation, person):
    """``person``'s full ID number for staff who must read it (checking the card at a counter),
    recorded as seen (``id_number``) in the person's "who has seen my data"."""
    number = id_number_of(person)
    if number:
        audit.record_access(viewer, organisation, audit.Access.What.ID_NUMBER, people=[person])
    return number

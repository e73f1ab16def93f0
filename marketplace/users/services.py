"""Accounts: one path for signing residents up, whichever door they come in by."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marketplace.users.models import phone_validator


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

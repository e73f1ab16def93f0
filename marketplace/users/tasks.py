"""Account work done in the background: the password reset link, and clearing away dead API tokens."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.utils import translation
from oscar.core.loading import get_class

from marketplace.background import background_task
from marketplace.users import tokens


@background_task
def send_password_reset(user_ids):
    """Send the reset link to each of these accounts that is still active and has a password."""
    form = get_class("customer.forms", "PasswordResetForm")()
    site = Site.objects.get_current()
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if not user.has_usable_password():
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            form.send_password_reset_email(site, user)


@background_task
def purge_dead_tokens():
    return tokens.purge_dead()


@background_task
def send_sign_in_code(sealed):
    """Send a sign-in code by SMS; the number and the code come encrypted (this task's row keeps them so)."""
    from marketplace.users import sms_signin

    sms_signin.send_code(sealed)

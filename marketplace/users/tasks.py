"""Account work done in the background: the password reset link."""

from django.conf import settings
from django.contrib.sites.models import Site
from django.utils import translation
from oscar.core.loading import get_class

from marketplace.background import background_task


@background_task
def send_password_reset(email):
    """Send the reset link to each active account with this address that has a password; to none, nothing."""
    form = get_class("customer.forms", "PasswordResetForm")()
    site = Site.objects.get_current()
    for user in form.get_users(email):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            form.send_password_reset_email(site, user)

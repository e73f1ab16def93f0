from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import session as core
from oscar.apps.checkout.session import *  # noqa: F403


class CheckoutSessionMixin(core.CheckoutSessionMixin):
    def check_basket_is_not_empty(self, request):
        # Reached after a booking is confirmed (the back button) or from an old link: the resident
        # has no time waiting, and Oscar would send them to a basket with "add some items".
        if request.basket.is_empty:
            raise exceptions.FailedPreCondition(
                url=reverse("my-bookings"),
                message=_("No time is waiting to be confirmed. Your bookings are listed below."),
            )

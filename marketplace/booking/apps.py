from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "marketplace.booking"
    label = "booking"
    verbose_name = _("Bookings")

    def ready(self):
        from marketplace.booking import waitlist

        waitlist.connect()

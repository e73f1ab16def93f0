from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from oscar.apps.analytics.apps import AnalyticsConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")


class ServiceAnalyticsConfig(AnalyticsConfig):
    """Oscar's analytics app with its tables (its dashboard reports read them) but none of its receivers.

    Its ``order_placed`` receiver counts purchases per product and per customer: shop figures the
    district does not use (it reads the street index and the action log), at five statements and a
    lock on one counter row per service for every booking, which queued concurrent residents of a
    popular service behind each other (bench/booking_bench.py).
    """

    def ready(self):
        pass

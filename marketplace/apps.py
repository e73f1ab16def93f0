from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from oscar.apps.analytics.apps import AnalyticsConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from marketplace.sites import sync_site_domain
        from marketplace.spreadsheet import neutralise_library_exports

        neutralise_library_exports()

        # After every migrate, once django.contrib.sites (earlier in INSTALLED_APPS, so its receiver
        # comes first) has made its default Site.
        post_migrate.connect(
            sync_site_domain, sender=apps.get_app_config("sites"), dispatch_uid="marketplace.sync_site_domain"
        )


class ServiceAnalyticsConfig(AnalyticsConfig):
    """Oscar's analytics app with its tables (its dashboard reports read them) but none of its receivers.

    Its ``order_placed`` receiver counts purchases per product and per customer: shop figures the
    district does not use (it reads the street index and the action log), at five statements and a
    lock on one counter row per service for every booking, which queued concurrent residents of a
    popular service behind each other (bench/booking_bench.py).
    """

    def ready(self):
        pass

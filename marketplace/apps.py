from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


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

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "marketplace.matters"
    label = "matters"
    verbose_name = _("Matters")

    def ready(self):
        from marketplace.matters import workdays

        workdays.connect_signals()

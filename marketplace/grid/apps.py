from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "marketplace.grid"
    label = "grid"
    verbose_name = _("Grids and grid workers")

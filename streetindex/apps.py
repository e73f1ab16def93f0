from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreetIndexConfig(AppConfig):
    name = "streetindex"
    verbose_name = _("Street index")

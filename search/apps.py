from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteSearchConfig(AppConfig):
    # "search" is Oscar's label already
    name = "search"
    label = "sitesearch"
    verbose_name = _("Site search")

    def ready(self):
        from search import receivers  # noqa: F401

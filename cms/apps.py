from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site pages")

    def ready(self):
        from cms import receivers  # noqa: F401
        from cms.models import CommunityPage
        from marketplace import pagecache

        # The home and service pages show an anonymous visitor the community they chose.
        pagecache.vary_on_session(CommunityPage.SESSION_KEY)

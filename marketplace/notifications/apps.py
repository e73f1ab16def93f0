from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "marketplace.notifications"
    label = "notifications"
    verbose_name = _("Notices to residents")

    def ready(self):
        from marketplace.notifications import receivers

        receivers.connect()

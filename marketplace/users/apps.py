from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_rate_limit_table(sender, using="default", **kwargs):
    """The rate-limit counters' cache table, when that cache is the database: every ``migrate`` makes sure
    it exists (``createcachetable`` does nothing for other caches, or when the table is there)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class UsersConfig(AppConfig):
    name = "marketplace.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self):
        post_migrate.connect(create_rate_limit_table, sender=self, dispatch_uid="users-rate-limit-table")

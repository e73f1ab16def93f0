from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.users import tokens


class Command(BaseCommand):
    help = "Delete the API tokens that expired or were revoked (run daily)."

    def handle(self, *args, **options):
        purged = tokens.purge_dead()
        self.stdout.write(_("API tokens deleted: %(count)d.") % {"count": purged})

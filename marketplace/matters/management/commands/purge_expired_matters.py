from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.matters import services


class Command(BaseCommand):
    help = (
        "Remove the text, parties and materials of matters closed longer than MATTER_RETENTION_DAYS; "
        "the figures stay (run nightly)."
    )

    def handle(self, *args, **options):
        purged = services.purge_expired()
        self.stdout.write(_("Matters whose personal content was removed: %(count)d.") % {"count": purged})

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.booking.waitlist import end_passed


class Command(BaseCommand):
    help = (
        "End the waiting-list places whose time has come without a free place, and tell each resident "
        "(run every few minutes; running it twice changes nothing)."
    )

    def handle(self, *args, **options):
        ended = end_passed()
        self.stdout.write(_("Waiting-list places ended: %(count)d.") % {"count": ended})

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.booking.services import mark_no_shows


class Command(BaseCommand):
    help = "Mark booked or confirmed bookings whose time slot has ended as no-shows (run nightly)."

    def handle(self, *args, **options):
        marked = mark_no_shows()
        self.stdout.write(_("Bookings marked as no-shows: %(count)d.") % {"count": marked})

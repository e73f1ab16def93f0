from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.booking.waitlist import expire_offers


class Command(BaseCommand):
    help = (
        "Lapse waiting-list offers past their time and offer each place to the next in line "
        "(run every few minutes; running it twice changes nothing)."
    )

    def handle(self, *args, **options):
        lapsed = expire_offers()
        self.stdout.write(_("Waiting-list offers lapsed: %(count)d.") % {"count": lapsed})

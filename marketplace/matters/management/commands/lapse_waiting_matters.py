from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.matters import services


class Command(BaseCommand):
    help = "Close the matters whose wait for the applicant has run out, where their kind allows it (run hourly)."

    def handle(self, *args, **options):
        closed = services.lapse_waiting_matters()
        self.stdout.write(_("Matters closed after the waiting time: %(count)d.") % {"count": closed})

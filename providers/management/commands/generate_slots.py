from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from providers.scheduling import DEFAULT_DAYS, generate_slots


class Command(BaseCommand):
    help = "Materialise the slots of every active schedule rule for the coming days (run nightly)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="how many days ahead, from today")

    def handle(self, *args, days, **options):
        created, removed = generate_slots(days=days)
        self.stdout.write(
            _("Slots for the next %(days)d days: %(created)d created, %(removed)d removed.")
            % {"days": days, "created": created, "removed": removed}
        )

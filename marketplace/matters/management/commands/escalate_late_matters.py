from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.matters import supervision


class Command(BaseCommand):
    help = "Escalate late matters to their street's supervisors, and late escalations to the district (every 15 min)."

    def handle(self, *args, **options):
        opened = supervision.escalate_late_matters()
        self.stdout.write(_("Escalations opened: %(count)d.") % {"count": opened})

"""``manage.py setup_editorial_roles``: the editors' groups, their permissions and the approval workflow.

Safe to run after every deployment: it only adds what is missing, and removes the default Editors group's
page permissions (see cms.editorial).
"""

from django.core.management.base import BaseCommand

from cms.editorial import setup_editorial_roles


class Command(BaseCommand):
    help = "Create or complete the editorial groups (moderators, sector and news editors) and the approval workflow."

    def handle(self, *args, **options):
        created = setup_editorial_roles()
        self.stdout.write(f"Editorial roles ready ({created} new groups).")

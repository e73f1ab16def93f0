from django.conf import settings
from django.core.management.base import BaseCommand

from marketplace.background import requeue_abandoned


class Command(BaseCommand):
    help = "Put back in the queue the tasks left running longer than TASK_ABANDONED_MINUTES (their worker died)."

    def handle(self, *args, **options):
        count = requeue_abandoned()
        self.stdout.write(
            f"{count} task(s) running for over {settings.TASK_ABANDONED_MINUTES} minutes put back in the queue."
        )

"""``python manage.py run_scheduler``: the clock of the periodic jobs; run one beside the workers.

A second one (by mistake, or while a deployment overlaps) does no harm: each
firing is written down under a unique constraint before its task is enqueued,
so every job still runs once per scheduled time (marketplace/scheduler/jobs.py).
"""

import signal

from django.core.management.base import BaseCommand

from marketplace.scheduler.jobs import JOBS, build_scheduler


class Command(BaseCommand):
    help = "Run the periodic jobs on their schedule (README's Jobs): each firing enqueues the job's task once."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print each job's schedule and exit")

    def handle(self, *args, list=False, **options):
        scheduler = build_scheduler()
        if list:
            for job in JOBS:
                self.stdout.write(f"{job.name}: {job.trigger()}")
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: scheduler.shutdown(wait=False))
        self.stdout.write("Scheduler started: " + ", ".join(job.name for job in JOBS))
        scheduler.start()

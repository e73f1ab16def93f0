from datetime import timedelta

from django.core.management.base import BaseCommand

from marketplace.notifications.reminders import reminder_window, send_reminders


class Command(BaseCommand):
    help = "Remind residents by email and SMS of their bookings in the next 24 hours (each booking once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="How far ahead to look, in hours (default: REMINDER_HOURS_AHEAD, 24).",
        )

    def handle(self, *args, hours=None, **options):
        window = timedelta(hours=hours) if hours else reminder_window()
        sent = send_reminders(window=window)
        self.stdout.write(f"{sent} reminder message(s) sent.")

from django.core.management.base import BaseCommand

from marketplace.booking.services import release_lapsed_holds


class Command(BaseCommand):
    help = "Cancel the bookings whose payment hold has lapsed and give their places back (safe to run any time)."

    def handle(self, *args, **options):
        released = release_lapsed_holds()
        self.stdout.write(f"{released} lapsed payment hold(s) released.")

from django.core.management.base import BaseCommand

from search import documents


class Command(BaseCommand):
    help = "Recompute every service's next bookable slot in the search index (time moves the booking windows on)."

    def handle(self, *args, **options):
        changed = documents.refresh_availability()
        self.stdout.write(f"{changed} services' next bookable slot changed.")

from django.core.management.base import BaseCommand

from search import documents


class Command(BaseCommand):
    help = "Index every public service afresh (text, facets, next open slot) in the configured search backend."

    def handle(self, *args, **options):
        def progress(done, total):
            if options["verbosity"] > 1:
                self.stdout.write(f"{done}/{total}")

        count = documents.rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} services."))

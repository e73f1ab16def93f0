from django.core.management.base import BaseCommand

from marketplace.payment.facade import retry_refunds


class Command(BaseCommand):
    help = "Ask the payment gateway again for every refund still pending (same idempotency key: never paid twice)."

    def handle(self, *args, **options):
        made, pending = retry_refunds()
        self.stdout.write(f"{made} refund(s) made, {pending} still pending.")

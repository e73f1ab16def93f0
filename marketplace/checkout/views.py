from django.urls import reverse
from oscar.apps.checkout import views as core_views
from oscar.apps.checkout.exceptions import PassedSkipCondition
from oscar.apps.checkout.views import *  # noqa: F403


class SkipToPreviewMixin:
    """Bookings need no payment step here: free services cost nothing and paid
    ones are paid at the provider's counter until online payment arrives."""

    def skip_payment_step(self, request):
        raise PassedSkipCondition(url=reverse("checkout:preview"))


class PaymentMethodView(SkipToPreviewMixin, core_views.PaymentMethodView):
    skip_conditions = ["skip_payment_step"]


class PaymentDetailsView(SkipToPreviewMixin, core_views.PaymentDetailsView):
    def get_skip_conditions(self, request):
        if not self.preview:
            return ["skip_payment_step"]
        return super().get_skip_conditions(request)

    def handle_payment(self, order_number, total, **kwargs):
        # Core Oscar calls this even for a zero total; nothing is taken online.
        return None

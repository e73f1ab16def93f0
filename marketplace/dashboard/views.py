"""The order dashboard shows orders; it does not move them.

An order and its lines follow their booking (``marketplace.booking.services.follow_booking``),
and only the booking domain moves a booking: check-in and no-show in the provider console,
cancelling by the resident, the provider or a lapsed hold. A status set here beside the
booking left check-in and cancelling unable to move the order on (they answered 500), so
Oscar's status actions, and the shipping and payment events bookings never have, are gone.
"""

from django.views.generic import RedirectView
from oscar.apps.dashboard.orders import views


class OrderListView(views.OrderListView):
    actions = ("download_selected_orders",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["order_statuses"] = []
        return context


class OrderDetailView(views.OrderDetailView):
    order_actions = ("save_note", "delete_note")
    line_actions = ()

    def get_order_status_form(self):
        return None


class IndexView(RedirectView):
    """The dashboard's front page leads to the operations view; the door in front of it is the dashboard's."""

    pattern_name = "operations:bookings"

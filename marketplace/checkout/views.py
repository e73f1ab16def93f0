from django.core.exceptions import BadRequest
from django.urls import reverse
from oscar.apps.checkout import views as core_views
from oscar.apps.checkout.exceptions import PassedSkipCondition
from oscar.apps.checkout.views import *  # noqa: F403

from marketplace.booking import eligibility, online
from marketplace.booking.models import Booking
from marketplace.booking.options import slot_id_of_line
from marketplace.booking.services import hold_duration
from marketplace.ids import id_or_bad_request
from marketplace.users.services import dependants_of
from providers.models import Slot


def chosen_mode(value):
    """The mode chosen on the preview page for a service offered both ways: None when not asked; anything but
    ``onsite`` or ``online`` (which the page never sends) is a 400."""
    if not value:
        return None
    if value not in Booking.Mode.values:
        raise BadRequest(f"Not a mode: {str(value)[:20]!r}")
    return value


def dependant_id(value):
    """The dependant chosen on the preview page: None for "myself", else their id; anything that is
    not an id (which the page never sends) is a 400."""
    return id_or_bad_request(value)


class SkipToPreviewMixin:
    """Bookings need no payment step before the order: a free booking costs nothing,
    and a paid one is paid after it is placed, its place held meanwhile (or paid on site)."""

    def skip_payment_step(self, request):
        raise PassedSkipCondition(url=reverse("checkout:preview"))


class PaymentMethodView(SkipToPreviewMixin, core_views.PaymentMethodView):
    skip_conditions = ["skip_payment_step"]


class PaymentDetailsView(SkipToPreviewMixin, core_views.PaymentDetailsView):
    def get_skip_conditions(self, request):
        if not self.preview:
            return ["skip_payment_step"]
        return super().get_skip_conditions(request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offerings = Slot.objects.filter(
            pk__in=[slot_id_of_line(line) for line in self.request.basket.all_lines()]
        ).values_list("offering__pay_on_site", "offering__price")
        context["can_pay_on_site"] = any(on_site and price for on_site, price in offerings)
        context["hold_minutes"] = int(hold_duration().total_seconds() // 60)
        context["dependants"] = dependants_of(self.request.user) if self.request.user.is_authenticated else []
        context["booked_for"] = self.request.POST.get("booked_for", "")
        # A service offered on site and online: the resident says which, here.
        context["mode_choice"] = any(len(online.modes_of(line.product)) > 1 for line in self.request.basket.all_lines())
        context["mode"] = self.request.POST.get("mode", "")
        # "Change" goes back to the service's times, where another time replaces this one.
        lines = self.request.basket.all_lines()
        # A service for members of a group (低保, 特困…): the person declares one, the staff check the evidence.
        context["groups"] = [group for line in lines for group in eligibility.groups_of(line.product)]
        context["declared_group"] = self.request.POST.get("declared_group", "")
        context["change_url"] = lines[0].product.get_absolute_url() + "#slots-title" if lines else "/"
        return context

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        # The resident's choice on the preview page; the booking service applies it where the offering allows.
        submission["order_kwargs"]["pay_on_site"] = self.request.POST.get("payment_method") == "on_site"
        # Who the places are for: the resident (empty) or the id of one of their dependants,
        # checked by the booking service when the order is placed.
        submission["order_kwargs"]["dependant"] = dependant_id(self.request.POST.get("booked_for"))
        # On site or online, for a service offered both ways (the booking service refuses a mode not offered).
        submission["order_kwargs"]["mode"] = chosen_mode(self.request.POST.get("mode"))
        # The group the person declares, judged by the service's rules when the order is placed.
        submission["order_kwargs"]["declared_group"] = self.request.POST.get("declared_group", "")[:30]
        return submission

    def handle_payment(self, order_number, total, **kwargs):
        # Core Oscar calls this even for a zero total. Nothing is taken before the order:
        # a paid booking is paid from its own page while its place is held.
        return None

    def send_order_placed_email(self, order):
        # The notices layer confirms each booking (with its .ics, in the resident's
        # language, once paid where payment is due) whichever door it came in by;
        # Oscar's own order email would be a second, different confirmation.
        return None

"""The resident rates a visit and confirms a follow-up case; the moderator hides and restores ratings.

Thin views: every change goes through ``ratings.services``; its errors are
shown beside the form they concern, with the status the service gives, and
nothing is changed.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.answers import status_for
from marketplace.booking import rules as booking_rules
from marketplace.booking import services as bookings
from marketplace.booking.models import Booking
from ratings import services
from ratings.forms import ConfirmCaseForm, ModerationFilterForm, RatingForm
from ratings.models import Rating

RATINGS_PER_PAGE = 25


# --- the resident -------------------------------------------------------------


def _own_booking(request, code):
    try:
        return bookings.own_booking(request.user, code)
    except bookings.BookingNotFound as error:
        raise Http404(error.message) from error


def _rating_page(request, booking, form=None, confirm_form=None, error=None, status=200):
    rating = Rating.objects.filter(booking=booking).first()
    case = services.case_of(rating)
    rateable = rating is None and services.can_rate(booking)
    answered = case is not None and case.status == services.ANSWERED
    context = {
        "booking": booking,
        "rating": rating,
        "case": case,
        "rateable": rateable,
        "form": (form or RatingForm()) if rateable else None,
        "confirm_form": (confirm_form or ConfirmCaseForm()) if answered else None,
        "error": error,
        "checked_in": booking.status == Booking.Status.CHECKED_IN,
        "visit_began": booking_rules.visit_began(booking, timezone.now()),
        "rating_deadline": services.rating_deadline(booking),
        "answer_deadline": services.answer_deadline(case) if case else None,
        "window_days": settings.RATING_WINDOW_DAYS,
        "answer_days": settings.FOLLOW_UP_ANSWER_DAYS,
        "confirm_days": settings.FOLLOW_UP_CONFIRM_DAYS,
        "follow_up_max_stars": settings.FOLLOW_UP_MAX_STARS,
    }
    return render(request, "ratings/rating.html", context, status=status)


def _rated_message(rating):
    if hasattr(rating, "matter"):
        days = settings.FOLLOW_UP_ANSWER_DAYS
        return ngettext(
            "Thank you for rating your visit. The provider must answer you within %(days)s working day; "
            "we will tell you when they have.",
            "Thank you for rating your visit. The provider must answer you within %(days)s working days; "
            "we will tell you when they have.",
            days,
        ) % {"days": days}
    return _("Thank you for rating your visit.")


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, code):
    booking = _own_booking(request, code)
    if request.method != "POST":
        return _rating_page(request, booking)
    if not services.can_rate(booking):
        return _rating_page(request, booking, error=_("This visit cannot be rated."), status=409)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _rating_page(request, booking, form=form, status=400)
    try:
        rating = services.rate_visit(request.user, booking.code, **form.cleaned_data)
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.InvalidInput as error:
        form.add_error(None, error.message)
        return _rating_page(request, booking, form=form, status=status_for(error))
    except services.RatingError as error:
        return _rating_page(request, booking, error=error.message, status=status_for(error))
    messages.success(request, _rated_message(rating))
    return redirect("ratings:rate", code=booking.code)


@login_required
@require_POST
def confirm_case(request, case_id):
    try:
        case = services.own_case(request.user, case_id)
    except services.NotFound as error:
        raise Http404(error.message) from error
    booking = _own_booking(request, case.rating.booking.code)
    form = ConfirmCaseForm(request.POST)
    if not form.is_valid():
        return _rating_page(request, booking, confirm_form=form, status=400)
    try:
        case = services.confirm_case(request.user, case.pk, form.answer(), form.cleaned_data["note"])
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.RatingError as error:
        return _rating_page(request, booking, error=error.message, status=status_for(error))
    messages.success(
        request,
        _("Thank you. The case is closed as resolved.")
        if case.status == services.RESOLVED
        else _("Thank you. The case is closed as not resolved; the district sees it in the provider's figures."),
    )
    return redirect(reverse("ratings:rate", kwargs={"code": booking.code}) + "#follow-up")


# --- the moderator ------------------------------------------------------------


def _moderator_only(view):
    @login_required
    def checked(request, *args, **kwargs):
        if not services.is_moderator(request.user):
            return render(request, "ratings/not_moderator.html", status=403)
        return view(request, *args, **kwargs)

    return checked


def _filter_query(form, page=None):
    show, poor = form.chosen()
    query = {}
    if show != "all":
        query["show"] = show
    if poor:
        query["poor"] = "on"
    if page and str(page) != "1":
        query["page"] = page
    return urlencode(query)


def _moderation_url(form, page=None, rating_id=None):
    query = _filter_query(form, page)
    url = reverse("ratings:moderate") + (f"?{query}" if query else "")
    return url + (f"#rating-{rating_id}" if rating_id else "")


def _moderation_page(request, data, hide_error=None, status=200):
    form = ModerationFilterForm(data)
    ratings = form.filter(
        Rating.objects.select_related(
            "booking__slot__offering__product", "booking__slot__offering__partner", "booking__user", "hidden_by"
        ).order_by("-created_at", "-pk")
    )
    page = Paginator(ratings, RATINGS_PER_PAGE).get_page(data.get("page"))
    show, poor = form.chosen()
    context = {
        "form": form,
        "show": show,
        "poor": poor,
        "ratings": page,
        "page_query": _filter_query(form),
        "hide_error": hide_error,
    }
    return render(request, "ratings/moderation.html", context, status=status)


@_moderator_only
@require_GET
def moderate(request):
    return _moderation_page(request, request.GET)


def _moderation_action(request, rating_id, action, *args):
    try:
        action(request.user, rating_id, *args)
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.RatingError as error:
        hide_error = {"rating_id": rating_id, "message": error.message, "reason": request.POST.get("reason", "")}
        return _moderation_page(request, request.POST, hide_error, status=status_for(error))
    return None


@_moderator_only
@require_POST
def hide(request, rating_id):
    failed = _moderation_action(request, rating_id, services.hide_rating, request.POST.get("reason", ""))
    if failed:
        return failed
    messages.success(request, _("The rating is hidden from every page and figure; the reason is kept."))
    return redirect(_moderation_url(ModerationFilterForm(request.POST), request.POST.get("page"), rating_id))


@_moderator_only
@require_POST
def restore(request, rating_id):
    failed = _moderation_action(request, rating_id, services.restore_rating)
    if failed:
        return failed
    messages.success(request, _("The rating is shown again."))
    return redirect(_moderation_url(ModerationFilterForm(request.POST), request.POST.get("page"), rating_id))

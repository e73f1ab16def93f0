"""The console's ratings pages: reply once to a rating, answer follow-up cases.

Thin views: what a provider may see comes from ``providers.console.reads``, every
change goes through ``ratings.services``, whose errors are shown beside the
form they concern, with the status the service gives (nothing is changed).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.answers import status_for
from providers.console import reads
from providers.console.access import console_view
from providers.console.forms import RatingFilterForm
from ratings import services

RATINGS_PER_PAGE = 20
CLOSED_CASES_PER_PAGE = 20


def filter_labels():
    return {
        "all": _("All ratings"),
        "awaiting_reply": _("Awaiting our reply"),
        "poor": _("%(stars)s stars or fewer") % {"stars": settings.FOLLOW_UP_MAX_STARS},
        "open_cases": _("Open follow-up cases"),
        "overdue_cases": _("Overdue follow-up cases"),
    }


def _ratings_url(provider, show="all", page=None, rating_id=None):
    query = {key: value for key, value in (("show", show), ("page", page)) if value and value not in ("all", "1")}
    url = reverse("provider:ratings", kwargs={"partner_id": provider.pk})
    if query:
        url = f"{url}?{urlencode(query)}"
    return f"{url}#rating-{rating_id}" if rating_id else url


def _ratings_page(request, provider, data, reply_error=None, status=200):
    form = RatingFilterForm(data)
    show = form.chosen()
    ratings = Paginator(reads.provider_ratings(request.user, provider, show), RATINGS_PER_PAGE).get_page(
        data.get("page")
    )
    for rating in ratings:
        rating.failed_reply = reply_error if reply_error and reply_error["rating_id"] == rating.pk else None
    context = {
        "provider": provider,
        "form": form,
        "show": show,
        "filters": [(key, label, _ratings_url(provider, key)) for key, label in filter_labels().items()],
        "ratings": ratings,
        "satisfaction": reads.provider_satisfaction(request.user, provider),
        "reply_error": reply_error,
    }
    return render(request, "providers/rating_list.html", context, status=status)


@console_view(methods=["GET"])
def rating_list(request, provider):
    return _ratings_page(request, provider, request.GET)


@console_view(methods=["GET", "POST"])
def rating_reply(request, provider, rating_id):
    """GET shows the reply as residents will read it, once and for good; POST publishes it."""
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("reply", "")
    try:
        if request.method != "POST" and "reply" not in data:
            # The address itself, not a reply to show: the rating, in the list.
            rating = services.rating_at_providers_of(request.user, rating_id, provider)
            return redirect(_ratings_url(provider, data.get("show"), data.get("page"), rating.pk))
        if request.method != "POST":
            rating, text = services.check_reply(request.user, rating_id, text, partner=provider)
            context = {
                "provider": provider,
                "rating": rating,
                "text": text,
                "show": data.get("show", ""),
                "page": data.get("page", ""),
                "back": _ratings_url(provider, data.get("show"), data.get("page"), rating.pk),
            }
            return render(request, "providers/rating_reply_confirm.html", context)
        rating = services.reply_to_rating(request.user, rating_id, text, partner=provider)
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.RatingError as error:
        reply_error = {"rating_id": rating_id, "message": error.message, "text": text}
        return _ratings_page(request, provider, data, reply_error, status=status_for(error))
    messages.success(request, _("Your reply is published with the rating."))
    return redirect(_ratings_url(provider, request.POST.get("show"), request.POST.get("page"), rating.pk))


def _cases_page(request, provider, answer_error=None, status=200):
    open_cases, answered, closed = reads.provider_cases(request.user, provider)
    closed = Paginator(closed, CLOSED_CASES_PER_PAGE).get_page(request.GET.get("page"))
    for case in closed:
        case.hours_to_close = services.hours_to_close(case)
    for case in open_cases:
        case.failed_answer = answer_error if answer_error and answer_error["case_id"] == case.pk else None
    context = {
        "provider": provider,
        "open_cases": open_cases,
        "answered": answered,
        "closed": closed,
        "answer_error": answer_error,
        "answer_days": settings.FOLLOW_UP_ANSWER_DAYS,
        "max_stars": settings.FOLLOW_UP_MAX_STARS,
        "confirm_days": settings.FOLLOW_UP_CONFIRM_DAYS,
    }
    return render(request, "providers/follow_up_case_list.html", context, status=status)


@console_view(methods=["GET"])
def case_list(request, provider):
    return _cases_page(request, provider)


@console_view(methods=["POST"])
def case_answer(request, provider, case_id):
    text = request.POST.get("answer", "")
    try:
        case = services.answer_case(request.user, case_id, text, partner=provider)
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.RatingError as error:
        answer_error = {"case_id": case_id, "message": error.message, "text": text}
        return _cases_page(request, provider, answer_error, status=status_for(error))
    messages.success(request, _("Your answer is sent; the resident is asked whether the case is resolved."))
    return redirect(reverse("provider:cases", kwargs={"partner_id": provider.pk}) + f"#case-{case.pk}")

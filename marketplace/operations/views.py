"""The district administrator's operations view: bookings in the domain's words (issue 19, item 7).

Thin views over ``marketplace.operations.services``; the door is the dashboard's
(``providers.staff.may_use_the_dashboard``).
"""

from datetime import timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from marketplace import spreadsheet
from marketplace.audit.models import Access
from marketplace.operations import services, statistics
from providers import staff


def district_view(view):
    @wraps(view)
    def for_the_district(request, *args, **kwargs):
        if not staff.may_use_the_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(require_GET(for_the_district))


def _chosen(request):
    """The lookup typed (stripped) or the day chosen: what the list and its export show."""
    query = request.GET.get("q", "").strip()[:40]
    if query:
        return query, None, services.looked_up(query)
    day = services.chosen_day(request.GET.get("date"))
    return "", day, services.on_day(day)


@district_view
def booking_list(request):
    query, day, bookings = _chosen(request)
    page = services.page_of(bookings, request.GET.get("page")) if bookings is not None else None
    if page is not None:
        rows = list(page.object_list)
        services.record_seen(request.user, Access.What.OPS_LOOKUP if query else Access.What.OPS_DAY, rows)
        for booking in rows:
            booking.person = services.person_served(booking)
            booking.phone = services.phone_of(booking)
    filters = {"q": query} if query else {"date": day.isoformat()}
    context = {
        "query": query,
        "day": day,
        "page": page,
        "found": page is not None,
        "bookings": rows if page is not None else [],
        "not_a_lookup": query and bookings is None,
        "export_url": reverse("operations:booking-export") + "?" + urlencode(filters),
        "page_filters": urlencode(filters),
    }
    if day is not None:
        context["previous_day"] = (day - timedelta(days=1)).isoformat()
        context["next_day"] = (day + timedelta(days=1)).isoformat()
        context["today"] = services.today()
    return render(request, "operations/booking_list.html", context)


@district_view
def booking_detail(request, code):
    booking = services.booking(code)
    if booking is None:
        raise Http404
    services.record_seen(request.user, Access.What.OPS_BOOKING, [booking])
    booking.person = services.person_served(booking)
    booking.phone = services.phone_of(booking)
    return render(
        request,
        "operations/booking_detail.html",
        {"booking": booking, "history": services.history(booking)},
    )


@district_view
def booking_export(request):
    query, day, bookings = _chosen(request)
    rows = list(bookings[: services.EXPORT_LIMIT]) if bookings is not None else []
    services.record_seen(request.user, Access.What.OPS_CSV, rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = "lookup" if query else day.isoformat()
    response["Content-Disposition"] = f'attachment; filename="bookings-{name}.csv"'
    response.write("\ufeff")  # the BOM tells Excel the file is UTF-8, so Chinese opens readable
    writer = spreadsheet.writer(response)  # names and services are text, never a formula
    writer.writerow(services.export_header())
    writer.writerows(services.export_row(booking) for booking in rows)
    return response


@district_view
def channels(request):
    """Bookings and matters of a month by the channel they came through (online, counter, hotline, grid)."""
    month = statistics.month_of(request.GET.get("month"), timezone.now())
    context = {
        "month": month,
        "bookings": statistics.bookings_by_channel(month),
        "matters": statistics.matters_by_channel(month),
    }
    return render(request, "operations/channels.html", context)

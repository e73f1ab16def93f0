"""The provider console: thin views over ``providers.console`` (reads) and the booking services (changes)."""

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.audit import services as audit
from marketplace.booking import services
from providers import console
from providers.forms import CheckInForm, DayForm


def _provider(request, partner_id):
    provider = console.provider_of(request.user, partner_id)
    if provider is None:
        # Another provider's console answers exactly like one that does not exist.
        raise Http404
    return provider


def _day_url(name, provider, day=None, offering=None):
    query = {}
    if day is not None:
        query["date"] = day.isoformat()
    if offering is not None:
        query["offering"] = offering.pk
    url = reverse(name, kwargs={"partner_id": provider.pk})
    return f"{url}?{urlencode(query)}" if query else url


def _chosen_day(request, provider, data):
    form = DayForm(data, offerings=console.offerings_of(provider))
    day, offering = form.chosen(console.today())
    return form, day, offering


@login_required
def index(request):
    providers = list(console.providers_of(request.user))
    if not providers:
        return render(request, "providers/not_staff.html", status=403)
    if len(providers) == 1:
        return redirect("provider:day", partner_id=providers[0].pk)
    return render(request, "providers/index.html", {"providers": providers})


def _day_context(request, provider):
    form, day, offering = _chosen_day(request, provider, request.GET)
    bookings = console.day_bookings(request.user, provider, day, offering)
    return {
        "provider": provider,
        "form": form,
        "day": day,
        "offering": offering,
        "bookings": bookings,
        "today": console.today(),
        "previous_url": _day_url("provider:day", provider, day - timedelta(days=1), offering),
        "next_url": _day_url("provider:day", provider, day + timedelta(days=1), offering),
        "week_url": _day_url("provider:week", provider, day),
        "csv_url": _day_url("provider:day-csv", provider, day, offering),
        "print_url": _day_url("provider:day-print", provider, day, offering),
    }


@login_required
def day(request, partner_id):
    provider = _provider(request, partner_id)
    context = _day_context(request, provider)
    audit.record_access(request.user, provider, audit.Access.What.DAY_LIST, context["bookings"])
    context["check_in_form"] = CheckInForm()
    return render(request, "providers/day.html", context)


@login_required
def day_print(request, partner_id):
    provider = _provider(request, partner_id)
    context = _day_context(request, provider)
    audit.record_access(request.user, provider, audit.Access.What.DAY_PRINT, context["bookings"])
    return render(request, "providers/day_print.html", context)


@login_required
def day_csv(request, partner_id):
    provider = _provider(request, partner_id)
    _form, day, offering = _chosen_day(request, provider, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"bookings-{provider.code}-{day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM tells Excel the file is UTF-8, so Chinese opens readable
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Time"),
            _("Service"),
            _("Booking code"),
            _("Resident"),
            _("Dependant"),
            _("Phone"),
            _("Note"),
            _("Status"),
            _("Booked via"),
        ]
    )
    bookings = console.day_bookings(request.user, provider, day, offering)
    audit.record_access(request.user, provider, audit.Access.What.DAY_CSV, bookings)
    for booking in bookings:
        slot = booking.slot
        writer.writerow(
            [
                f"{timezone.localtime(slot.starts_at):%H:%M}–{timezone.localtime(slot.ends_at):%H:%M}",
                slot.offering.product.title,
                booking.code,
                booking.user.get_full_name(),
                booking.dependant.label if booking.dependant else "",
                booking.user.masked_phone,
                booking.note,
                booking.get_status_display(),
                booking.get_channel_display(),
            ]
        )
    return response


@login_required
def week(request, partner_id):
    provider = _provider(request, partner_id)
    form, day, _offering = _chosen_day(request, provider, request.GET)
    monday = console.monday_of(day)
    offerings, days = console.week_counts(request.user, provider, monday)
    context = {
        "provider": provider,
        "form": form,
        "monday": monday,
        "offerings": offerings,
        "days": [
            {
                "day": each_day,
                "url": _day_url("provider:day", provider, each_day),
                "counts": [
                    (count, _day_url("provider:day", provider, each_day, offering)) for offering, count in counts
                ],
                "total": total,
            }
            for each_day, counts, total in days
        ],
        "today": console.today(),
        "previous_url": _day_url("provider:week", provider, monday - timedelta(days=7)),
        "next_url": _day_url("provider:week", provider, monday + timedelta(days=7)),
    }
    return render(request, "providers/week.html", context)


def _back_to_day(request, provider):
    _form, day, offering = _chosen_day(request, provider, request.POST)
    return redirect(_day_url("provider:day", provider, day, offering))


@login_required
@require_POST
def check_in(request, partner_id):
    provider = _provider(request, partner_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the booking code from the resident's slip or phone."))
        return _back_to_day(request, provider)
    try:
        booking = services.check_in(request.user, form.cleaned_data["code"])
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Checked in: %(resident)s, %(service)s (booking %(code)s).")
            % {
                "resident": booking.user.get_full_name(),
                "service": booking.slot.offering.product.title,
                "code": booking.code,
            },
        )
    return _back_to_day(request, provider)


@login_required
@require_POST
def no_show(request, partner_id, code):
    provider = _provider(request, partner_id)
    try:
        booking = services.mark_no_show(request.user, code)
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Booking %(code)s is marked as a no-show.") % {"code": booking.code})
    return _back_to_day(request, provider)

"""Console: the entrance, the day's list (on screen, as CSV, printed), the week, check-in and no-shows.

Thin views over ``providers.console.reads`` (reads) and the booking services (changes).
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import spreadsheet
from marketplace.audit import services as audit
from marketplace.booking import online, services
from marketplace.booking.rules import local_day
from marketplace.errors import DomainError
from providers.console import reads
from providers.console.access import console_view
from providers.console.forms import CheckInForm
from providers.console.navigation import chosen_day, day_url


@console_view
def index(request, providers):
    if len(providers) == 1:
        return redirect("provider:day", partner_id=providers[0].pk)
    return render(request, "providers/index.html", {"providers": providers})


def _day_context(request, provider):
    form, day, offering = chosen_day(provider, request.GET)
    bookings = reads.day_bookings(request.user, provider, day, offering)
    return {
        "provider": provider,
        "form": form,
        "day": day,
        "offering": offering,
        "bookings": bookings,
        "today": reads.today(),
        "previous_url": day_url("provider:day", provider, day - timedelta(days=1), offering),
        "next_url": day_url("provider:day", provider, day + timedelta(days=1), offering),
        "week_url": day_url("provider:week", provider, day),
        "csv_url": day_url("provider:day-csv", provider, day, offering),
        "print_url": day_url("provider:day-print", provider, day, offering),
    }


@console_view
def day(request, provider):
    context = _day_context(request, provider)
    audit.record_access(request.user, provider, audit.Access.What.DAY_LIST, context["bookings"])
    context["check_in_form"] = CheckInForm()
    return render(request, "providers/day.html", context)


@console_view
def day_print(request, provider):
    context = _day_context(request, provider)
    audit.record_access(request.user, provider, audit.Access.What.DAY_PRINT, context["bookings"])
    return render(request, "providers/day_print.html", context)


@console_view
def day_csv(request, provider):
    _form, day, offering = chosen_day(provider, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"bookings-{provider.code}-{day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM tells Excel the file is UTF-8, so Chinese opens readable
    writer = spreadsheet.writer(response)  # a resident's name or note is text, never a formula
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
    bookings = reads.day_bookings(request.user, provider, day, offering)
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


@console_view
def week(request, provider):
    form, day, _offering = chosen_day(provider, request.GET)
    monday = reads.monday_of(day)
    offerings, days = reads.week_counts(request.user, provider, monday)
    context = {
        "provider": provider,
        "form": form,
        "monday": monday,
        "offerings": offerings,
        "days": [
            {
                "day": each_day,
                "url": day_url("provider:day", provider, each_day),
                # Each count with its service's name, which labels it where the row is a card (on a phone).
                "counts": [
                    (count, day_url("provider:day", provider, each_day, offering), offering.product.title)
                    for offering, count in counts
                ],
                "total": total,
            }
            for each_day, counts, total in days
        ],
        "today": reads.today(),
        "previous_url": day_url("provider:week", provider, monday - timedelta(days=7)),
        "next_url": day_url("provider:week", provider, monday + timedelta(days=7)),
    }
    return render(request, "providers/week.html", context)


def _back_to_day(request, provider):
    _form, day, offering = chosen_day(provider, request.POST)
    return redirect(day_url("provider:day", provider, day, offering))


@console_view(methods=["POST"])
def check_in(request, provider):
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
        if booking.evidence:
            # A service for members of a group: the resident declared one when booking.
            messages.warning(request, evidence_to_check(booking))
    return _back_to_day(request, provider)


def evidence_to_check(booking):
    return _("Check evidence: %(evidence)s (declared group: %(group)s).") % {
        "evidence": booking.evidence,
        "group": booking.declared_group,
    }


@console_view(methods=["POST"])
def evidence_not_shown(request, provider, code):
    """The resident came without the evidence of the group they declared: not served, the place given back."""
    try:
        booking = services.evidence_not_shown(request.user, code)
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Booking %(code)s is cancelled: the evidence (%(evidence)s) was not shown.")
            % {"code": booking.code, "evidence": booking.evidence},
        )
    return _back_to_day(request, provider)


@console_view(methods=["POST"])
def no_show(request, provider, code):
    try:
        booking = services.mark_no_show(request.user, code)
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Booking %(code)s is marked as a no-show.") % {"code": booking.code})
    return _back_to_day(request, provider)


@console_view(methods=["GET"])
def join(request, provider, code):
    """The clerk enters an online booking's video room: the same room and the same link rules as the resident."""
    booking = (
        services.bookings_at_providers_of(request.user)
        .filter(slot__offering__partner=provider, code="".join(code.split()).upper())
        .first()
    )
    if booking is None:
        raise Http404
    try:
        room = online.join(booking, as_staff=True)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(day_url("provider:day", provider, local_day(booking.slot.starts_at)))
    return redirect(room)

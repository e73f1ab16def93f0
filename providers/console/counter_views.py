"""Provider console: booking at the counter for a resident who is present.

Step 1 finds the resident by phone (or registers them), step 2 books a slot
with their consent, step 3 shows the booking code and a printable slip. The
phone number is posted, never put in a URL, so it stays out of access logs.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.answers import status_for
from marketplace.audit import services as audit
from marketplace.booking import eligibility, services
from marketplace.users.services import EmailTaken, find_resident_by_phone, register_resident_at_counter
from providers.console import reads
from providers.console.access import console_view
from providers.console.counter_forms import (
    CounterBookingForm,
    CounterRegistrationForm,
    PhoneForm,
    resident_from_token,
    resident_token,
)
from providers.console.navigation import chosen_day


def _book_url(provider, token, day=None, offering=None):
    query = {"resident": token}
    if day is not None:
        query["date"] = day.isoformat()
    if offering is not None:
        query["offering"] = offering.pk
    return f"{reverse('provider:counter-book', kwargs={'partner_id': provider.pk})}?{urlencode(query)}"


def _lookup_page(request, provider, phone_form=None, registration_form=None, matches=None, status=200):
    context = {
        "provider": provider,
        "phone_form": phone_form or PhoneForm(),
        "registration_form": registration_form,
        "matches": matches,
    }
    return render(request, "providers/counter.html", context, status=status)


@console_view(methods=["GET", "POST"])
def counter(request, provider):
    """Step 1: type the resident's phone; the matching accounts, or a short registration form."""
    if request.method == "GET":
        return _lookup_page(request, provider)
    phone_form = PhoneForm(request.POST)
    if not phone_form.is_valid():
        return _lookup_page(request, provider, phone_form)
    phone = phone_form.cleaned_data["phone"]
    matches = [
        (resident, _book_url(provider, resident_token(request.user, provider, resident)))
        for resident in find_resident_by_phone(phone)
    ]
    audit.record_access(
        request.user, provider, audit.Access.What.COUNTER_SEARCH, people=[match for match, _url in matches]
    )
    registration_form = CounterRegistrationForm(initial={"phone": phone})
    return _lookup_page(request, provider, phone_form, registration_form, matches)


@console_view(methods=["POST"])
def register(request, provider):
    form = CounterRegistrationForm(request.POST)
    if form.is_valid():
        try:
            resident = register_resident_at_counter(**form.cleaned_data, provider=provider)
        except ValidationError as error:
            form.add_error(None, error)
        except EmailTaken:
            form.add_error(
                "email",
                _("An account already uses this email address: look the resident up by phone, or leave it empty."),
            )
        else:
            messages.success(
                request,
                _("%(name)s (%(phone)s) is registered. Now choose a time.")
                % {"name": resident.name, "phone": resident.masked_phone},
            )
            return redirect(_book_url(provider, resident_token(request.user, provider, resident)))
    return _lookup_page(request, provider, registration_form=form)


def _booking_page(request, provider, resident, form, data, status=200):
    audit.record_access(request.user, provider, audit.Access.What.COUNTER_BOOKING, people=[resident])
    day_form, day, offering = chosen_day(provider, data)
    slots = services.slots_for_the_counter(provider, day, offering)
    token = form["resident"].value()
    context = {
        "provider": provider,
        "resident": resident,
        "token": token,
        "form": form,
        "day_form": day_form,
        "day": day,
        "offering": offering,
        "today": reads.today(),
        "slots": slots,
        "chosen_slot": str(form["slot"].value() or ""),
        "previous_url": _book_url(provider, token, day - timedelta(days=1), offering),
        "next_url": _book_url(provider, token, day + timedelta(days=1), offering),
        "today_url": _book_url(provider, token, offering=offering),
    }
    return render(request, "providers/counter_book.html", context, status=status)


def groups_at(provider):
    """The groups the provider's services are for (低保, 特困…), a resident may declare at the counter."""
    return eligibility.groups_offered_by(provider)


def _look_up_again(request, provider):
    messages.error(request, _("Look the resident up by their phone number first."))
    return redirect("provider:counter", partner_id=provider.pk)


@console_view(methods=["GET", "POST"])
def book(request, provider):
    """Step 2: choose one of today's or upcoming slots, add a note, record the resident's consent."""
    if request.method == "GET":
        token = request.GET.get("resident", "")
        resident = resident_from_token(request.user, provider, token)
        if resident is None:
            return _look_up_again(request, provider)
        form = CounterBookingForm(
            initial={"resident": token}, staff_user=request.user, provider=provider, groups=groups_at(provider)
        )
        return _booking_page(request, provider, resident, form, request.GET)

    form = CounterBookingForm(request.POST, staff_user=request.user, provider=provider, groups=groups_at(provider))
    if not form.is_valid():
        if "resident" in form.errors:
            return _look_up_again(request, provider)
        return _booking_page(request, provider, form.cleaned_data["resident"], form, request.POST)
    data = form.cleaned_data
    try:
        booking = services.book_at_counter(
            request.user,
            data["slot"],
            data["resident"],
            data["consent"],
            note=data["note"],
            partner=provider,
            declared_group=data["group"],
            override_reason=form.override_reason_given(),
        )
    except services.ReasonMissing as error:
        form.add_error("override_reason", error.message)
        return _booking_page(request, provider, data["resident"], form, request.POST, status=status_for(error))
    except services.BookingError as error:
        form.add_error(None, error.message)
        if isinstance(error, services.NotEligible):
            form.refused_rule = error.rule
        return _booking_page(request, provider, data["resident"], form, request.POST, status=status_for(error))
    return redirect("provider:counter-booked", partner_id=provider.pk, code=booking.code)


def _counter_booking(request, provider, code):
    booking = (
        services.bookings_at_providers_of(request.user)
        .filter(slot__offering__partner=provider, code=code.strip().upper())
        .select_related("user", "booked_by")
        .first()
    )
    if booking is None:
        raise Http404
    return booking


@console_view(methods=["GET"])
def booked(request, provider, code):
    """Step 3: the booking code, large enough to copy onto a slip, and a printable slip."""
    booking = _counter_booking(request, provider, code)
    audit.record_access(request.user, provider, audit.Access.What.COUNTER_BOOKED, [booking])
    return render(request, "providers/counter_booked.html", {"provider": provider, "booking": booking})


@console_view(methods=["GET"])
def slip(request, provider, code):
    booking = _counter_booking(request, provider, code)
    audit.record_access(request.user, provider, audit.Access.What.COUNTER_SLIP, [booking])
    return render(request, "providers/counter_slip.html", {"provider": provider, "booking": booking})

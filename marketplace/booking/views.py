from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from marketplace.answers import status_for
from marketplace.audit import services as audit
from marketplace.booking import online, services, waitlist
from marketplace.booking import reschedule as moves
from marketplace.errors import DomainError
from marketplace.ids import id_or_bad_request
from ratings import services as ratings

Booking = get_model("booking", "Booking")


def _own_booking(request, code):
    try:
        return services.own_booking(request.user, code)
    except services.BookingNotFound as error:
        raise Http404(error.message) from error


@login_required
def my_bookings(request):
    now = timezone.now()
    bookings = list(services.bookings_of(request.user).select_related("rating"))
    for booking in bookings:
        booking.cancellable_now = services.can_cancel(booking)
        booking.rateable_now = ratings.can_rate(booking, now)
    return render(
        request,
        "booking/booking_list.html",
        {
            "bookings": bookings,
            "entries": waitlist.entries_of(request.user, now),
            "ended_entries": waitlist.ended_entries_of(request.user, now),
        },
    )


@login_required
def booking_detail(request, code):
    booking = _own_booking(request, code)
    booking.cancellable_now = services.can_cancel(booking)
    booking.reschedulable_now = moves.can_reschedule(booking)
    booking.rateable_now = ratings.can_rate(booking)
    return render(request, "booking/booking.html", {"booking": booking, "history": audit.history_for_resident(booking)})


@login_required
def join(request, code):
    """The join link of an online booking: into its video room while the link is open, a clear page otherwise."""
    booking = _own_booking(request, code)
    try:
        room = online.join(booking)
    except DomainError as error:
        return render(
            request, "booking/booking_join.html", {"booking": booking, "error": error}, status=status_for(error)
        )
    return redirect(room)


@login_required
def cancel(request, code):
    """GET asks (what is cancelled, what happens to the place and the money); POST cancels."""
    booking = _own_booking(request, code)
    if request.method != "POST":
        if not services.can_cancel(booking):
            messages.error(request, _("This booking can no longer be cancelled online."))
            return redirect("booking-detail", code=booking.code)
        return render(request, "booking/booking_cancel.html", {"booking": booking})
    try:
        services.cancel_booking(booking)
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, services.cancelled_message(booking))
    return redirect("booking-detail", code=booking.code)


# Rescheduling: choose a time (GET), confirm it (GET ?slot=), move (POST).

RESCHEDULE_DAYS_PER_PAGE = 3


@login_required
def reschedule(request, code):
    booking = _own_booking(request, code)
    if request.method == "POST":
        try:
            moves.reschedule(request.user, booking.code, id_or_bad_request(request.POST.get("slot")))
        except services.BookingError as error:
            messages.error(request, error.message)
            return redirect(
                "booking-reschedule" if moves.can_reschedule(booking) else "booking-detail", code=booking.code
            )
        messages.success(request, _("Your booking %(code)s has been moved to the new time.") % {"code": booking.code})
        return redirect("booking-detail", code=booking.code)
    if not moves.can_reschedule(booking):
        messages.error(request, _("This booking can no longer be moved to another time online."))
        return redirect("booking-detail", code=booking.code)
    wanted = id_or_bad_request(request.GET.get("slot"))
    if wanted is not None:
        new_slot = moves.time_to_move_to(booking, wanted)
        if new_slot is not None:
            return render(request, "booking/reschedule_confirm.html", {"booking": booking, "new_slot": new_slot})
        messages.error(request, _("This time cannot be chosen any more. Please choose another."))
    days = moves.times_to_move_to(booking)
    first = 0
    wanted_day = request.GET.get("from", "")
    for index, (day, _providers) in enumerate(days):
        if day.isoformat() >= wanted_day:
            first = index
            break
    return render(
        request,
        "booking/reschedule.html",
        {
            "booking": booking,
            "all_days": [day for day, _providers in days],
            "days": days[first : first + RESCHEDULE_DAYS_PER_PAGE],
        },
    )


# The waiting list


@login_required
def join_waitlist(request):
    """GET (e.g. back from signing in) asks to confirm; POST joins."""
    slot_id = id_or_bad_request(request.POST.get("slot") or request.GET.get("slot"))
    try:
        slot = services.find_slot(slot_id)
    except services.SlotNotFound as error:
        raise Http404(error.message) from error
    if request.method != "POST":
        return render(request, "booking/waitlist_join.html", {"slot": slot, "hours": waitlist.offer_hours()})
    try:
        entry = waitlist.join(request.user, slot.pk)
    except services.BookingError as error:
        messages.error(request, error.message)
        return redirect(slot.offering.product.get_absolute_url())
    messages.success(
        request,
        _("You are number %(position)d on the waiting list. We will tell you by SMS and email when a place frees up.")
        % {"position": waitlist.position_of(entry)},
    )
    return redirect(reverse("my-bookings") + "#waitlist")


def _waitlist_action(action, success):
    @login_required
    @require_POST
    def view(request, entry_id):
        try:
            result = action(request.user, entry_id, now=timezone.now())
        except waitlist.EntryNotFound as error:
            raise Http404(error.message) from error
        except services.BookingError as error:
            messages.error(request, error.message)
            return redirect(reverse("my-bookings") + "#waitlist")
        messages.success(request, success(result))
        if isinstance(result, Booking):
            return redirect("booking-detail", code=result.code)
        return redirect(reverse("my-bookings") + "#waitlist")

    return view


leave_waitlist = _waitlist_action(waitlist.leave, lambda entry: _("You have left the waiting list."))
decline_offer = _waitlist_action(
    waitlist.decline, lambda entry: _("You declined the place; it goes to the next in line.")
)
accept_offer = _waitlist_action(
    waitlist.accept, lambda booking: _("The place is yours: booking %(code)s.") % {"code": booking.code}
)

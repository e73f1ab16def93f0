from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from marketplace.booking import services


def _own_booking(request, code):
    try:
        return services.own_booking(request.user, code)
    except services.BookingNotFound as error:
        raise Http404(error.message) from error


@login_required
def my_bookings(request):
    bookings = list(services.bookings_of(request.user))
    for booking in bookings:
        booking.cancellable_now = services.can_cancel(booking)
    return render(request, "booking/booking_list.html", {"bookings": bookings})


@login_required
def booking_detail(request, code):
    booking = _own_booking(request, code)
    booking.cancellable_now = services.can_cancel(booking)
    return render(request, "booking/booking.html", {"booking": booking})


@login_required
@require_POST
def cancel(request, code):
    booking = _own_booking(request, code)
    try:
        services.cancel_booking(booking)
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, services.cancelled_message(booking))
    return redirect("booking-detail", code=booking.code)

"""What happened to a booking, for whoever needs to react (notices, the waiting list).

Sent by ``marketplace.booking.services`` inside the transaction that made the
change: a receiver that talks to the outside world (email, SMS) or starts
further changes must defer its work with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# booking: the new Booking (status booked, or pending_payment while a paid one awaits payment).
booking_placed = Signal()
# booking: now confirmed as paid (a pending_payment booking became booked).
booking_paid = Signal()
# booking, by (Booking.CancelledBy), reason.
booking_cancelled = Signal()
# booking (now on its new slot), old_slot.
booking_rescheduled = Signal()
# slot: a place on it has just become free (cancellation, expired hold, reschedule away).
place_freed = Signal()
# booking, amount (Decimal yuan), pending (True while the gateway has not yet paid it back).
booking_refunded = Signal()
# entry: a waiting-list entry whose resident is now offered a freed place, with the offer's expiry.
waitlist_offered = Signal()
# entry: a waiting-list entry that ended without a place (its time came, or the time was closed).
waitlist_ended = Signal()

"""The booking and rating signals turned into notices, sent by a worker once the change is committed.

The signals are sent inside the booking's transaction; a receiver here only
enqueues a task (marketplace.notifications.tasks) for when it commits, with the
ids the task reads again. A rolled-back change enqueues nothing, and a notice in
trouble never undoes or slows a booking.
"""

from django.conf import settings
from django.utils import translation
from oscar.apps.customer.signals import user_registered
from oscar.core.loading import get_model

from marketplace.background import enqueue_on_commit
from marketplace.booking import signals
from marketplace.notifications import notices, tasks
from ratings import signals as rating_signals

Booking = get_model("booking", "Booking")


def on_booking_placed(sender, booking, **kwargs):
    # A booking awaiting payment is not certain yet: it is confirmed when paid.
    if booking.status == Booking.Status.BOOKED:
        enqueue_on_commit(tasks.confirm, booking.pk)


def on_booking_paid(sender, booking, **kwargs):
    enqueue_on_commit(tasks.confirm, booking.pk)


def on_booking_cancelled(sender, booking, by=None, **kwargs):
    enqueue_on_commit(tasks.tell_cancelled, booking.pk, by)


def on_booking_rescheduled(sender, booking, old_slot=None, **kwargs):
    sequence = notices.change_sequence(booking)
    old_slot_id = old_slot.pk if old_slot is not None else booking.slot_id
    enqueue_on_commit(tasks.tell_rescheduled, booking.pk, old_slot_id, sequence)


def on_booking_refunded(sender, booking, amount=None, pending=False, **kwargs):
    enqueue_on_commit(tasks.tell_refunded, booking.pk, None if amount is None else str(amount), bool(pending))


def on_waitlist_offered(sender, entry, **kwargs):
    enqueue_on_commit(tasks.offer_from_waitlist, entry.pk)


def on_waitlist_ended(sender, entry, **kwargs):
    enqueue_on_commit(tasks.tell_waitlist_ended, entry.pk)


def on_case_opened(sender, case, **kwargs):
    enqueue_on_commit(tasks.ask_provider_to_answer, case.pk)


def on_user_registered(sender, request, user, **kwargs):
    """A resident who registers in English gets their notices in English."""
    language = translation.get_language()  # the page's language, chosen by LocaleMiddleware
    if language and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def connect():
    uid = "notifications"
    signals.booking_placed.connect(on_booking_placed, dispatch_uid=f"{uid}.placed")
    signals.booking_paid.connect(on_booking_paid, dispatch_uid=f"{uid}.paid")
    signals.booking_cancelled.connect(on_booking_cancelled, dispatch_uid=f"{uid}.cancelled")
    signals.booking_rescheduled.connect(on_booking_rescheduled, dispatch_uid=f"{uid}.rescheduled")
    signals.booking_refunded.connect(on_booking_refunded, dispatch_uid=f"{uid}.refunded")
    signals.waitlist_offered.connect(on_waitlist_offered, dispatch_uid=f"{uid}.offered")
    signals.waitlist_ended.connect(on_waitlist_ended, dispatch_uid=f"{uid}.waitlist_ended")
    rating_signals.case_opened.connect(on_case_opened, dispatch_uid=f"{uid}.case_opened")
    user_registered.connect(on_user_registered, dispatch_uid=f"{uid}.registered")

"""The booking and rating signals turned into notices, once the change that sent them is committed.

The signals are sent inside the booking's transaction; a receiver here only
registers work for after the commit, and that work swallows (and logs) its
own failures, so no notice can ever undo or break a booking.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from oscar.apps.customer.signals import user_registered
from oscar.core.loading import get_model

from marketplace.booking import signals
from marketplace.notifications import notices
from providers.closures import next_free_slots
from providers.models import Slot
from ratings import signals as rating_signals
from ratings.models import FollowUpCase

Booking = get_model("booking", "Booking")

logger = logging.getLogger(__name__)

BOOKING_RELATED = ("user", "slot__offering__product", "slot__offering__partner")


def after_commit(what, work, *args):
    def run():
        try:
            work(*args)
        except Exception:
            logger.exception("Could not send the %s notice", what)

    transaction.on_commit(run)


def _booking(booking_id):
    return Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking_id)


def _confirm(booking_id):
    booking = _booking(booking_id)
    if booking.status in (Booking.Status.BOOKED, Booking.Status.CONFIRMED):
        notices.confirm(booking)


def _cancelled(booking_id, by):
    booking = _booking(booking_id)
    if by == Booking.CancelledBy.PROVIDER:
        notices.tell_cancelled_by_provider(
            booking, next_free_slots(booking.slot.offering.product, exclude_user=booking.user)
        )
    else:
        notices.tell_cancelled(booking)


def _rescheduled(booking_id, old_slot_id, sequence):
    booking = _booking(booking_id)
    old_slot = Slot.objects.select_related("offering__product", "offering__partner").get(pk=old_slot_id)
    notices.tell_rescheduled(booking, old_slot, sequence)


def _refunded(booking_id, amount, pending):
    notices.tell_refunded(_booking(booking_id), amount, pending)


def _offered(entry):
    entry.refresh_from_db()  # the offer as committed: it may already be accepted or gone
    if getattr(entry, "is_offered", True):
        notices.offer_from_waitlist(entry)


def on_booking_placed(sender, booking, **kwargs):
    # A booking awaiting payment is not certain yet: it is confirmed when paid.
    if booking.status == Booking.Status.BOOKED:
        after_commit("confirmation", _confirm, booking.pk)


def on_booking_paid(sender, booking, **kwargs):
    after_commit("confirmation", _confirm, booking.pk)


def on_booking_cancelled(sender, booking, by=None, **kwargs):
    after_commit("cancellation", _cancelled, booking.pk, by)


def on_booking_rescheduled(sender, booking, old_slot=None, **kwargs):
    sequence = notices.change_sequence(booking)
    old_slot_id = old_slot.pk if old_slot is not None else booking.slot_id
    after_commit("change", _rescheduled, booking.pk, old_slot_id, sequence)


def on_booking_refunded(sender, booking, amount=None, pending=False, **kwargs):
    after_commit("refund", _refunded, booking.pk, amount, bool(pending))


def on_waitlist_offered(sender, entry, **kwargs):
    after_commit("waiting-list offer", _offered, entry)


CASE_RELATED = (
    "rating__booking__user",
    "rating__booking__slot__offering__product",
    "rating__booking__slot__offering__partner",
)


def _case(case_id):
    return FollowUpCase.objects.select_related(*CASE_RELATED).get(pk=case_id)


def _case_opened(case_id):
    case = _case(case_id)
    partner = case.rating.booking.slot.offering.partner
    for staff_user in partner.users.filter(is_active=True).order_by("pk"):
        try:
            notices.ask_provider_to_answer(case, staff_user)
        except Exception:
            # One colleague's address in trouble must not keep the others from hearing of the case.
            logger.exception("Could not ask staff member %s to answer follow-up case %s", staff_user.pk, case_id)


def _case_answered(case_id):
    notices.tell_case_answered(_case(case_id))


def on_case_opened(sender, case, **kwargs):
    after_commit("follow-up case", _case_opened, case.pk)


def on_case_answered(sender, case, **kwargs):
    after_commit("case answered", _case_answered, case.pk)


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
    rating_signals.case_opened.connect(on_case_opened, dispatch_uid=f"{uid}.case_opened")
    rating_signals.case_answered.connect(on_case_answered, dispatch_uid=f"{uid}.case_answered")
    user_registered.connect(on_user_registered, dispatch_uid=f"{uid}.registered")

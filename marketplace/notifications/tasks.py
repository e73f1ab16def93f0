"""The notices as background tasks: each reads its booking (or case) again, as committed, and sends.

Enqueued by the receivers when the change that calls for them commits. Each
channel of each notice is claimed as a Notice row before it goes out
(``notices.deliver``), so a task run twice, or retried after a failure,
never sends one notice twice.
"""

import logging
from decimal import Decimal

from oscar.core.loading import get_model

from marketplace.background import background_task
from marketplace.booking.models import WaitlistEntry
from marketplace.notifications import notices, reminders
from providers.closures import next_free_slots
from providers.models import Slot

Booking = get_model("booking", "Booking")

logger = logging.getLogger(__name__)

BOOKING_RELATED = ("user", "slot__offering__product", "slot__offering__partner")
CASE_RELATED = (
    "rating__booking__user",
    "rating__booking__slot__offering__product",
    "rating__booking__slot__offering__partner",
)


def _booking(booking_id):
    return Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking_id)


@background_task
def confirm(booking_id):
    booking = _booking(booking_id)
    if booking.status in (Booking.Status.BOOKED, Booking.Status.CONFIRMED):
        notices.confirm(booking)


@background_task
def tell_cancelled(booking_id, by):
    booking = _booking(booking_id)
    if by == Booking.CancelledBy.PROVIDER:
        notices.tell_cancelled_by_provider(
            booking, next_free_slots(booking.slot.offering.product, exclude_user=booking.user)
        )
    else:
        notices.tell_cancelled(booking)


@background_task
def tell_rescheduled(booking_id, old_slot_id, sequence):
    booking = _booking(booking_id)
    old_slot = Slot.objects.select_related("offering__product", "offering__partner").get(pk=old_slot_id)
    notices.tell_rescheduled(booking, old_slot, sequence)


@background_task
def tell_refunded(booking_id, amount, pending):
    notices.tell_refunded(_booking(booking_id), None if amount is None else Decimal(amount), pending)


@background_task
def offer_from_waitlist(entry_id):
    entry = WaitlistEntry.objects.select_related("user", "slot__offering__product", "slot__offering__partner").get(
        pk=entry_id
    )
    # The offer as it stands now: it may already be accepted, declined or lapsed.
    if entry.status == WaitlistEntry.Status.OFFERED:
        notices.offer_from_waitlist(entry)


@background_task
def tell_waitlist_ended(entry_id):
    entry = WaitlistEntry.objects.select_related("user", "slot__offering__product", "slot__offering__partner").get(
        pk=entry_id
    )
    if entry.status in WaitlistEntry.ENDED_WITHOUT_PLACE:
        notices.tell_waitlist_ended(entry)


def _case(case_id):
    from ratings.services import follow_ups

    return follow_ups().select_related(*CASE_RELATED).get(pk=case_id)


@background_task
def ask_provider_to_answer(case_id):
    case = _case(case_id)
    partner = case.rating.booking.slot.offering.partner
    not_sent = []
    for staff_user in partner.users.filter(is_active=True).order_by("pk"):
        try:
            notices.ask_provider_to_answer(case, staff_user)
        except notices.NoticeNotSent as error:
            # One colleague's address in trouble must not keep the others from hearing of the case;
            # the task's retry sends only what did not go out.
            not_sent.append(error)
        except Exception:
            logger.exception("Could not ask staff member %s to answer follow-up case %s", staff_user.pk, case_id)
    if not_sent:
        raise not_sent[0]


@background_task
def send_reminders():
    """The scheduled job: remind every booking due a reminder; returns how many messages went out."""
    return reminders.send_reminders()

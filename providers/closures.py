"""Closures: a provider (or one of its services) closed for a day, a period or one slot.

Closing cancels the bookings inside with the reason, through the booking
service. Each cancellation is a provider's, so once the closure is committed
the notices layer tells each resident by email and SMS, offering the next free
slots of the same service (:func:`next_free_slots`); a failing mail server or
SMS gateway never undoes a closure. The console, the admin and any future API
all come through here.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.booking import waitlist
from marketplace.booking.services import cancel_booking, local_day, slot_label
from marketplace.errors import DomainError
from providers import scheduling
from providers.models import Closure, Slot
from providers.scheduling import day_start
from providers.signals import slots_changed
from providers.staff import works_for

Booking = get_model("booking", "Booking")

logger = logging.getLogger(__name__)

MAX_DAYS = 366  # a closure longer than a year is a provider leaving, not a closure
ALTERNATIVES = 3


class ClosureError(DomainError):
    """A closure rule said no."""

    code = "closure_error"


class NotStaff(ClosureError):
    # Another provider's console answers like a missing one.
    code = "not_found"


class NotFound(ClosureError):
    code = "not_found"


class ReasonMissing(ClosureError):
    code = "reason_missing"


class BadPeriod(ClosureError):
    code = "bad_period"


class AlreadyOver(ClosureError):
    code = "already_over"


def _check_staff(staff_user, partner):
    if not works_for(staff_user, partner):
        raise NotStaff(_("Only the staff of this provider can close its services."))


def clean_reason(reason):
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ReasonMissing(_("Say why the service is closed: residents are told the reason."))
    max_length = Closure._meta.get_field("reason").max_length
    if len(reason) > max_length:
        raise ReasonMissing(
            _("Keep the reason to at most %(max)d characters: it goes into a text message.") % {"max": max_length}
        )
    return reason


def check_period(starts_on, ends_on, now=None):
    """Raise the reason the days [starts_on, ends_on] cannot be closed, if there is one."""
    today = local_day(now or timezone.now())
    if starts_on is None or ends_on is None:
        raise BadPeriod(_("Give the first and the last closed day."))
    if ends_on < starts_on:
        raise BadPeriod(_("The last closed day cannot be before the first."))
    if ends_on < today:
        raise BadPeriod(_("This period is already over: there is nothing left to close."))
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise BadPeriod(_("A closure can last at most %(days)d days.") % {"days": MAX_DAYS})


def check_offering(partner, offering):
    if offering is not None and offering.partner_id != partner.pk:
        raise NotFound(_("This provider has no such service."))


def slots_in_period(partner, starts_on, ends_on, offering=None, now=None):
    """The provider's (or the one offering's) slots that start in the period and have not begun."""
    slots = Slot.objects.filter(
        offering__partner=partner,
        starts_at__gt=now or timezone.now(),
        starts_at__gte=day_start(starts_on),
        starts_at__lt=day_start(ends_on + timedelta(days=1)),
    )
    if offering is not None:
        slots = slots.filter(offering=offering)
    return slots


def bookings_to_cancel(slots):
    """The bookings a closure of ``slots`` cancels: every one that still expects the resident."""
    return (
        Booking.objects.filter(slot__in=slots, status__in=Booking.CANCELLABLE)
        .select_related("user", "slot__offering__product", "slot__offering__partner")
        .order_by("slot__starts_at", "slot_id", "pk")
    )


def preview_period(staff_user, partner, starts_on, ends_on, reason, offering=None, now=None):
    """Check a closure as :func:`close_period` would, and say which bookings it would cancel."""
    _check_staff(staff_user, partner)
    clean_reason(reason)
    check_period(starts_on, ends_on, now)
    check_offering(partner, offering)
    return list(bookings_to_cancel(slots_in_period(partner, starts_on, ends_on, offering, now)))


def _close_slots(slots, reason, now):
    """Close ``slots`` and cancel their bookings; returns the ids of the cancelled bookings.

    The slots are closed first: the UPDATE waits for any booking taking a place
    on them right now, and the bookings read afterwards include it, while later
    bookings find the slot closed.
    """
    slot_ids = list(slots.values_list("pk", flat=True))
    if not slot_ids:
        return []
    Slot.objects.filter(pk__in=slot_ids).update(is_open=False)
    slots_changed.send(
        Slot, offering_ids=set(Slot.objects.filter(pk__in=slot_ids).values_list("offering_id", flat=True))
    )
    cancelled = []
    for booking in bookings_to_cancel(slot_ids):
        cancel_booking(booking, by=Booking.CancelledBy.PROVIDER, reason=reason, now=now)
        cancelled.append(booking.pk)
    # Those waiting for a place are told too: their line ends with the slot.
    waitlist.end_for_closed_slots(slot_ids, now)
    return cancelled


def close_period(staff_user, partner, starts_on, ends_on, reason, offering=None, now=None):
    """Close the provider (or one offering) from ``starts_on`` to ``ends_on`` inclusive.

    Returns the :class:`Closure`, with ``cancelled`` (booking ids) and ``closed_slots`` (a count).
    """
    now = now or timezone.now()
    _check_staff(staff_user, partner)
    reason = clean_reason(reason)
    check_period(starts_on, ends_on, now)
    check_offering(partner, offering)
    with transaction.atomic():
        closure = Closure.objects.create(
            partner=partner,
            offering=offering,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            created_by=staff_user,
        )
        slots = slots_in_period(partner, starts_on, ends_on, offering, now)
        closure.closed_slots = slots.count()
        closure.cancelled = _close_slots(slots, reason, now)
        audit.record(audit.Action.Code.CLOSURE_CREATED, provider=partner, detail=_closure_detail(closure))
    logger.info(
        "Closure %s of provider %s: %d slots closed, %d bookings cancelled",
        closure.pk,
        partner.pk,
        closure.closed_slots,
        len(closure.cancelled),
    )
    return closure


def _closure_detail(closure):
    detail = {"from": closure.starts_on.isoformat(), "to": closure.ends_on.isoformat(), "reason": closure.reason}
    if closure.offering_id:
        detail["offering"] = closure.offering_id
    return detail


def slot_of(partner, slot_id):
    """One of the provider's slots; another provider's is answered like a missing one."""
    slot = (
        Slot.objects.select_related("offering__partner", "offering__product")
        .filter(pk=slot_id, offering__partner=partner)
        .first()
    )
    if slot is None:
        raise NotFound(_("This provider has no such time slot."))
    return slot


def slot_can_close(slot, now=None):
    """A slot can be closed until it begins."""
    return slot.starts_at > (now or timezone.now())


def close_slot(staff_user, slot, reason, now=None):
    """Close one slot, cancel its bookings with the reason and tell the residents. Returns the booking ids."""
    now = now or timezone.now()
    _check_staff(staff_user, slot.offering.partner)
    reason = clean_reason(reason)
    if not slot_can_close(slot, now):
        raise AlreadyOver(_("This time slot has already begun: it can no longer be closed."))
    with transaction.atomic():
        cancelled = _close_slots(Slot.objects.filter(pk=slot.pk), reason, now)
        audit.record(
            audit.Action.Code.SLOT_CHANGED,
            provider=slot.offering.partner_id,
            detail={"slot": slot_label(slot), "closed": True, "reason": reason, "bookings_cancelled": len(cancelled)},
        )
    slot.refresh_from_db(fields=["is_open", "num_booked"])
    logger.info("Slot %s closed: %d bookings cancelled", slot.pk, len(cancelled))
    return cancelled


def closures_of(partner):
    return Closure.objects.filter(partner=partner).select_related("offering__product", "created_by")


def closure_of(partner, closure_id):
    closure = closures_of(partner).filter(pk=closure_id).first()
    if closure is None:
        raise NotFound(_("This provider has no such closure."))
    return closure


def closure_is_over(closure, now=None):
    """A closure is over once its last day has passed: nothing is left to lift."""
    return closure.ends_on < local_day(now or timezone.now())


def reopen(staff_user, closure, now=None):
    """Lift a closure: its future slots open again unless another closure still covers them.

    Bookings it cancelled stay cancelled (the residents have been told and may
    have booked elsewhere). The days the generator skipped are filled in. A
    slot closed on its own inside the period opens too: nothing records which
    closure closed a slot. Returns how many slots were opened again.
    """
    now = now or timezone.now()
    partner = closure.partner
    _check_staff(staff_user, partner)
    if closure_is_over(closure, now):
        raise AlreadyOver(_("This closure is over: there is nothing left to reopen."))
    closure_id = closure.pk
    with transaction.atomic():
        closure.delete()
        slots = slots_in_period(partner, closure.starts_on, closure.ends_on, closure.offering, now)
        others = closed_days(partner, closure.starts_on, closure.ends_on)
        closed = slots.filter(is_open=False)
        still_closed = [
            slot_id
            for slot_id, offering_id, starts_at in closed.values_list("pk", "offering_id", "starts_at")
            if local_day(starts_at) in others.get(None, set()) | others.get(offering_id, set())
        ]
        reopened_offerings = set(closed.exclude(pk__in=still_closed).values_list("offering_id", flat=True))
        reopened = closed.exclude(pk__in=still_closed).update(is_open=True)
        slots_changed.send(Slot, offering_ids=reopened_offerings)
        offerings = [closure.offering_id] if closure.offering_id else partner.stockrecords.values_list("pk", flat=True)
        created, _removed = scheduling.generate_slots(list(offerings), now=now)
        audit.record(audit.Action.Code.CLOSURE_LIFTED, provider=partner, detail=_closure_detail(closure))
    logger.info(
        "Closure %s of provider %s lifted: %d slots reopened, %d made", closure_id, partner.pk, reopened, created
    )
    return reopened + created


def closed_days(partner, first, last):
    """The provider's closed days in [first, last]: {offering id, or None for the whole provider: {day…}}."""
    days = {}
    for closure in Closure.objects.filter(partner=partner, starts_on__lte=last, ends_on__gte=first):
        day = max(closure.starts_on, first)
        while day <= min(closure.ends_on, last):
            days.setdefault(closure.offering_id, set()).add(day)
            day += timedelta(days=1)
    return days


def next_free_slots(service, now=None, count=ALTERNATIVES, exclude_user=None):
    """The next ``count`` slots of ``service`` a resident could book now, at any provider, soonest first."""
    return list(Slot.objects.bookable_alternatives(service, now=now, exclude_user=exclude_user)[:count])

"""The waiting list of a full slot: first come, first served.

When a place frees up (``place_freed``; a background task once the change is
committed) the first resident in line is offered it: the place is taken for them at once by
the same conditional UPDATE as a booking, so nobody else can book it while
the offer stands, and ``waitlist_offered`` is sent (the notices layer tells
them). Accepting turns the held place into a normal booking; declining or
letting the offer lapse passes the place to the next in line, or back to the
slot when nobody waits.

Offers of one slot are made under a lock on the slot's row, so concurrent
cancellations offer each freed place to exactly one resident, in join order.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.audit.context import noting
from marketplace.background import enqueue_on_commit
from marketplace.booking import services, signals
from marketplace.booking.models import WaitlistEntry
from providers.models import Slot

Booking = get_model("booking", "Booking")

Status = WaitlistEntry.Status


class SlotNotFull(services.BookingError):
    code = "slot_not_full"


class AlreadyWaiting(services.BookingError):
    code = "already_waiting"


class EntryNotFound(services.BookingError):
    code = "not_found"


class NoOffer(services.BookingError):
    code = "no_offer"


class OfferLapsed(services.BookingError):
    code = "offer_lapsed"


def offer_hours():
    return settings.WAITLIST_OFFER_HOURS


def queue_of(slot_id):
    """The slot's residents still in line, first come first."""
    return WaitlistEntry.objects.filter(slot_id=slot_id, status__in=WaitlistEntry.IN_LINE).order_by("joined_at", "pk")


def position_of(entry):
    """1 for the first in line; an offered entry counts as in line until it is answered."""
    if entry.status not in WaitlistEntry.IN_LINE:
        return None
    ahead = queue_of(entry.slot_id).filter(
        Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, pk__lt=entry.pk)
    )
    return ahead.count() + 1


def join(user, slot_id, now=None):
    """Put the resident in line for a full slot; refused when the slot still has a place."""
    now = now or timezone.now()
    slot = services.find_slot(slot_id)
    # What keeps the slot full may have lapsed: then it has a place to book, not a line to join.
    expire_offers(now=now, slot_id=slot.pk)
    services.release_lapsed_holds(slot_id=slot.pk, now=now)
    slot.refresh_from_db(fields=["num_booked", "is_open", "capacity", "counter_capacity"])
    if queue_of(slot.pk).filter(user=user).exists():
        raise AlreadyWaiting(_("You are already on the waiting list of this time slot."))
    if Booking.objects.filter(user=user, slot=slot, status__in=Booking.ACTIVE).exists():
        raise services.AlreadyBooked(_("You have already booked this time slot."))
    # Who may book the service, asked first: a place offered to someone the rules refuse would go unused.
    services.ensure_eligible(user, slot, now=now)
    try:
        # Every rule of booking the slot, except that it must be full.
        services.ensure_bookable(user, slot, now=now)
    except services.SlotFull:
        pass
    else:
        raise SlotNotFull(_("This time slot still has a free place: book it instead."))
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(slot=slot, user=user, joined_at=now)
            _record(audit.Action.Code.WAITLIST_JOINED, entry, slot)
    except IntegrityError as error:
        raise AlreadyWaiting(_("You are already on the waiting list of this time slot.")) from error
    entry.slot = slot
    return entry


def _record(action, entry, slot, by_system=False, **detail):
    """One entry of the record for a waiting-list entry: it has no booking code until a place is accepted."""
    audit.record(
        action,
        person=entry.user_id,
        provider=slot.offering.partner_id,
        detail={"entry": entry.pk, "slot": services.slot_label(slot), **detail},
        by_system=by_system,
    )


def own_entry(user, entry_id):
    """A resident's entry; somebody else's is answered exactly like one that does not exist."""
    entry = (
        WaitlistEntry.objects.select_related("slot__offering__product", "slot__offering__partner")
        .filter(pk=entry_id, user=user)
        .first()
        if user is not None and user.is_authenticated
        else None
    )
    if entry is None:
        raise EntryNotFound(_("You have no such waiting-list entry."))
    return entry


def _locked_own_entry(user, entry_id):
    """Lock the entry's slot, then the entry: the order every offer is made in."""
    slot_id = own_entry(user, entry_id).slot_id
    Slot.objects.select_for_update().filter(pk=slot_id).first()
    return (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("slot__offering__product", "slot__offering__partner")
        .get(pk=entry_id)
    )


def leave(user, entry_id, now=None):
    """Leave the line; an offered place is declined and passes to the next in line. Leaving twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = _locked_own_entry(user, entry_id)
        if entry.status == Status.WAITING:
            _close(entry, Status.LEFT, now)
            _record(audit.Action.Code.WAITLIST_LEFT, entry, entry.slot)
        elif entry.status == Status.OFFERED:
            _close(entry, Status.DECLINED, now)
            _record(audit.Action.Code.WAITLIST_DECLINED, entry, entry.slot)
            services.give_back_place(entry.slot_id)
            _offer_places(entry.slot_id, now)
    return entry


decline = leave


def accept(user, entry_id, now=None):
    """Turn an offered place into a booking (an Oscar order, like any booking); returns the booking.

    The held place is given back and taken again by the booking service in the
    same transaction, under the slot's lock, so it is counted once and nobody
    can take it in between. A refusal (the resident's limit, say) changes
    nothing: the offer stands until it is declined or lapses.
    """
    now = now or timezone.now()
    expire_offers(now=now, slot_id=own_entry(user, entry_id).slot_id)
    with transaction.atomic():
        # The resident before the slot, as the booking service locks them.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        entry = _locked_own_entry(user, entry_id)
        if entry.status == Status.LAPSED:
            raise OfferLapsed(_("This offer has lapsed and the place went to the next in line."))
        if entry.status != Status.OFFERED:
            raise NoOffer(_("There is no place offered to you on this time slot (yet)."))
        services.give_back_place(entry.slot_id)
        # Oscar's order_placed receivers run inside this transaction: harmless here,
        # the service has been booked before (its slot was full).
        with noting(via="waiting_list"):
            booking = services.book(user, entry.slot_id, now=now)
        entry.booking = booking
        _close(entry, Status.ACCEPTED, now, extra=["booking"])
        audit.record(audit.Action.Code.WAITLIST_ACCEPTED, booking, detail={"entry": entry.pk})
    return booking


def _close(entry, status, now, extra=()):
    entry.status = status
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at", *extra])


def offer_freed_places(slot_id, now=None):
    """Offer the slot's free places to the first in line, one each; returns the entries offered."""
    now = now or timezone.now()
    with transaction.atomic():
        if Slot.objects.select_for_update().filter(pk=slot_id).first() is None:
            return []
        return _offer_places(slot_id, now)


def _offer_places(slot_id, now):
    """Under the slot's lock: while a place can be taken and someone waits, offer it to them."""
    offered = []
    slot = None
    # Someone who booked the slot meanwhile (a place came free before their turn) needs no offer.
    holders = Booking.objects.filter(slot_id=slot_id, status__in=Booking.ACTIVE).values("user_id")
    booked_meanwhile = list(queue_of(slot_id).filter(status=Status.WAITING, user_id__in=holders))
    if booked_meanwhile:
        slot = _slot_for_offers(slot_id)
        WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in booked_meanwhile]).update(
            status=Status.LEFT, closed_at=now
        )
        for entry in booked_meanwhile:
            _record(audit.Action.Code.WAITLIST_LEFT, entry, slot, by_system=True, booked=True)
    # Offers are the system's: whoever's request freed the place, the place goes to the first in line.
    for entry in queue_of(slot_id).filter(status=Status.WAITING).select_for_update(of=("self",)):
        slot = slot or _slot_for_offers(slot_id)
        if not services.take_place(slot, now):
            break
        entry.slot = slot
        entry.status = Status.OFFERED
        entry.offered_at = now
        # An offer cannot outlive the start of its slot.
        entry.offer_expires_at = min(now + timedelta(hours=offer_hours()), slot.starts_at)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        _record(
            audit.Action.Code.WAITLIST_OFFERED,
            entry,
            slot,
            by_system=True,
            until=timezone.localtime(entry.offer_expires_at).strftime("%Y-%m-%d %H:%M"),
        )
        signals.waitlist_offered.send(sender=WaitlistEntry, entry=entry)
        offered.append(entry)
    return offered


def _slot_for_offers(slot_id):
    return Slot.objects.select_related("offering__product", "offering__partner").get(pk=slot_id)


def expire_offers(now=None, slot_id=None, user=None):
    """Lapse the offers past their time and pass each place on (or back to the slot). Returns how many lapsed.

    Run by ``expire_waitlist_offers`` and whenever a slot's waiting list is
    touched, so a lapsed offer never blocks the line for long. Idempotent.
    """
    now = now or timezone.now()
    lapsed = WaitlistEntry.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
    if slot_id is not None:
        lapsed = lapsed.filter(slot_id=slot_id)
    if user is not None:
        lapsed = lapsed.filter(user=user)
    count = 0
    for each_slot in sorted(set(lapsed.values_list("slot_id", flat=True))):
        with transaction.atomic():
            Slot.objects.select_for_update().filter(pk=each_slot).first()
            entries = list(
                lapsed.filter(slot_id=each_slot)
                .select_related("slot__offering__partner")
                .select_for_update(of=("self",))
            )
            for entry in entries:
                _close(entry, Status.LAPSED, now)
                # Nobody declined it: whoever's request found the offer lapsed only tidied up.
                _record(audit.Action.Code.WAITLIST_LAPSED, entry, entry.slot, by_system=True)
                services.give_back_place(each_slot)
            _offer_places(each_slot, now)
            count += len(entries)
    return count


def _end(entries, status, now):
    """Close ``entries`` (locked, in line) as ended without a place, and say so to each resident."""
    for entry in entries:
        if entry.status == Status.OFFERED:
            services.give_back_place(entry.slot_id)
        _close(entry, status, now)
        _record(audit.Action.Code.WAITLIST_ENDED, entry, entry.slot, by_system=True, why=status)
        signals.waitlist_ended.send(sender=WaitlistEntry, entry=entry)
    return len(entries)


def end_passed(now=None, user=None):
    """End the places in line whose time has come: nobody will be offered a place any more.

    Run by the ``end_waitlist_entries`` job and whenever a resident's waiting lists are shown.
    Offers are left to :func:`expire_offers` (an offer never outlives its slot's start). Idempotent.
    """
    now = now or timezone.now()
    passed = WaitlistEntry.objects.filter(status=Status.WAITING, slot__starts_at__lte=now)
    if user is not None:
        passed = passed.filter(user=user)
    with transaction.atomic():
        entries = list(passed.select_related("slot__offering__partner").select_for_update(of=("self",)))
        return _end(entries, Status.ENDED, now)


def end_for_closed_slots(slot_ids, now=None):
    """The provider closed these slots: everyone in line for them is told it has ended.
    Called inside the closing transaction, after the slots are closed."""
    now = now or timezone.now()
    entries = list(
        WaitlistEntry.objects.filter(slot_id__in=list(slot_ids), status__in=WaitlistEntry.IN_LINE)
        .select_related("slot__offering__partner")
        .select_for_update(of=("self",))
    )
    return _end(entries, Status.CLOSED, now)


ENDED_SHOWN_DAYS = 7


def ended_entries_of(user, now=None):
    """The resident's waiting lists that ended without a place in the last week, latest first."""
    now = now or timezone.now()
    return list(
        WaitlistEntry.objects.filter(
            user=user,
            status__in=WaitlistEntry.ENDED_WITHOUT_PLACE,
            closed_at__gte=now - timedelta(days=ENDED_SHOWN_DAYS),
        )
        .select_related("slot__offering__product", "slot__offering__partner")
        .order_by("-closed_at", "-pk")
    )


def entries_of(user, now=None):
    """The resident's places in line and offers on slots still ahead, soonest slot first."""
    now = now or timezone.now()
    expire_offers(now=now, user=user)
    end_passed(now=now, user=user)
    entries = list(
        WaitlistEntry.objects.filter(user=user, status__in=WaitlistEntry.IN_LINE, slot__starts_at__gt=now)
        .select_related("slot__offering__product", "slot__offering__partner")
        .order_by("slot__starts_at", "pk")
    )
    for entry in entries:
        entry.position = position_of(entry)
    return entries


def on_place_freed(sender, slot, **kwargs):
    # A task enqueued on commit: the freed place is then visible to the offer's conditional
    # UPDATE, and an offer in trouble never undoes or slows the cancellation that freed it.
    from marketplace.booking.tasks import offer_freed_places as offer_task  # the tasks module imports this one

    enqueue_on_commit(offer_task, slot.pk)


def connect():
    signals.place_freed.connect(on_place_freed, dispatch_uid="waitlist.on_place_freed")

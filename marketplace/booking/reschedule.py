"""Moving a booking to another time of the same service, in one transaction.

The new place is taken (by the same kind of conditional UPDATE as a new
booking, DESIGN.md §5) before the old one is given back, so a resident who
moves never ends up with no place at all, and a refusal at any step rolls
everything back: the booking, both slots and the Oscar order line stay as
they were.
"""

from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.booking import online, rules, services, signals
from marketplace.booking.options import SLOT_OPTION_CODE
from providers.models import Slot

Booking = get_model("booking", "Booking")
OrderNote = get_model("order", "OrderNote")

# Paid or not, the booking keeps its order and its price: see ``ensure_same_price``.
RESCHEDULABLE = (Booking.Status.BOOKED, Booking.Status.CONFIRMED)


class NotReschedulable(services.BookingError):
    code = "not_reschedulable"


class OtherService(services.BookingError):
    code = "other_service"


class PriceDiffers(services.BookingError):
    code = "price_differs"


def can_reschedule(booking, now=None):
    """Whether the resident may still move this booking (the page shows the button only then)."""
    now = now or timezone.now()
    return booking.status in RESCHEDULABLE and now <= rules.cancel_deadline(booking)


def ensure_reschedulable(booking, now):
    if booking.status not in RESCHEDULABLE:
        raise NotReschedulable(
            _("A booking that is %(status)s cannot be moved to another time.")
            % {"status": booking.get_status_display()}
        )
    if now > rules.cancel_deadline(booking):
        raise services.TooLate(
            _("It is too late to move this booking online: this service can be changed up to %(hours)d hours before.")
            % {"hours": booking.slot.offering.product.cancel_until_hours}
        )


def ensure_same_price(booking, new_slot):
    """The booking keeps its order, so the new offering must cost what was booked.

    A paid booking has been (or will be) paid at this price; moving it to a
    dearer or cheaper provider would need a new payment or a partial refund,
    which is a cancellation and a new booking, not a move.
    """
    price = new_slot.offering.price if new_slot.offering.price is not None else 0
    if price != booking.line.line_price_incl_tax:
        raise PriceDiffers(
            _("This time is offered at another price (¥%(price)s). Cancel and book it instead.") % {"price": price}
        )


def reschedule(user, code, slot_id, now=None):
    """Move the resident's booking ``code`` to slot ``slot_id`` of the same service.

    Raises a ``BookingError`` (and changes nothing) when the booking is not the
    resident's, can no longer be moved, or the new slot cannot take it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The resident first, as ``take_places`` does: one resident's bookings are serialised.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        found = services.own_booking(user, code)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__offering__product", "slot__offering__partner", "line", "order")
            .get(pk=found.pk)
        )
        ensure_reschedulable(booking, now)
        old_slot = booking.slot
        new_slot = services.find_slot(slot_id)
        if new_slot.offering.product_id != old_slot.offering.product_id:
            raise OtherService(_("A booking can only be moved to another time of the same service."))
        if new_slot.pk == old_slot.pk:
            raise services.AlreadyBooked(_("Your booking is already at this time."))
        # Lock both slots in id order, so two residents swapping times cannot deadlock.
        locked = (
            Slot.objects.select_for_update(of=("self",))
            .filter(pk__in=[old_slot.pk, new_slot.pk])
            .with_lapsed_holds(now)
            .order_by("pk")
        )
        fresh = {slot.pk: slot for slot in locked}.get(new_slot.pk)
        if fresh is None:
            raise services.SlotNotFound(_("There is no such time slot."))
        fresh.offering = new_slot.offering
        new_slot = fresh
        ensure_same_price(booking, new_slot)
        # The slot's own rules and the person's duplicate and one-a-day checks. The per-person
        # limit is not asked again: moving within the service keeps the count as it is.
        services.ensure_bookable(None, new_slot, now=now)
        # Who may book the service, judged again for the new day (an age, a year's count without this booking).
        services.ensure_eligible(
            user, new_slot, booking.dependant, declared_group=booking.declared_group, now=now, exclude=booking
        )
        person = services.active_bookings_of_person(user, booking.dependant, now=now)
        if person.filter(slot=new_slot).exists():
            raise services.AlreadyBooked(_("You have already booked this time slot."))
        if new_slot.offering.product.one_per_day and services.booked_same_day(person, new_slot, exclude=booking):
            raise services.LimitReached(
                _("There is already a booking of this service on %(day)s for the same person: one a day is allowed.")
                % {"day": services.local_day(new_slot.starts_at).isoformat()}
            )
        if not services.take_place(new_slot, now):
            raise services.SlotFull(_("This time slot is fully booked. Please choose another time."))
        services.give_back_place(old_slot.pk)
        booking.slot = new_slot
        moved = ["slot", *online.room_moved(booking)]
        try:
            with transaction.atomic():
                booking.save(update_fields=moved)
        except IntegrityError as error:
            raise services.AlreadyBooked(_("You have already booked this time slot.")) from error
        move_order_line(booking, old_slot, new_slot, user)
        audit.record(
            audit.Action.Code.RESCHEDULED,
            booking,
            detail={"from": services.slot_label(old_slot), "to": services.slot_label(new_slot)},
        )
        signals.booking_rescheduled.send(sender=Booking, booking=booking, old_slot=old_slot)
        signals.place_freed.send(sender=Slot, slot=old_slot)
    return booking


def move_order_line(booking, old_slot, new_slot, user):
    """The Oscar line books the slot as a product option and names the provider: keep both true."""
    line = booking.line
    line.attributes.filter(type=SLOT_OPTION_CODE).update(value=str(new_slot.pk))
    offering = new_slot.offering
    if line.stockrecord_id != offering.pk:
        line.stockrecord = offering
        line.partner = offering.partner
        line.partner_name = offering.partner.name
        line.partner_sku = offering.partner_sku
        line.save(update_fields=["stockrecord", "partner", "partner_name", "partner_sku"])
    OrderNote.objects.create(
        order=booking.order,
        user=user,
        note_type=OrderNote.SYSTEM,
        message=_("Booking %(code)s moved from %(old)s to %(new)s by the resident.")
        % {"code": booking.code, "old": services.slot_label(old_slot), "new": services.slot_label(new_slot)},
    )


def _times_to_move_to(booking, now):
    service = booking.slot.offering.product
    return Slot.objects.bookable_alternatives(service, now=now, exclude_user=booking.user).filter(
        offering__price=booking.line.line_price_incl_tax
    )


def times_to_move_to(booking, now=None):
    """The open times the booking could move to, as [(day, [(provider, [slot, …]), …]), …].

    Same service, same price, a place free online, inside the booking window,
    and not a slot the resident already holds (their current one included).
    Each day lists the booking's own provider first: moving usually means another
    time at the same place, and the place is what the resident chose first.
    """
    slots = _times_to_move_to(booking, now or timezone.now()).order_by("starts_at", "offering__partner__name", "pk")
    own = booking.slot.offering.partner_id
    grouped = OrderedDict()
    for slot in slots:
        day = timezone.localtime(slot.starts_at).date()
        providers = grouped.setdefault(day, OrderedDict())
        providers.setdefault(slot.offering.partner_id, (slot.offering.partner, []))[1].append(slot)
    return [
        (day, sorted(providers.values(), key=lambda entry: entry[0].pk != own)) for day, providers in grouped.items()
    ]


def time_to_move_to(booking, slot_id, now=None):
    """The slot ``slot_id`` if the booking could move there now, else None (for the confirm page)."""
    return _times_to_move_to(booking, now or timezone.now()).filter(pk=slot_id).first()

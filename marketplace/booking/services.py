"""The booking domain: place and cancel bookings without ever overbooking.

Web checkout, the JSON API and the provider console's counter all come through
here. A place is taken by a conditional UPDATE inside the order transaction
(DESIGN.md §5); the slot's check constraint stands behind it.

Two channels share one path: online bookings stop ``counter_capacity`` places
short of a slot's capacity; the counter, booking for a resident who is
present, may fill the slot to its full capacity.

A paid service booked online waits for payment (``pending_payment``) and holds
its place until ``hold_expires_at``. A lapsed hold is free at once: whoever
finds the slot full releases the slot's lapsed holds in their own transaction
and tries again, and the availability residents see leaves them out
(``SlotQuerySet.open_future``). ``expire_holds`` only tidies up.
"""

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from marketplace import pagecache
from marketplace.audit import services as audit
from marketplace.booking import eligibility, online, rules, signals
from marketplace.booking.options import slot_id_of_line
from marketplace.booking.rules import cancel_deadline, local_day, start_of_local_day
from marketplace.errors import DomainError
from providers.models import Slot

Booking = get_model("booking", "Booking")
Line = get_model("order", "Line")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")
Dependant = get_model("users", "Dependant")
SourceType = get_model("payment", "SourceType")
Offering = get_model("partner", "StockRecord")

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a counter
OFFERINGS_LISTED = 30


class BookingError(DomainError, UnableToPlaceOrder):
    """A booking rule said no. Also Oscar's ``UnableToPlaceOrder``, so its checkout shows the message."""

    code = "booking_error"


class SlotNotFound(BookingError):
    code = "not_found"


class SlotFull(BookingError):
    code = "slot_full"


class SlotClosed(BookingError):
    code = "slot_closed"


class LimitReached(BookingError):
    code = "limit_reached"


class AlreadyBooked(BookingError):
    code = "already_booked"


class TooLate(BookingError):
    code = "too_late"


class NotCancellable(BookingError):
    code = "not_cancellable"


class ConsentMissing(BookingError):
    code = "consent_missing"


class ResidentNotFound(BookingError):
    code = "resident_not_found"


class PayOnSiteNotOffered(BookingError):
    code = "pay_on_site_not_offered"


class DependantNotFound(BookingError):
    code = "not_found"


class NotOperator(BookingError):
    code = "not_operator"


class NotEligible(BookingError):
    """A rule of the service refuses the person served; ``rule`` names it (age, residence, per_year, group)."""

    code = "not_eligible"

    def __init__(self, message, rule):
        super().__init__(message)
        self.rule = rule
        # Beside ``detail`` and ``code`` in the API's answer.
        self.answer_fields = {"rule": rule}


class ReasonMissing(BookingError):
    code = "reason_missing"


def new_booking_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))


# What booking needs to know about a slot, fetched with it in one query.
SLOT_RELATED = ("offering__product", "offering__partner")


def find_slot(slot_id):
    slots = eligibility.with_rules_flag(Slot.objects.select_related(*SLOT_RELATED))
    # One row by its key needs no ORDER BY (a slot's default one is by time), and every booking asks this.
    slot = next(iter(slots.filter(pk=slot_id).order_by()[:1]), None) if slot_id else None
    if slot is None:
        raise SlotNotFound(_("There is no such time slot."))
    return slot


def counts_bookings_of_person(slot):
    """Whether booking ``slot`` is refused by counting the person's other bookings: the service's limit
    per person (and so per account), one a day, or an eligibility rule (``find_slot`` marks whether
    the service has any; a slot read without the mark is taken to have some)."""
    service = slot.offering.product
    return bool(service.max_active_per_resident or service.one_per_day or getattr(slot, "service_has_rules", True))


def find_dependant(user, dependant_id):
    """The resident's own dependant ``dependant_id`` (None for none); anyone else's is answered like a missing one."""
    if dependant_id is None:
        return None
    dependant = (
        Dependant.objects.filter(pk=dependant_id, owner=user, removed_at__isnull=True).first()
        if user is not None and user.is_authenticated and isinstance(dependant_id, int)
        else None
    )
    if dependant is None:
        raise DependantNotFound(_("You have no such dependant."))
    return dependant


def active_bookings_of_person(user, dependant=None, now=None):
    """The bookings holding a place for one person served: the resident themselves, or one dependant.

    The per-service limits count per person, so a resident booking for an elderly
    parent does not use up their own allowance (nor the parent's theirs).
    """
    return active_bookings_of_account(user, now=now).filter(dependant=dependant)


def active_bookings_of_account(user, now=None):
    """The bookings holding a place under one account: for the resident and for everyone they book for."""
    now = now or timezone.now()
    return Booking.objects.filter(user=user, status__in=Booking.ACTIVE).exclude(
        status=Booking.Status.PENDING_PAYMENT, hold_expires_at__lte=now
    )


def account_limit(service):
    """How many upcoming bookings of ``service`` one account may hold for everyone it books for together
    (0: no limit): the per-person limit for a household of ``BOOKING_PERSONS_PER_ACCOUNT``, however many
    dependants the account has registered."""
    return service.max_active_per_resident * settings.BOOKING_PERSONS_PER_ACCOUNT


def ensure_bookable(
    user,
    slot,
    now=None,
    check_duplicate=True,
    channel=Booking.Channel.ONLINE,
    dependant=None,
    declared_group=None,
    override_reason="",
):
    """Raise the reason a resident cannot book this slot, if there is one; return the eligibility decision.

    ``dependant``: the resident books for this dependant of theirs; the
    resident's rules (duplicates, limits) then count the dependant's bookings,
    and the service's eligibility rules judge the dependant on their own data.
    ``declared_group``: the group the person declares for a service that asks for one ("" for none,
    None where this door does not ask yet). ``override_reason``: at the counter, a clerk books
    despite the eligibility rules that refuse, for this reason (the decision lists them).

    Capacity and duplicates are advisory here (they give the friendliest
    message early); the conditional update in :func:`take_places` and the
    booking's unique constraint are what guarantee them.

    At the counter the resident is standing there: a slot that has begun but
    not ended can still take them, and the places held back for walk-ins count.
    The book-ahead window and the resident's own limits are the same on both
    channels: they are the resident's rules, not the door's.
    """
    now = now or timezone.now()
    service = slot.offering.product
    at_counter = channel == Booking.Channel.COUNTER
    if not slot.is_open:
        raise SlotClosed(_("This time slot has been closed by the provider."))
    if at_counter and slot.ends_at <= now:
        raise SlotClosed(_("This time slot has already ended."))
    if not at_counter and slot.starts_at <= now:
        raise SlotClosed(_("This time slot has already begun or passed."))
    if not at_counter and slot.starts_at <= rules.earliest_online_start(service, now):
        raise SlotClosed(
            _(
                "This time slot starts too soon to book online: book at least %(minutes)d minutes ahead, "
                "or ask at the provider's counter."
            )
            % {"minutes": service.min_notice_minutes}
        )
    if slot.starts_at > rules.booking_horizon(service, now):
        raise SlotClosed(
            _("This time slot cannot be booked yet: bookings open %(days)d days ahead.")
            % {"days": service.book_ahead_days}
        )
    if at_counter and not slot.remaining_at_counter:
        raise SlotFull(_("This time slot is fully booked, the places held for the counter too."))
    if not at_counter and slot.is_full and not lapsed_holds_on(slot, now).exists():
        raise SlotFull(_("This time slot is fully booked. Please choose another time."))
    if user is None or not user.is_authenticated:
        return eligibility.Decision()
    if dependant is not None and dependant.owner_id != user.pk:
        raise DependantNotFound(_("You have no such dependant."))
    decision = ensure_eligible(user, slot, dependant, declared_group, override_reason, channel, now)
    active = active_bookings_of_person(user, dependant, now=now)
    if check_duplicate and active.filter(slot=slot).exists():
        if dependant is not None:
            raise AlreadyBooked(_("%(name)s already has a booking on this time slot.") % {"name": dependant.name})
        raise AlreadyBooked(_("You have already booked this time slot."))
    limit = service.max_active_per_resident
    if limit and active.filter(slot__offering__product=service, slot__ends_at__gt=now).count() >= limit:
        if dependant is not None:
            raise LimitReached(
                _("%(name)s already holds %(limit)d upcoming bookings of this service, the most allowed.")
                % {"name": dependant.name, "limit": limit}
            )
        raise LimitReached(
            _("You already hold %(limit)d upcoming bookings of this service, the most allowed.") % {"limit": limit}
        )
    household = account_limit(service)
    if (
        household
        and active_bookings_of_account(user, now=now)
        .filter(slot__offering__product=service, slot__ends_at__gt=now)
        .count()
        >= household
    ):
        raise LimitReached(
            _(
                "Your account already holds %(limit)d upcoming bookings of this service for you and the people "
                "you book for, the most one account may hold."
            )
            % {"limit": household}
        )
    if service.one_per_day and booked_same_day(active, slot):
        day = local_day(slot.starts_at).isoformat()
        if dependant is not None:
            raise LimitReached(
                _("%(name)s already has a booking of this service on %(day)s: one a day is allowed.")
                % {"name": dependant.name, "day": day}
            )
        raise LimitReached(
            _("You already have a booking of this service on %(day)s: one a day is allowed.") % {"day": day}
        )
    return decision


def ensure_eligible(
    user,
    slot,
    dependant=None,
    declared_group=None,
    override_reason="",
    channel=Booking.Channel.ONLINE,
    now=None,
    exclude=None,
):
    """Raise ``NotEligible`` naming the first rule of the service that refuses the person served.

    Only a clerk at the counter may override, and only with a reason: the decision then lists the
    rules overridden, for the booking's record.
    """
    refusals, decision = eligibility.judge(
        slot.offering.product, slot, user, dependant, declared_group=declared_group, now=now, exclude=exclude
    )
    if not refusals:
        return decision
    override_reason = " ".join(str(override_reason or "").split())
    if channel == Booking.Channel.COUNTER and override_reason:
        decision.overridden = [{"rule": refusal.rule, "reason": override_reason} for refusal in refusals]
        return decision
    refusal = refusals[0]
    raise NotEligible(refusal.message, refusal.rule)


def booked_same_day(active, slot, exclude=None):
    """Whether ``active`` (one person's bookings) holds another booking of the slot's service on its local day."""
    start = start_of_local_day(local_day(slot.starts_at))
    same_day = active.filter(
        slot__offering__product_id=slot.offering.product_id,
        slot__starts_at__gte=start,
        slot__starts_at__lt=start + timedelta(days=1),
    )
    if exclude is not None:
        same_day = same_day.exclude(pk=exclude.pk)
    return same_day.exists()


def reserve_places(order, now=None, pay_on_site=False, dependant=None, mode=None, declared_group=""):
    """Take one place on each line's slot and create its booking (Oscar's checkout door).

    Runs inside the transaction that creates the order: any refusal rolls the
    whole order back.
    """
    wanted = []
    for line in order.lines.prefetch_related("attributes"):
        slot_id = slot_id_of_line(line)
        if slot_id is None:
            raise UnableToPlaceOrder(_("“%(service)s” has no time slot chosen.") % {"service": line.title})
        if line.quantity != 1:
            raise UnableToPlaceOrder(_("Each booking is one place for one person."))
        wanted.append((slot_id, line))
    return take_places(
        order,
        wanted,
        now=now,
        pay_on_site=pay_on_site,
        dependant=dependant,
        mode=mode,
        declared_group=declared_group,
    )


def take_places(
    order,
    wanted,
    now=None,
    known_slots=None,
    note="",
    codes=(),
    channel=Booking.Channel.ONLINE,
    booked_by=None,
    pay_on_site=False,
    dependant=None,
    mode=None,
    declared_group="",
    override_reason="",
):
    """For each (slot id, order line): check the rules, take the place, create the booking.

    ``dependant``: every booking of the order is for this dependant of the order's resident.
    ``declared_group``, ``override_reason``: as :func:`ensure_bookable` takes them; a counter
    override is recorded in the booking's history with the rules it overrode and its reason.

    ``codes`` may name the booking codes to use, in slot order; new ones are drawn otherwise.
    A counter booking (``channel`` COUNTER) may use the held-back places and a slot that
    has begun; it records the staff member who booked and the moment of the resident's consent.

    A paid line booked online awaits payment, its place held for ``PAYMENT_HOLD_MINUTES``,
    unless the resident chose to ``pay_on_site`` and its offering allows that; then it is
    booked at once and the order records the amount to be paid at the provider.

    ``mode``: ``onsite`` or ``online``, the resident's choice for a service offered both ways
    (``online.mode_for``); an online booking's video room is asked for once it commits.
    """
    now = now or timezone.now()
    codes = iter(codes)
    at_counter = channel == Booking.Channel.COUNTER
    # Staff book for the resident at the counter or on the hotline: who, and when the resident agreed.
    for_the_resident = channel in STAFFED_CHANNELS
    slot_ids = [slot_id for slot_id, _line in wanted]
    slots = dict(known_slots or {})
    missing = [slot_id for slot_id in slot_ids if slot_id not in slots]
    if missing:
        slots.update(eligibility.with_rules_flag(Slot.objects.select_related(*SLOT_RELATED)).in_bulk(missing))
    # Serialise one resident's bookings where a rule counts them (a limit, one a day, an eligibility
    # rule), so that two at once count exactly; then lock slots in id order so concurrent orders
    # cannot deadlock. Duplicates need no lock: the booking's unique constraint refuses them.
    if any(counts_bookings_of_person(slot) for slot in slots.values()):
        resident = get_user_model().objects.select_for_update().get(pk=order.user_id)
    else:
        resident = order.user
    bookings = []
    overrides = {}
    for slot_id, line in sorted(wanted, key=lambda item: item[0]):
        slot = slots.get(slot_id)
        if slot is None:
            raise SlotNotFound(_("There is no such time slot."))
        decision = ensure_bookable(
            resident,
            slot,
            now=now,
            check_duplicate=False,
            channel=channel,
            dependant=dependant,
            declared_group=declared_group or "",
            override_reason=override_reason,
        )
        booking_mode = online.mode_for(slot.offering.product, mode)
        if not take_place(slot, now, at_counter=at_counter):
            raise SlotFull(_("This time slot is fully booked. Please choose another time."))
        awaits_payment = (
            not at_counter and line.line_price_incl_tax > 0 and not (pay_on_site and slot.offering.pay_on_site)
        )
        bookings.append(
            Booking(
                code=next(codes, None) or new_booking_code(),
                order=order,
                line=line,
                slot=slot,
                user=resident,
                dependant=dependant,
                status=Booking.Status.PENDING_PAYMENT if awaits_payment else Booking.Status.BOOKED,
                hold_expires_at=now + hold_duration() if awaits_payment else None,
                note=note[:200],
                channel=channel,
                booked_by=booked_by if for_the_resident else None,
                consent_at=now if for_the_resident else None,
                mode=booking_mode,
                declared_group=decision.group,
                evidence=decision.evidence,
            )
        )
        if decision.overridden:
            overrides[bookings[-1].code] = decision.overridden
    try:
        with transaction.atomic():
            Booking.objects.bulk_create(bookings)
    except IntegrityError as error:
        # The resident's own lapsed hold on one of these slots is released, then it is their place to take again.
        released = sum(release_lapsed_holds(slot_id=booking.slot_id, now=now, user=resident) for booking in bookings)
        if not released:
            raise AlreadyBooked(_("You have already booked this time slot.")) from error
        try:
            with transaction.atomic():
                Booking.objects.bulk_create(bookings)
        except IntegrityError as again:
            raise AlreadyBooked(_("You have already booked this time slot.")) from again
    _start_payment_pipeline(order, bookings, channel)
    online.request_room(bookings)
    for booking in bookings:
        audit.record(audit.Action.Code.PLACED, booking, detail={"slot": slot_label(booking.slot)})
        if booking.code in overrides:
            overridden = overrides[booking.code]
            audit.record(
                audit.Action.Code.RULES_OVERRIDDEN,
                booking,
                detail={"rules": [item["rule"] for item in overridden], "reason": overridden[0]["reason"]},
            )
    order.placed_bookings = bookings
    for booking in bookings:
        signals.booking_placed.send(sender=Booking, booking=booking)
    return bookings


STAFFED_CHANNELS = (Booking.Channel.COUNTER, Booking.Channel.HOTLINE, Booking.Channel.GRID)


def slot_label(slot):
    """A slot as the record of who did what names it: its local start and its provider."""
    return f"{timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M} {slot.offering.partner.name}"


def hold_duration():
    return timedelta(minutes=settings.PAYMENT_HOLD_MINUTES)


def _start_payment_pipeline(order, bookings, channel):
    """Oscar's statuses start where the bookings do; the resident's choice to pay on site is
    recorded as an Oscar payment source with the amount to be taken at the provider."""
    for booking in bookings:
        booking.order = order
        if booking.status == Booking.Status.PENDING_PAYMENT:
            follow_booking(booking)
    on_site = sum(
        (
            booking.line.line_price_incl_tax
            for booking in bookings
            if booking.status != Booking.Status.PENDING_PAYMENT and booking.line.line_price_incl_tax > 0
        ),
        start=Decimal("0.00"),
    )
    if on_site and channel in (Booking.Channel.ONLINE, Booking.Channel.HOTLINE, Booking.Channel.GRID):
        source_type, _created = SourceType.objects.get_or_create(code=ON_SITE_SOURCE, defaults={"name": "到场支付"})
        Source.objects.create(
            order=order, source_type=source_type, currency=order.currency, amount_allocated=on_site, reference=""
        )


ON_SITE_SOURCE = "on-site"


def pays_on_site(booking):
    """Whether the resident chose to pay this (paid) booking at the provider."""
    return booking.order.sources.filter(source_type__code=ON_SITE_SOURCE).exists()


def lapsed_holds_on(slot, now=None):
    now = now or timezone.now()
    return Booking.objects.filter(rules.lapsed_hold_filter(now), slot=slot)


def take_place(slot, now, at_counter=False):
    """Take one place on ``slot`` if it can take one now; whether it was taken.

    With :func:`give_back_place`, the only way a slot's ``num_booked`` changes:
    booking online or at the counter, rescheduling, a waiting-list offer, a
    lapsed hold booked again. A conditional UPDATE (DESIGN.md §5), so two
    residents can never take the last place both. Online, the places held back
    for the counter stay free and the slot must start after the service's
    minimum notice; at the counter every place counts and a slot that has
    begun but not ended can still take the resident. Places kept by lapsed
    payment holds are released and taken.

    Once taken, ``slot.num_booked`` is the slot's count as this transaction left it, which holds
    the slot's row until it ends: whoever reads it next (did this booking fill the slot?) asks
    nothing more of the database.
    """
    if at_counter:
        condition = ("ends_at", now, False)
    else:
        condition = ("starts_at", rules.earliest_online_start(slot.offering.product, now), True)

    def attempt():
        taken = _take_one_place(slot.pk, *condition)
        if taken is not None:
            slot.num_booked = taken
        return taken is not None

    taken = attempt() or (release_lapsed_holds(slot_id=slot.pk, now=now) > 0 and attempt())
    if taken:
        # The service page kept for anonymous visitors shows free places: it must not offer this one.
        pagecache.services_changed([slot.offering.product_id])
    return taken


def _take_one_place(slot_id, after_field, moment, online):
    """The conditional UPDATE of :func:`take_place`, written out to return the slot's new count
    (``None``: no place taken): the slot is open, its ``after_field`` is after ``moment``, and a
    place is free (online, short of the places held back for the counter). Django's ``update()``
    answers only how many rows changed, and building its ``F()`` form of this statement cost every
    booking 0.5 ms more (measured)."""
    quote = connection.ops.quote_name

    def column(name):
        return quote(Slot._meta.get_field(name).column)

    booked, capacity = column("num_booked"), column("capacity")
    free = f"{capacity} - {column('counter_capacity')}" if online else capacity
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Slot._meta.db_table)} SET {booked} = {booked} + 1 "
            f"WHERE {column('id')} = %s AND {column('is_open')} AND {column(after_field)} > %s "
            f"AND {booked} <= {free} - 1 RETURNING {booked}",
            [slot_id, connection.ops.adapt_datetimefield_value(moment)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def give_back_place(slot_id):
    """Give one place of the slot back (a cancellation, a lapsed hold or offer, a booking moved away)."""
    if Slot.objects.filter(pk=slot_id, num_booked__gt=0).update(num_booked=F("num_booked") - 1):
        pagecache.services_changed(Slot.objects.filter(pk=slot_id).values_list("offering__product_id", flat=True))


def cancelled_as_lapsed_hold(booking):
    """Whether this cancelled booking was cancelled because its payment hold lapsed (nobody cancelled it)."""
    return booking.status == Booking.Status.CANCELLED and not booking.cancelled_by and booking.hold_expires_at


def release_lapsed_holds(slot_id=None, now=None, user=None):
    """Cancel the bookings whose payment hold has lapsed and give their places back. Returns how many.

    Each booking is released by a conditional UPDATE on its status, so a payment
    confirming it at the same moment and a second release both see it already
    decided; the place is given back exactly once.
    """
    now = now or timezone.now()
    lapsed = Booking.objects.filter(rules.lapsed_hold_filter(now))
    if slot_id is not None:
        lapsed = lapsed.filter(slot_id=slot_id)
    if user is not None:
        lapsed = lapsed.filter(user=user)
    released = 0
    for booking in lapsed.select_related("slot__offering", "line", "order").order_by("pk"):
        with transaction.atomic():
            reason = _("The place was held for payment until %(time)s and no payment arrived.") % {
                "time": timezone.localtime(booking.hold_expires_at).strftime("%Y-%m-%d %H:%M")
            }
            if not Booking.objects.filter(
                pk=booking.pk, status=Booking.Status.PENDING_PAYMENT, hold_expires_at__lte=now
            ).update(status=Booking.Status.CANCELLED, cancelled_at=now, cancelled_by="", cancel_reason=reason[:200]):
                continue
            give_back_place(booking.slot_id)
            booking.status = Booking.Status.CANCELLED
            follow_booking(booking)
            # Nobody cancelled it: whoever's request found the lapsed hold only tidied up.
            audit.record(audit.Action.Code.CANCELLED, booking, detail={"hold_lapsed": True}, by_system=True)
            signals.place_freed.send(sender=Slot, slot=booking.slot)
            released += 1
    return released


def confirm_paid(booking):
    """A booking awaiting payment (locked by the caller) is paid: it is booked, its hold cleared."""
    booking.status = Booking.Status.BOOKED
    booking.hold_expires_at = None
    booking.save(update_fields=["status", "hold_expires_at"])
    follow_booking(booking)
    signals.booking_paid.send(sender=Booking, booking=booking)


def retake_lapsed_place(booking, now=None):
    """Book again a place whose payment hold lapsed before the money came, if the slot still has it.

    The place is taken by the same conditional UPDATE as any booking; on a full,
    closed or past slot, or when the resident has booked the slot again since,
    nothing changes and False is returned (the caller refunds). The caller holds
    the booking's lock.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            if not take_place(booking.slot, now):
                return False
            booking.status = Booking.Status.BOOKED
            booking.hold_expires_at = None
            booking.cancelled_at = None
            booking.cancel_reason = ""
            booking.save(update_fields=["status", "hold_expires_at", "cancelled_at", "cancel_reason"])
    except IntegrityError:
        return False
    follow_booking(booking)
    return True


def book(user, slot_id, note="", now=None, pay_on_site=False, dependant=None, mode=None, declared_group=""):
    """Book one place on a slot for a resident, as an Oscar order (the API's door).

    The web checkout builds its order from the basket; here the order of one
    booking is written directly by the same OrderCreator, with the same rules.
    ``pay_on_site``: the resident will pay a paid service at the provider, where it allows that.
    ``dependant``: the id of the resident's dependant the place is for (None: for themselves).
    ``mode``: ``onsite`` or ``online`` where the service is offered both ways (None: its default).
    ``declared_group``: the group the person declares, for a service for members of a group.
    """
    OrderCreator = get_class("order.utils", "OrderCreator")

    slot = find_slot(slot_id)
    dependant = find_dependant(user, dependant)
    # The slot's own state, checked before any row is written; the resident's
    # rules are checked where they count, inside the order transaction.
    ensure_bookable(None, slot, now=now)
    online.mode_for(slot.offering.product, mode)
    if pay_on_site and slot.offering.price and not slot.offering.pay_on_site:
        raise PayOnSiteNotOffered(_("This provider does not take payment on site for this service: pay online."))
    order = OrderCreator().place_booking_order(
        user,
        slot,
        note=note,
        now=now,
        pay_on_site=pay_on_site,
        dependant=dependant,
        mode=mode,
        declared_group=declared_group,
    )
    (booking,) = order.placed_bookings
    return booking


def book_at_counter(
    staff_user,
    slot_id,
    resident,
    consent,
    note="",
    now=None,
    partner=None,
    dependant=None,
    declared_group="",
    override_reason=None,
):
    """Book one place for a resident who is present at the provider's counter, as an Oscar order.

    The same order path as an online booking, with three differences: the
    places held back for walk-ins may be used, a slot that has begun (but not
    ended) can still take the resident, and the booking records the staff
    member and the moment the resident agreed to be booked for. ``dependant``
    (a Dependant) books the place for one of the resident's dependants. A slot of a
    provider the staff member does not work for (or not of ``partner``, when
    given) is answered exactly like one that does not exist.
    ``override_reason``: the clerk books despite the service's eligibility rules, for this reason
    (required: an empty one is refused); None books only if the rules allow it.
    """
    OrderCreator = get_class("order.utils", "OrderCreator")

    now = now or timezone.now()
    if staff_user is None or not staff_user.is_authenticated or not staff_user.partners.exists():
        raise NotStaff(_("Only the staff of a provider can book at the counter."))
    slots = Slot.objects.select_related(*SLOT_RELATED).filter(offering__partner__users=staff_user)
    if partner is not None:
        slots = slots.filter(offering__partner=partner)
    slot = slots.filter(pk=slot_id).first() if slot_id else None
    if slot is None:
        raise SlotNotFound(_("There is no such time slot."))
    if resident is None or not resident.is_active:
        raise ResidentNotFound(_("There is no such resident."))
    if not consent:
        raise ConsentMissing(
            _("The resident must agree that staff book for them and record their name and phone for this service.")
        )
    if dependant is not None and (dependant.owner_id != resident.pk or dependant.removed_at):
        raise DependantNotFound(_("The resident has no such dependant."))
    if override_reason is not None and not " ".join(str(override_reason).split()):
        raise ReasonMissing(_("Give the reason for booking despite the service's rules."))
    ensure_bookable(None, slot, now=now, channel=Booking.Channel.COUNTER)
    order = OrderCreator().place_booking_order(
        resident,
        slot,
        note=note,
        now=now,
        channel=Booking.Channel.COUNTER,
        booked_by=staff_user,
        dependant=dependant,
        declared_group=declared_group,
        override_reason=override_reason or "",
    )
    (booking,) = order.placed_bookings
    return booking


CONSENT_WORDS = {
    Booking.Channel.HOTLINE: _lazy(
        "The caller must agree on the phone that the hotline books for them and records their name and "
        "phone for this service."
    ),
    Booking.Channel.GRID: _lazy(
        "The resident must agree that their grid worker books for them and records their name and phone for "
        "this service."
    ),
}


def book_for_resident(
    staff_user,
    channel,
    slot_id,
    resident,
    consent,
    note="",
    now=None,
    dependant=None,
    mode=None,
    declared_group="",
):
    """Book one place for a resident who is not at the provider, as an Oscar order: any provider's offering,
    by an operator of the 12348 hotline (``channel`` HOTLINE) or the resident's grid worker (GRID).

    Who may book for whom is the door's rule, checked by its service before it calls this one
    (``marketplace.hotline.services``: an operator, for any caller; ``marketplace.grid.services``: a grid
    worker, for a resident of their grids who agreed): booking knows nothing of operators or grids.

    The resident is not at the provider, so the online rules hold (the places held back for walk-ins
    stay free, the service's minimum notice counts) and so do the resident's own (limits, duplicates,
    eligibility) through ``ensure_bookable``; the booking records the staff member and the moment the
    resident agreed. A paid service is booked to be paid at the provider, where the offering takes
    payment there; one paid online only is for the resident to book online. ``mode`` and
    ``declared_group``: the resident's choices, as :func:`take_places` takes them.
    """
    OrderCreator = get_class("order.utils", "OrderCreator")

    now = now or timezone.now()
    if channel not in CONSENT_WORDS:
        raise NotOperator(_("Booking for a resident is not possible through this door."))
    slot = find_slot(slot_id)
    if resident is None or not resident.is_active:
        raise ResidentNotFound(_("There is no such resident."))
    if not consent:
        raise ConsentMissing(str(CONSENT_WORDS[channel]))
    if dependant is not None and (dependant.owner_id != resident.pk or dependant.removed_at):
        raise DependantNotFound(_("The resident has no such dependant."))
    ensure_bookable(None, slot, now=now, channel=channel)
    if slot.offering.price and not slot.offering.pay_on_site:
        if channel == Booking.Channel.HOTLINE:
            raise PayOnSiteNotOffered(
                _("This service is paid online before the visit: the caller books it online, or at the counter.")
            )
        raise PayOnSiteNotOffered(
            _("This service is paid online before the visit: the resident books it online, or at the counter.")
        )
    order = OrderCreator().place_booking_order(
        resident,
        slot,
        note=note,
        now=now,
        channel=channel,
        booked_by=staff_user,
        pay_on_site=True,
        dependant=dependant,
        mode=mode,
        declared_group=declared_group or "",
    )
    (booking,) = order.placed_bookings
    return booking


def find_offerings(query):
    """Offerings of public services whose service or provider name contains ``query``: what staff who book
    for a resident (the 12348 hotline, the grid worker) book from, any provider's."""
    text = " ".join(str(query or "").split())[:40]
    if not text:
        return []
    return list(
        Offering.objects.filter(Q(product__title__icontains=text) | Q(partner__name__icontains=text))
        .filter(product__is_public=True)
        .select_related("product", "partner")
        .order_by("product__title", "partner__name", "pk")[:OFFERINGS_LISTED]
    )


def offering(offering_id):
    return (
        Offering.objects.filter(pk=offering_id, product__is_public=True).select_related("product", "partner").first()
        if str(offering_id or "").isdigit()
        else None
    )


def slots_for_the_hotline(offering, day, now=None):
    """The offering's slots on ``day`` (local) the hotline can book a caller into, in time order:
    open, far enough ahead to book online, inside the book-ahead window and with a place online."""
    now = now or timezone.now()
    service = offering.product
    start = datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
    slots = (
        Slot.objects.filter(
            offering=offering,
            is_open=True,
            starts_at__gt=rules.earliest_online_start(service, now),
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            num_booked__lt=F("capacity") - F("counter_capacity"),
        )
        .select_related("offering__product", "offering__partner")
        .order_by("starts_at", "pk")
    )
    return [slot for slot in slots if slot.starts_at <= rules.booking_horizon(service, now)]


def slots_for_the_counter(partner, day, offering=None, now=None):
    """The provider's slots on ``day`` (local) a walk-in can still be booked into, in time order.

    Open, not ended, inside the service's book-ahead window and with a place
    left for the counter: what :func:`book_at_counter` would accept.
    """
    now = now or timezone.now()
    start = datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
    slots = (
        Slot.objects.filter(
            offering__partner=partner,
            is_open=True,
            ends_at__gt=now,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            num_booked__lt=F("capacity"),
        )
        .select_related("offering__product")
        .order_by("starts_at", "offering__product__title", "pk")
    )
    if offering is not None:
        slots = slots.filter(offering=offering)
    return [slot for slot in slots if slot.starts_at <= rules.booking_horizon(slot.offering.product, now)]


def can_cancel(booking, now=None):
    return rules.resident_may_cancel(booking, now or timezone.now())


def cancel_booking(booking, by=Booking.CancelledBy.RESIDENT, reason="", now=None, check_deadline=True):
    """Cancel a booking and give its place back to the slot. Cancelling twice is harmless.

    ``check_deadline=False``: a resident who leaves the service frees every place ahead, however soon.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__offering__product", "line", "order")
            .get(pk=booking.pk)
        )
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if not booking.is_cancellable:
            raise NotCancellable(
                _("A booking that is %(status)s can no longer be cancelled.") % {"status": booking.get_status_display()}
            )
        if check_deadline and by == Booking.CancelledBy.RESIDENT and now > cancel_deadline(booking):
            raise TooLate(
                _("It is too late to cancel online: this service can be cancelled up to %(hours)d hours before.")
                % {"hours": booking.slot.offering.product.cancel_until_hours}
            )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = by
        booking.cancel_reason = reason[:200]
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        give_back_place(booking.slot_id)
        follow_booking(booking)
        audit.record(audit.Action.Code.CANCELLED, booking, detail={"cancelled_by": by, "reason": booking.cancel_reason})
        signals.booking_cancelled.send(sender=Booking, booking=booking, by=by, reason=booking.cancel_reason)
        signals.place_freed.send(sender=Slot, slot=booking.slot)
    booking.slot.refresh_from_db(fields=["num_booked"])
    return booking


def bookings_ahead(user, now=None):
    """The account's bookings (for the resident and their dependants) still to come and still cancellable."""
    now = now or timezone.now()
    return Booking.objects.filter(user=user, status__in=Booking.CANCELLABLE, slot__starts_at__gt=now)


def withdraw_account(user, reason, now=None):
    """Everything a resident who leaves still holds, given back: each booking ahead is cancelled the usual
    way (its place back to the slot, a refund queued if it was paid, the usual notice and record), and each
    place in a waiting line is left (an offered place passes to the next in line). Returns the cancelled
    bookings. Bookings already visited, missed or in the past are history and stay as they are."""
    from marketplace.booking import waitlist  # the waitlist module imports this one

    now = now or timezone.now()
    WaitlistEntry = get_model("booking", "WaitlistEntry")
    cancelled = [
        cancel_booking(booking, reason=reason, now=now, check_deadline=False) for booking in bookings_ahead(user, now)
    ]
    for entry_id in WaitlistEntry.objects.filter(user=user, status__in=WaitlistEntry.IN_LINE).values_list(
        "pk", flat=True
    ):
        waitlist.leave(user, entry_id, now=now)
    return cancelled


def cancelled_message(booking):
    return _("Booking %(code)s is cancelled and the place is free for someone else.") % {"code": booking.code}


def follow_booking(booking):
    """Oscar's line and order follow the booking's status: the one place they change.

    Through Oscar's own ``set_status`` (its pipeline, in settings, knows every
    step a booking takes), never by a bulk update around it. The order takes
    the status once all its bookings share it.
    """
    line, order = booking.line, booking.order
    if line.status != booking.status:
        line.set_status(booking.status)
    statuses = set(order.bookings.values_list("status", flat=True))
    if statuses == {booking.status} and order.status != booking.status:
        order.set_status(booking.status)


def bookings_of(user):
    return (
        Booking.objects.filter(user=user)
        .select_related("slot__offering__product", "slot__offering__partner", "order", "line", "dependant")
        .prefetch_related("payments__refunds")
        .order_by("-created_at", "-pk")
    )


# Provider side: check-in and no-shows (the console and the API both come through here).


class NotStaff(BookingError):
    code = "not_staff"


class BookingNotFound(BookingError):
    code = "not_found"


def own_booking(user, code):
    """A resident's booking by its code; somebody else's is answered exactly like one that does not exist."""
    booking = bookings_of(user).filter(code=code.strip().upper()).first()
    if booking is None:
        raise BookingNotFound(_("You have no booking with this code."))
    return booking


class CheckInNotOpen(BookingError):
    code = "check_in_not_open"


class CheckInClosed(BookingError):
    code = "check_in_closed"


class NotToday(BookingError):
    """Refused on another day than the slot's: API.md's ``not_today``, whichever side of the window."""

    code = "not_today"


class NotCheckable(BookingError):
    code = "not_checkable"


class NotEnded(BookingError):
    code = "not_ended"


class NotMarkable(BookingError):
    code = "not_markable"


def bookings_at_providers_of(user):
    """The bookings on slots of the providers ``user`` works for, and no others."""
    if user is None or not user.is_authenticated:
        return Booking.objects.none()
    return Booking.objects.filter(slot__offering__partner__users=user).select_related(
        "slot__offering__product", "slot__offering__partner", "order", "line", "dependant"
    )


class BadCheckinToken(BookingError):
    code = "bad_token"


def _normalised_code(code):
    # Codes are read aloud or typed from a slip: "abcd efgh" is ABCDEFGH.
    return "".join(str(code or "").split()).upper()


# QR check-in: the QR code holds "<booking code>:<signature>". A scanner types it into the
# same field as a typed code (console form and API both allow 32 characters), so the
# signature is Django's HMAC-SHA256 signer's, cut to 16 URL-safe base64 characters
# (96 bits): plenty against guessing, and it keeps the QR small and easy to read.
CHECKIN_SALT = "booking.checkin"
CHECKIN_SEP = ":"
CHECKIN_SIGNATURE_LENGTH = 16


def _checkin_signer():
    return signing.Signer(salt=CHECKIN_SALT)


def checkin_token(booking):
    """The signed text a booking's QR code carries; ``code_from_scan`` reads it back."""
    signature = _checkin_signer().signature(booking.code)[:CHECKIN_SIGNATURE_LENGTH]
    return f"{booking.code}{CHECKIN_SEP}{signature}"


def code_from_scan(text):
    """The booking code in what staff typed or scanned: a check-in token or a typed code.

    A token whose signature does not match (forged, tampered with, misread) raises
    ``BadCheckinToken``; it never falls back to the code it names.
    """
    text = str(text or "").strip()
    if CHECKIN_SEP not in text:
        return _normalised_code(text)
    code, _sep, signature = text.partition(CHECKIN_SEP)
    signer = _checkin_signer()
    if code and len(signature) == CHECKIN_SIGNATURE_LENGTH:
        # Tokens made before a SECRET_KEY rotation still work while the old key is a fallback.
        for key in (signer.key, *signer.fallback_keys):
            expected = signer.signature(code, key=key)[:CHECKIN_SIGNATURE_LENGTH]
            if constant_time_compare(signature, expected):
                return code
    raise BadCheckinToken(_("This QR code is not valid. Please type the booking code instead."))


def _locked_booking_at_providers_of(staff_user, code):
    """Find and lock a booking of the staff member's providers; call inside a transaction."""
    if not staff_user.is_authenticated or not staff_user.partners.exists():
        raise NotStaff(_("Only the staff of a provider can record visits."))
    code = _normalised_code(code_from_scan(code))
    booking = (
        bookings_at_providers_of(staff_user).select_for_update(of=("self",)).filter(code__iexact=code).first()
        if code
        else None
    )
    if booking is None:
        # Another provider's booking is answered exactly like one that does not exist.
        raise BookingNotFound(_("No booking with this code at your provider."))
    return booking


def _outside_check_in_window(booking, window, now):
    zone = timezone.get_default_timezone()
    starts_at = timezone.localtime(booking.slot.starts_at, zone)
    # The clerk is told the same either way; the code keeps API.md's ``not_today`` for another day.
    other_day = timezone.localtime(now, zone).date() != starts_at.date()
    values = {
        "code": booking.code,
        "day": f"{starts_at:%Y-%m-%d}",
        "start": f"{starts_at:%H:%M}",
        "end": f"{timezone.localtime(booking.slot.ends_at, zone):%H:%M}",
    }
    if window == rules.EARLY:
        opens_at = timezone.localtime(rules.check_in_opens_at(booking), zone)
        return (NotToday if other_day else CheckInNotOpen)(
            _(
                "Booking %(code)s is for %(day)s at %(start)s. Check-in opens %(minutes)s minutes before the "
                "appointment: from %(opens)s."
            )
            % {**values, "minutes": settings.CHECK_IN_OPENS_MINUTES, "opens": f"{opens_at:%Y-%m-%d %H:%M}"}
        )
    return (NotToday if other_day else CheckInClosed)(
        _(
            "Booking %(code)s was for %(day)s, %(start)s–%(end)s. That time has ended, so it can no longer be "
            "checked in."
        )
        % values
    )


def check_in(staff_user, code, now=None):
    """Record that the resident of booking ``code`` has arrived. Checking in twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking_at_providers_of(staff_user, code)
        if booking.status == Booking.Status.CHECKED_IN:
            return booking
        if booking.is_online:
            raise NotCheckable(
                _(
                    "Booking %(code)s is an online consultation: it is checked in when the resident joins its "
                    "video room."
                )
                % {"code": booking.code}
            )
        if not booking.is_expected:
            raise NotCheckable(
                _("Booking %(code)s is %(status)s and cannot be checked in.")
                % {"code": booking.code, "status": booking.get_status_display()}
            )
        window = rules.check_in_window(booking, now)
        if window != rules.OPEN:
            raise _outside_check_in_window(booking, window, now)
        booking.status = Booking.Status.CHECKED_IN
        booking.save(update_fields=["status"])
        follow_booking(booking)
        audit.record(audit.Action.Code.CHECKED_IN, booking)
    return booking


class NoEvidenceToCheck(BookingError):
    code = "not_checkable"


def evidence_not_shown(staff_user, code, now=None):
    """The resident of a booking for members of a group came without the evidence of the group they
    declared: the booking is cancelled by the provider with that reason and its place given back
    (the resident is told, as of any cancellation by the provider). Only while they can be checked in."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking_at_providers_of(staff_user, code)
        if not booking.evidence:
            raise NoEvidenceToCheck(_("Booking %(code)s asks for no evidence.") % {"code": booking.code})
        if not booking.is_expected:
            raise NotCheckable(
                _("Booking %(code)s is %(status)s and cannot be checked in.")
                % {"code": booking.code, "status": booking.get_status_display()}
            )
        window = rules.check_in_window(booking, now)
        if window != rules.OPEN:
            raise _outside_check_in_window(booking, window, now)
        return cancel_booking(
            booking,
            by=Booking.CancelledBy.PROVIDER,
            reason=_("The evidence of the declared group was not shown: %(evidence)s.")
            % {"evidence": booking.evidence},
            now=now,
        )


def mark_no_show(staff_user, code, now=None):
    """Record that the resident of booking ``code`` did not come. Marking twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking_at_providers_of(staff_user, code)
        if booking.status == Booking.Status.NO_SHOW:
            return booking
        if not booking.is_expected:
            raise NotMarkable(
                _("Booking %(code)s is %(status)s and cannot be marked as a no-show.")
                % {"code": booking.code, "status": booking.get_status_display()}
            )
        if not rules.no_show_markable(booking, now):
            raise NotEnded(
                _("Booking %(code)s can be marked as a no-show only after its time slot has ended.")
                % {"code": booking.code}
            )
        booking.status = Booking.Status.NO_SHOW
        booking.save(update_fields=["status"])
        follow_booking(booking)
        audit.record(audit.Action.Code.NO_SHOW, booking)
    return booking


NO_SHOW_BATCH = 500  # rows locked per transaction by the nightly job


def mark_no_shows(now=None):
    """Mark every expected booking whose slot has ended as a no-show (nightly). Returns how many.

    Works in batches, each its own transaction, so the job never holds many
    locks for long; running it again finds nothing left to do.
    """
    now = now or timezone.now()
    # rules.no_show_markable, as a query.
    due = Booking.objects.filter(status__in=Booking.EXPECTED, slot__ends_at__lte=now)
    marked = 0
    while True:
        with transaction.atomic():
            batch = list(
                due.select_for_update(of=("self",))
                .select_related("line", "order", "slot__offering")
                .order_by("pk")[:NO_SHOW_BATCH]
            )
            if not batch:
                return marked
            Booking.objects.filter(pk__in=[booking.pk for booking in batch]).update(status=Booking.Status.NO_SHOW)
            orders = {}
            for booking in batch:
                booking.status = Booking.Status.NO_SHOW
                # One instance per order, so an order of several bookings changes status once.
                booking.order = orders.setdefault(booking.order_id, booking.order)
                follow_booking(booking)
            audit.record_bookings(audit.Action.Code.NO_SHOW, batch)
            marked += len(batch)

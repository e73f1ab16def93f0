"""Weekly plans and slot places as provider staff change them: the console's one path.

The generator (``providers.scheduling``) already keeps booked slots exactly as
they are whatever a rule says. What it cannot do is tell staff that the plan
they are saving asks for fewer places than residents already hold; that
refusal lives here, before anything is written, so every door (console pages,
later the API) gives one clear message and changes nothing.

"Booked" counts two ways: ``num_booked`` is every place taken (online and at
the counter) and must fit in the capacity; the places booked online must also
fit in what the plan leaves online (capacity minus the places held for
walk-ins), or the walk-in places it promises would not exist.
"""

import copy
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.booking.services import slot_label as booking_slot_label
from marketplace.errors import DomainError
from providers import scheduling, staff
from providers.models import ALL_WEEKDAYS, ScheduleRule, Slot
from providers.signals import slots_changed

Booking = get_model("booking", "Booking")
StockRecord = get_model("partner", "StockRecord")

# What staff may set on a plan; everything else on the rule is not theirs to change.
PLAN_FIELDS = (
    "offering",
    "weekdays",
    "opens_at",
    "closes_at",
    "breaks",
    "slot_minutes",
    "capacity",
    "counter_capacity",
    "valid_from",
    "valid_to",
    "is_active",
)

# More places than any counter serves in a slot; also keeps a typo far from the database's integer limit.
MAX_PLACES = 9999


class PlanError(DomainError):
    """A plan or slot edit was refused; ``errors`` maps form fields to messages."""

    code = "plan_error"

    def __init__(self, message, field=None):
        super().__init__(message)
        self.errors = {field: [message]}


class PlanNotFound(PlanError):
    """Another provider's plan, slot or console answers exactly like one that does not exist."""

    code = "not_found"


class InvalidPlan(PlanError):
    code = "invalid"

    @classmethod
    def from_validation_error(cls, error):
        errors = error.message_dict
        first = next(iter(errors.values()))[0]
        invalid = cls(first)
        invalid.errors = {None if field == "__all__" else field: messages for field, messages in errors.items()}
        return invalid


class BelowBooked(PlanError):
    code = "below_booked"


class SlotOver(PlanError):
    code = "slot_over"


@dataclass(frozen=True)
class PlanSaved:
    rule: ScheduleRule
    created: int
    removed: int


def rules_of(partner):
    return (
        ScheduleRule.objects.filter(offering__partner=partner)
        .select_related("offering__product")
        .order_by("offering__product__title", "offering_id", "valid_from", "opens_at", "pk")
    )


def slots_of(partner):
    return Slot.objects.filter(offering__partner=partner)


def day_slots(partner, day, offering=None):
    """The provider's slots starting on ``day`` (local), per service then in time order."""
    slots = (
        slots_of(partner)
        .filter(starts_at__gte=scheduling.day_start(day), starts_at__lt=scheduling.day_start(day + timedelta(days=1)))
        .select_related("offering__product")
        .order_by("offering__product__title", "offering_id", "starts_at", "pk")
    )
    if offering is not None:
        slots = slots.filter(offering=offering)
    return slots


def _employer(staff_user, partner):
    provider = staff.provider_of(staff_user, getattr(partner, "pk", partner))
    if provider is None:
        raise PlanNotFound(_("Only the staff of this provider can change its weekly plans and slots."))
    return provider


def slot_is_over(slot, now=None):
    """A slot is over once it has ended: its places can no longer be changed."""
    return slot.ends_at <= (now or timezone.now())


def online_places(rule_or_slot):
    return rule_or_slot.capacity - rule_or_slot.counter_capacity


def slot_label(slot):
    """ "Wed December 2 09:00" / "星期三 12月2日 09:00": the slot as staff would say it."""
    local = timezone.localtime(slot.starts_at, scheduling.local_zone())
    return f"{formats.date_format(local, 'D')} {formats.date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


def _too_few_places(slot):
    return BelowBooked(
        ngettext(
            "%(slot)s already has %(booked)d place booked: the places per slot cannot be fewer than %(booked)d.",
            "%(slot)s already has %(booked)d places booked: the places per slot cannot be fewer than %(booked)d.",
            slot.num_booked,
        )
        % {"slot": slot_label(slot), "booked": slot.num_booked},
        field="capacity",
    )


def _too_many_held(slot, capacity):
    return BelowBooked(
        ngettext(
            "%(slot)s already has %(booked)d place booked online: at most %(most)d of %(capacity)d places "
            "can be held for walk-ins.",
            "%(slot)s already has %(booked)d places booked online: at most %(most)d of %(capacity)d places "
            "can be held for walk-ins.",
            slot.online_booked,
        )
        % {
            "slot": slot_label(slot),
            "booked": slot.online_booked,
            "most": max(capacity - slot.online_booked, 0),
            "capacity": capacity,
        },
        field="counter_capacity",
    )


def with_online_booked(slots):
    """Annotate ``online_booked``: the places of residents who booked online and still hold them."""
    return slots.annotate(
        online_booked=Count(
            "bookings",
            filter=Q(bookings__status__in=Booking.ACTIVE, bookings__channel=Booking.Channel.ONLINE),
        )
    )


def _planned_by(rule, slots, calendar):
    """The slots among ``slots`` that ``rule`` plans: its offering, day (official calendar considered) and start.

    Closures are left out on purpose: closing cancels a slot's bookings, so a
    closed slot never holds places this check could be about.
    """
    zone = scheduling.local_zone()
    starts = {opens for opens, _closes in scheduling.rule_starts(rule)}
    for slot in slots:
        local = timezone.localtime(slot.starts_at, zone)
        day = local.date()
        weekday = scheduling.working_weekday(day, calendar)
        if (
            weekday is not None
            and slot.offering_id == rule.offering_id
            and rule.plans_on(day, weekday)
            and local.time() in starts
        ):
            yield slot


def _ensure_places_for_bookings(before, edited, now):
    """Refuse an edit that lowers the places below what a booked future slot of the plan already holds.

    Only a lowering is checked: a slot whose places staff raised by hand must
    not block an unrelated edit of its plan (its bookings are kept anyway).
    The plan's slots are those its old or its new version plans.
    """
    if not edited.is_active:
        return  # an inactive plan asks for no places; its booked slots stay as they are
    fewer_places = before is None or edited.capacity < before.capacity
    fewer_online = before is None or online_places(edited) < online_places(before)
    if not (fewer_places or fewer_online):
        return
    rules = [edited] if before is None else [before, edited]
    booked = list(
        with_online_booked(
            Slot.objects.filter(
                offering_id__in={rule.offering_id for rule in rules}, starts_at__gt=now, num_booked__gt=0
            )
        ).order_by("starts_at", "pk")
    )
    if not booked:
        return
    first, last = (
        timezone.localtime(slot.starts_at, scheduling.local_zone()).date() for slot in (booked[0], booked[-1])
    )
    calendar = scheduling.official_days(first, last + timedelta(days=1))
    planned = {slot.pk for rule in rules for slot in _planned_by(rule, booked, calendar)}
    for slot in booked:
        if slot.pk not in planned:
            continue
        if fewer_places and edited.capacity < slot.num_booked:
            raise _too_few_places(slot)
        if fewer_online and online_places(edited) < slot.online_booked:
            raise _too_many_held(slot, edited.capacity)


def save_plan(staff_user, partner, rule, data, days=scheduling.DEFAULT_DAYS, now=None):
    """Create (``rule`` None) or change a weekly plan of the provider and bring its slots in line at once.

    ``data`` maps :data:`PLAN_FIELDS` to values (a form's cleaned data). Free
    future slots follow the new plan; booked ones are kept exactly.
    Returns :class:`PlanSaved`; raises a :class:`PlanError` and writes nothing otherwise.
    """
    now = now or timezone.now()
    provider = _employer(staff_user, partner)
    with transaction.atomic():
        before = None
        if rule is not None:
            # Locked, so two staff members saving the same plan at once are checked one after the other.
            before = rules_of(provider).select_for_update(of=("self",)).filter(pk=rule.pk).first()
            if before is None:
                raise PlanNotFound(_("This provider has no such weekly plan."))
        edited = copy.copy(before) if before is not None else ScheduleRule()
        for field in PLAN_FIELDS:
            if field in data:
                setattr(edited, field, data[field])
        if (
            edited.offering_id is not None
            and not StockRecord.objects.filter(pk=edited.offering_id, partner=provider).exists()
        ):
            raise InvalidPlan(_("This provider has no such service."), field="offering")
        try:
            edited.full_clean()
        except ValidationError as error:
            raise InvalidPlan.from_validation_error(error) from error
        if edited.capacity > MAX_PLACES:
            raise InvalidPlan(_("A slot can have at most %(most)d places.") % {"most": MAX_PLACES}, field="capacity")
        _ensure_places_for_bookings(before, edited, now)
        created, removed = scheduling.save_rule(edited, days=days, now=now)
    return PlanSaved(edited, created, removed)


def delete_plan(staff_user, partner, rule, days=scheduling.DEFAULT_DAYS, now=None):
    """Delete a weekly plan of the provider; the free future slots only it planned go, booked ones stay.

    Returns how many slots were removed.
    """
    provider = _employer(staff_user, partner)
    with transaction.atomic():
        rule = rules_of(provider).select_for_update(of=("self",)).filter(pk=getattr(rule, "pk", rule)).first()
        if rule is None:
            raise PlanNotFound(_("This provider has no such weekly plan."))
        _created, removed = scheduling.delete_rule(rule, days=days, now=now)
    return removed


def set_slot_capacity(staff_user, slot, capacity, counter_capacity, now=None):
    """Change one slot's places and the places of it held for walk-ins.

    Refused below the places booked. The conditional UPDATE is what makes that
    hold against a booking racing in: it waits for the booking's transaction
    and re-checks ``num_booked`` against the new capacity. Returns the slot.
    """
    now = now or timezone.now()
    slot_id = getattr(slot, "pk", slot)
    slot = Slot.objects.filter(pk=slot_id, offering__partner__in=staff.providers_of(staff_user)).first()
    if slot is None:
        raise PlanNotFound(_("Your provider has no such time slot."))
    if slot_is_over(slot, now):
        raise SlotOver(_("This time slot is over: its places can no longer be changed."))
    errors = {}
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = [_("A slot needs at least one place.")]
    elif capacity > MAX_PLACES:
        errors["capacity"] = [_("A slot can have at most %(most)d places.") % {"most": MAX_PLACES}]
    elif not isinstance(counter_capacity, int) or not 0 <= counter_capacity <= capacity:
        errors["counter_capacity"] = [_("Places held for walk-ins cannot exceed the places per slot.")]
    if errors:
        raise InvalidPlan.from_validation_error(ValidationError(errors))
    with transaction.atomic():
        changed = Slot.objects.filter(pk=slot.pk, num_booked__lte=capacity).update(
            capacity=capacity, counter_capacity=counter_capacity
        )
        current = with_online_booked(Slot.objects.filter(pk=slot.pk)).first()
        if current is None:
            raise PlanNotFound(_("Your provider has no such time slot."))
        if not changed:
            raise _too_few_places(current)
        # The row is locked by the update now: every online booking of the slot has committed and is counted.
        if capacity - counter_capacity < current.online_booked:
            raise _too_many_held(current, capacity)  # rolls the update back
        slots_changed.send(Slot, offering_ids={current.offering_id})
        audit.record(
            audit.Action.Code.SLOT_CHANGED,
            provider=slot.offering.partner_id,
            detail={"slot": booking_slot_label(current), "capacity": capacity, "counter_capacity": counter_capacity},
        )
    return current


# How a plan reads in the console: "星期一至星期五 09:00–12:00, 14:00–17:00 · 30 分钟 · 每段 2 人（窗口保留 1）".


def _weekday_runs(mask):
    runs, run = [], []
    for day in range(7):
        if mask & (1 << day):
            run.append(day)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def describe_weekdays(mask):
    if mask == ALL_WEEKDAYS:
        return _("Every day")
    parts = []
    for run in _weekday_runs(mask):
        if len(run) >= 3:
            parts.append(_("%(first)s to %(last)s") % {"first": WEEKDAYS[run[0]], "last": WEEKDAYS[run[-1]]})
        else:
            parts.extend(str(WEEKDAYS[day]) for day in run)
    return pgettext("separator between days of the week", ", ").join(parts)


def describe_hours(rule):
    """The opening hours cut by the breaks: "09:00–12:00, 14:00–17:00"."""
    periods, cursor = [], rule.opens_at
    for start, end in rule.break_times():
        periods.append((cursor, start))
        cursor = end
    periods.append((cursor, rule.closes_at))
    return pgettext("separator between opening periods", ", ").join(
        f"{start:%H:%M}–{end:%H:%M}" for start, end in periods
    )


def describe_places(rule_or_slot):
    places = ngettext("%(capacity)d place per slot", "%(capacity)d places per slot", rule_or_slot.capacity) % {
        "capacity": rule_or_slot.capacity
    }
    if not rule_or_slot.counter_capacity:
        return places
    return _("%(places)s (%(held)d held for walk-ins)") % {"places": places, "held": rule_or_slot.counter_capacity}


def describe_plan(rule):
    minutes = ngettext("%(minutes)d minute", "%(minutes)d minutes", rule.slot_minutes) % {"minutes": rule.slot_minutes}
    return " · ".join([f"{describe_weekdays(rule.weekdays)} {describe_hours(rule)}", minutes, describe_places(rule)])


def describe_validity(rule):
    if rule.valid_to is None:
        return _("valid from %(first)s") % {"first": rule.valid_from.isoformat()}
    return _("valid from %(first)s to %(last)s") % {
        "first": rule.valid_from.isoformat(),
        "last": rule.valid_to.isoformat(),
    }

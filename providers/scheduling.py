"""Slots from weekly plans: materialise a rolling window, idempotently.

Each active :class:`ScheduleRule` of an offering says on which weekdays, in
which hours and in what steps the offering can be booked; the official
calendar (:class:`CalendarDay`) closes holidays and turns make-up workdays
(调休) into the weekday they stand in for; a provider's closures
(:class:`Closure`) close its days, whole or for one offering. Generation only ever inserts
missing slots (the unique (offering, starts_at) constraint makes concurrent
runs harmless); re-generation after a rule edit removes only future slots
nobody has ever booked. The admin, the nightly command and (later) the
provider console all come through here.
"""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from marketplace.audit import services as audit
from providers.models import CalendarDay, ScheduleRule, Slot
from providers.signals import slots_changed

DEFAULT_DAYS = 28
BATCH_SIZE = 10_000  # rows per INSERT (60,000 parameters, under PostgreSQL's 65,535): 3 reads + slots / BATCH_SIZE


def local_zone():
    return timezone.get_default_timezone()  # Asia/Shanghai: no daylight saving, so combine() is exact


def day_start(day):
    """Local midnight (Asia/Shanghai) at the start of ``day``, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def rule_starts(rule):
    """The (start, end) local times of one day under ``rule``: opening hours cut by the breaks."""
    length = timedelta(minutes=rule.slot_minutes)
    periods, cursor = [], rule.opens_at
    for start, end in rule.break_times():
        periods.append((cursor, start))
        cursor = end
    periods.append((cursor, rule.closes_at))
    anchor = date(2000, 1, 3)  # any date: times are stepped as datetimes, then cut back to times
    times = []
    for start, end in periods:
        moment, limit = datetime.combine(anchor, start), datetime.combine(anchor, end)
        while moment + length <= limit:
            times.append((moment.time(), (moment + length).time()))
            moment += length
    return times


def working_weekday(day, calendar):
    """The weekday whose plans apply on ``day``: None on a holiday, the stood-in weekday on a make-up workday."""
    special = calendar.get(day)
    if special is None:
        return day.weekday()
    if special.kind == CalendarDay.Kind.HOLIDAY:
        return None
    return special.works_as_weekday


def planned_slots(rules, start, end, calendar, now):
    """Unsaved slots the ``rules`` ask for on the days [start, end), keyed by (offering id, starts_at).

    The first rule (by pk) wins where two rules of one offering plan the same start.
    """
    zone = local_zone()
    planned = {}
    day_times = {rule.pk: rule_starts(rule) for rule in rules}
    day = start
    while day < end:
        weekday = working_weekday(day, calendar)
        if weekday is None:
            day += timedelta(days=1)
            continue
        for rule in rules:
            if not rule.plans_on(day, weekday) or day in rule.closed_days:
                continue
            for opens, closes in day_times[rule.pk]:
                starts_at = datetime.combine(day, opens, tzinfo=zone)
                key = (rule.offering_id, starts_at)
                if starts_at <= now or key in planned:
                    continue
                planned[key] = Slot(
                    offering_id=rule.offering_id,
                    starts_at=starts_at,
                    ends_at=datetime.combine(day, closes, tzinfo=zone),
                    capacity=rule.capacity,
                    counter_capacity=rule.counter_capacity,
                )
        day += timedelta(days=1)
    return planned


def active_rules(offering_ids, start, end):
    """The active rules for the days [start, end), by pk, each with ``closed_days``: the days it must not plan.

    The provider's closures of the window come in the same query (one row per
    rule and closure), so closures cost no extra read, whatever the number of
    offerings.
    """
    in_window = FilteredRelation(
        "offering__partner__closures",
        condition=Q(offering__partner__closures__starts_on__lt=end, offering__partner__closures__ends_on__gte=start),
    )
    rows = (
        ScheduleRule.objects.filter(is_active=True, valid_from__lt=end)
        .exclude(valid_to__lt=start)
        .annotate(closure=in_window)
        .annotate(
            closed_from=F("closure__starts_on"), closed_to=F("closure__ends_on"), closed_offering=F("closure__offering")
        )
    )
    if offering_ids is not None:
        rows = rows.filter(offering_id__in=offering_ids)
    rules = {}
    for row in rows.order_by("pk"):
        rule = rules.setdefault(row.pk, row)
        if rule is row:
            rule.closed_days = set()
        # A closure of the whole provider (no offering) or of this rule's offering.
        if row.closed_from is not None and row.closed_offering in (None, rule.offering_id):
            day, last = max(row.closed_from, start), min(row.closed_to, end - timedelta(days=1))
            while day <= last:
                rule.closed_days.add(day)
                day += timedelta(days=1)
    return list(rules.values())


def official_days(start, end):
    """The holidays and make-up workdays of [start, end), by date."""
    return {day.date: day for day in CalendarDay.objects.filter(date__gte=start, date__lt=end)}


def window(start, days, now):
    start = start or timezone.localdate(now)
    return start, start + timedelta(days=days)


def generate_slots(offerings=None, start=None, days=DEFAULT_DAYS, now=None):
    """Create the missing slots of the active rules for the days [start, start + days).

    ``offerings``: stock records or their ids (all offerings with rules when None).
    Existing slots are never changed; slots starting before ``now`` are not made.
    Returns (created, removed) — removed is always 0 here. ``created`` counts
    the slots this run found missing; a concurrent run may have inserted some
    of them first (they are then skipped by the unique constraint).
    """
    now = now or timezone.now()
    start, end = window(start, days, now)
    offering_ids = None if offerings is None else [getattr(o, "pk", o) for o in offerings]
    rules = active_rules(offering_ids, start, end)
    if not rules:
        return 0, 0
    planned = planned_slots(rules, start, end, official_days(start, end), now)
    zone = local_zone()
    existing = Slot.objects.filter(
        offering_id__in={rule.offering_id for rule in rules} if offering_ids is None else offering_ids,
        starts_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=zone),
        starts_at__lt=datetime.combine(end, datetime.min.time(), tzinfo=zone),
    ).values_list("offering_id", "starts_at")
    for key in existing:
        planned.pop(key, None)
    Slot.objects.bulk_create(planned.values(), batch_size=BATCH_SIZE, ignore_conflicts=True)
    if planned:
        slots_changed.send(Slot, offering_ids={offering_id for offering_id, _start in planned})
    return len(planned), 0


def regenerate_for_offering(offering, days=DEFAULT_DAYS, now=None):
    """Make the offering's future slots follow its rules again.

    Future slots nobody ever booked (no booking row at all, cancelled ones
    included) that the rules no longer plan — or plan with other hours or
    capacity — are deleted; then the missing ones are generated. Booked slots
    stay exactly as they are. Returns (created, removed).
    """
    now = now or timezone.now()
    offering_id = getattr(offering, "pk", offering)
    start, end = window(None, days, now)
    with transaction.atomic():
        # Locked, so a booking arriving meanwhile waits and then finds its slot gone or kept.
        free = list(
            # A lecture request's session (add_session_slot) is no plan's: it stays whatever the plans say.
            Slot.objects.filter(
                offering_id=offering_id,
                starts_at__gt=now,
                num_booked=0,
                bookings__isnull=True,
                outreach_matter__isnull=True,
            )
            .select_for_update(of=("self",))
            .values_list("pk", "starts_at", "ends_at", "capacity", "counter_capacity")
        )
        if free:
            last = max(row[1] for row in free)
            end = max(end, timezone.localtime(last).date() + timedelta(days=1))
        planned = planned_slots(active_rules([offering_id], start, end), start, end, official_days(start, end), now)
        stale = [
            pk
            for pk, starts_at, ends_at, capacity, counter_capacity in free
            if (wanted := planned.get((offering_id, starts_at))) is None
            or (wanted.ends_at, wanted.capacity, wanted.counter_capacity) != (ends_at, capacity, counter_capacity)
        ]
        removed = Slot.objects.filter(pk__in=stale).delete()[1].get(Slot._meta.label, 0) if stale else 0
        if removed:
            slots_changed.send(Slot, offering_ids={offering_id})
        created, _removed = generate_slots([offering_id], start=start, days=days, now=now)
    return created, removed


def regenerate_for_rule(rule, days=DEFAULT_DAYS, now=None):
    return regenerate_for_offering(rule.offering_id, days=days, now=now)


def save_rule(rule, days=DEFAULT_DAYS, now=None):
    """Save an edited or new rule and bring its offering's slots in line at once.

    Recorded here, not by each door: the console (``providers.plans``) and the admin both save through it.
    """
    with transaction.atomic():
        new = rule.pk is None
        moved_from = ScheduleRule.objects.filter(pk=rule.pk).exclude(offering_id=rule.offering_id).first()
        rule.save()
        created, removed = regenerate_for_rule(rule, days=days, now=now)
        if moved_from is not None:  # the rule now plans another offering: free the old one's slots
            removed += regenerate_for_offering(moved_from.offering_id, days=days, now=now)[1]
        audit.record(
            audit.Action.Code.PLAN_SAVED,
            provider=rule.offering.partner_id,
            detail={
                "plan": rule.pk,
                "new": new,
                "offering": rule.offering_id,
                "slots_made": created,
                "slots_removed": removed,
            },
        )
        return created, removed


def delete_rule(rule, days=DEFAULT_DAYS, now=None):
    """Delete a rule; the free future slots only it planned go with it. Recorded here, as :func:`save_rule`."""
    offering_id, plan_id = rule.offering_id, rule.pk
    with transaction.atomic():
        rule.delete()
        created, removed = regenerate_for_offering(offering_id, days=days, now=now)
        audit.record(
            audit.Action.Code.PLAN_DELETED,
            provider=rule.offering.partner_id,
            detail={"plan": plan_id, "offering": offering_id, "slots_removed": removed},
        )
        return created, removed


class SlotTaken(Exception):
    """The offering already has a slot starting at that time."""


def add_session_slot(offering, starts_at, ends_at, capacity):
    """A slot made for one organisation's audience (a lecture request of 法律九进), outside the weekly plans:
    its places are the audience's, none of them online (every place held back, and the slot closed to
    booking), so residents never see or book it. Kept by re-generation while a matter names it."""
    if Slot.objects.filter(offering=offering, starts_at=starts_at).exists():
        raise SlotTaken
    try:
        with transaction.atomic():
            slot = Slot.objects.create(
                offering=offering,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity,
                counter_capacity=capacity,
                is_open=False,
            )
    except IntegrityError:
        raise SlotTaken from None
    audit.record(
        audit.Action.Code.SESSION_SCHEDULED,
        provider=offering.partner_id,
        detail={"offering": offering.pk, "slot": slot.pk, "capacity": capacity},
    )
    return slot

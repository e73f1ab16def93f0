"""Slots from weekly plans (providers.scheduling): windows, the official calendar, idempotence, edits."""

import importlib
import io
import math
import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from marketplace.booking.services import book
from providers.models import CalendarDay, ScheduleRule, Slot
from providers.scheduling import BATCH_SIZE, generate_slots, regenerate_for_rule, save_rule
from tests.conftest import needs_postgres

calendar_migration = importlib.import_module("providers.migrations.0010_official_calendar_2026_2027")

MON_TO_FRI = 0b0011111
WEDNESDAY = 2
ZONE = timezone.get_default_timezone()


def at(day, hour=0, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def local_starts(queryset):
    return [timezone.localtime(slot.starts_at) for slot in queryset.order_by("starts_at")]


def days_with_slots(offering):
    return sorted({start.date() for start in local_starts(Slot.objects.filter(offering=offering))})


@pytest.fixture
def official_calendar(db):
    """The data migration's days. Loaded again here (it is idempotent) because a
    transactional test elsewhere may have flushed the migrated rows."""
    calendar_migration.load(apps, None)


@pytest.fixture
def make_rule(offering):
    def make(**fields):
        values = {
            "offering": offering,
            "weekdays": MON_TO_FRI,
            "opens_at": time(9),
            "closes_at": time(17),
            "breaks": [["12:00", "14:00"]],
            "slot_minutes": 60,
            "capacity": 3,
            "valid_from": date(2026, 1, 1),
        } | fields
        rule = ScheduleRule(**values)
        rule.full_clean()
        rule.save()
        return rule

    return make


@pytest.mark.parametrize(
    ("start", "days", "expected_days"),
    [
        # month end: Mon 30 Nov → Fri 4 Dec, the weekend left out
        (date(2026, 11, 30), 7, [date(2026, 11, 30)] + [date(2026, 12, d) for d in (1, 2, 3, 4)]),
        # year end: Mon 28 Dec → Sun 3 Jan; 1 Jan 2027 is New Year's Day
        (date(2026, 12, 28), 7, [date(2026, 12, d) for d in (28, 29, 30, 31)]),
    ],
)
def test_generation_across_month_and_year_end(official_calendar, offering, make_rule, start, days, expected_days):
    make_rule()

    created, removed = generate_slots(start=start, days=days, now=at(start - timedelta(days=1)))

    assert (created, removed) == (6 * len(expected_days), 0)
    assert days_with_slots(offering) == expected_days
    first = Slot.objects.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at) == at(expected_days[0], 9)
    assert first.ends_at - first.starts_at == timedelta(hours=1)
    assert first.capacity == 3 and first.num_booked == 0 and first.is_open


def test_breaks_leave_gaps_and_periods_restart_after_a_break(db, offering, make_rule):
    make_rule(slot_minutes=45, breaks=[["11:50", "13:15"]], closes_at=time(15))
    day = date(2026, 11, 30)

    generate_slots(start=day, days=1, now=at(day))

    starts = [f"{start:%H:%M}" for start in local_starts(Slot.objects.all())]
    assert starts == ["09:00", "09:45", "10:30", "13:15", "14:00"]  # 11:15 would run into the break


def test_a_holiday_has_no_slots_and_a_makeup_saturday_follows_its_weekday(official_calendar, offering, make_rule):
    make_rule()
    make_rule(weekdays=1 << WEDNESDAY, opens_at=time(18), closes_at=time(19), breaks=[], slot_minutes=30)
    start = date(2026, 9, 28)  # Mon; National Day 1–7 Oct; Sat 10 Oct is a make-up day working as a Wednesday

    generate_slots(start=start, days=14, now=at(start))

    assert days_with_slots(offering) == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    ]
    saturday = [f"{s:%H:%M}" for s in local_starts(Slot.objects.filter(starts_at__date=date(2026, 10, 10)))]
    assert saturday == ["09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "18:00", "18:30"]


def test_running_twice_creates_nothing_new(official_calendar, offering, make_rule):
    make_rule()
    start = date(2026, 12, 1)
    assert generate_slots(start=start, days=28, now=at(start))[0] == 6 * 20  # 1–28 Dec 2026: 20 weekdays
    count = Slot.objects.count()

    assert generate_slots(start=start, days=28, now=at(start)) == (0, 0)
    assert Slot.objects.count() == count


def test_slots_already_begun_are_not_made(db, offering, make_rule):
    make_rule()
    day = date(2026, 11, 30)

    generate_slots(start=day, days=1, now=at(day, 10, 30))

    assert [f"{s:%H:%M}" for s in local_starts(Slot.objects.all())] == ["11:00", "14:00", "15:00", "16:00"]


def test_valid_from_and_valid_to_bound_generation(db, offering, make_rule):
    make_rule(valid_from=date(2026, 12, 2), valid_to=date(2026, 12, 3))
    start = date(2026, 11, 30)

    generate_slots(start=start, days=14, now=at(start))

    assert days_with_slots(offering) == [date(2026, 12, 2), date(2026, 12, 3)]


def test_inactive_rules_make_no_slots(db, offering, make_rule):
    make_rule(is_active=False)
    assert generate_slots(start=date(2026, 11, 30), days=7, now=at(date(2026, 11, 29))) == (0, 0)
    assert not Slot.objects.exists()


def inserts_and_reads(captured):
    inserts = [query for query in captured if query["sql"].startswith("INSERT")]
    return len(inserts), len(captured) - len(inserts)


def test_queries_do_not_grow_with_the_slots_of_an_offering(official_calendar, offering, make_rule):
    make_rule(slot_minutes=30)
    start = date(2026, 11, 30)

    with CaptureQueriesContext(connection) as week:
        created_week, _removed = generate_slots(start=start, days=7, now=at(start))
    Slot.objects.all().delete()
    with CaptureQueriesContext(connection) as month:
        created_month, _removed = generate_slots(start=start, days=28, now=at(start))

    assert created_month == 4 * created_week == 4 * 5 * 12

    # The same reads whatever the window: rules, calendar, existing slots, and the search
    # index's next open slot of the offering's service (its offering, its booking window's
    # rules, document, slots), and the service whose kept pages go stale (marketplace/pagecache.py).
    def selects(captured):
        return len([query for query in captured if query["sql"].startswith("SELECT")])

    assert selects(week.captured_queries) == selects(month.captured_queries) == 8
    # Inserts are bulk: one per batch of rows. SQLite caps a statement at 999
    # parameters (166 slots); PostgreSQL takes BATCH_SIZE slots per statement.
    fields = [field for field in Slot._meta.concrete_fields if not field.primary_key]
    rows_per_insert = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * BATCH_SIZE))
    assert inserts_and_reads(month.captured_queries)[0] == math.ceil(created_month / rows_per_insert)
    if rows_per_insert >= created_month:
        assert inserts_and_reads(month.captured_queries)[0] == inserts_and_reads(week.captured_queries)[0] == 1


def test_a_rule_edit_keeps_the_booked_slot_and_moves_the_free_ones(official_calendar, offering, make_rule, resident):
    # A fixed week without holidays: from 1 October the next seven days have none of the rule's slots.
    now = at(date(2026, 11, 30), 8)
    rule = make_rule(weekdays=0b1111111, opens_at=time(9), closes_at=time(12), breaks=[], valid_from=date(2026, 1, 1))
    generate_slots(days=7, now=now)
    booked = Slot.objects.order_by("starts_at").first()
    booking = book(resident, booked.pk, now=now)
    booked.refresh_from_db()

    rule.slot_minutes = 90
    rule.capacity = 5
    rule.full_clean()
    created, removed = save_rule(rule, days=7, now=now)

    kept = Slot.objects.get(pk=booked.pk)
    assert (kept.starts_at, kept.ends_at, kept.capacity, kept.num_booked) == (
        booked.starts_at,
        booked.ends_at,
        3,
        1,
    )
    assert kept.bookings.get() == booking
    free = Slot.objects.exclude(pk=booked.pk)
    assert {(f"{timezone.localtime(s.starts_at):%H:%M}", s.capacity) for s in free} <= {("09:00", 5), ("10:30", 5)}
    assert not free.filter(num_booked__gt=0).exists()
    assert removed > 0 and created > 0
    # The free slots of every other day follow the new plan exactly.
    other_days = {timezone.localtime(s.starts_at).date() for s in free} - {timezone.localtime(booked.starts_at).date()}
    for day in other_days:
        day_starts = [f"{s:%H:%M}" for s in local_starts(free.filter(starts_at__date=day))]
        assert day_starts == ["09:00", "10:30"]
    assert regenerate_for_rule(rule, days=7, now=now) == (0, 0)


def test_deactivating_a_rule_removes_only_its_free_slots(official_calendar, offering, make_rule, resident):
    now = at(date(2026, 11, 30), 8)  # three working days ahead, whatever today is
    rule = make_rule(weekdays=0b1111111, breaks=[])
    generate_slots(days=3, now=now)
    booked = Slot.objects.order_by("starts_at").first()
    book(resident, booked.pk, now=now)

    rule.is_active = False
    created, removed = save_rule(rule, days=3, now=now)

    assert created == 0 and removed > 0
    assert list(Slot.objects.all()) == [booked]


def errors_of(**fields):
    values = {
        "weekdays": MON_TO_FRI,
        "opens_at": time(9),
        "closes_at": time(17),
        "breaks": [],
        "slot_minutes": 30,
        "capacity": 2,
        "valid_from": date(2026, 12, 1),
    } | fields
    with translation.override("en"):
        try:
            ScheduleRule(**values).full_clean(exclude=["offering"])
        except ValidationError as error:
            return error.message_dict
    pytest.fail("the rule was accepted")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"closes_at": time(9)}, "closes_at", "The closing time must be after the opening time."),
        ({"breaks": [["13:00", "12:00"]]}, "breaks", "Each break needs a start and an end time (HH:MM), the end"),
        ({"breaks": [["noon", "13:00"]]}, "breaks", "Each break needs a start and an end time (HH:MM), the end"),
        ({"breaks": [["08:00", "10:00"]]}, "breaks", "The break 08:00–10:00 must lie inside the opening hours."),
        (
            {"breaks": [["12:00", "13:00"], ["12:30", "14:00"]]},
            "breaks",
            "The breaks 12:00–13:00 and 12:30–14:00 overlap.",
        ),
        ({"slot_minutes": 0}, "slot_minutes", "A slot must last at least one minute."),
        ({"capacity": 0, "counter_capacity": 0}, "capacity", "A slot needs at least one place."),
        ({"counter_capacity": 3}, "counter_capacity", "Places held for walk-ins cannot exceed the places per slot."),
        ({"valid_to": date(2026, 11, 30)}, "valid_to", "The last valid day cannot be before the first."),
        ({"weekdays": 0}, "weekdays", "Choose at least one day of the week."),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(db, fields, field, message):
    errors = errors_of(**fields)
    assert any(text.startswith(message) for text in errors[field]), errors


def test_the_command_generates_and_reports(db, offering, make_rule):
    make_rule(weekdays=0b1111111, valid_from=timezone.localdate())
    out = io.StringIO()

    # Longer than any run of official holidays (the Spring Festival's nine days), which have no slots,
    # and than the rest of today, which may be over.
    with translation.override("en"):
        call_command("generate_slots", "--days", "14", stdout=out)

    count = Slot.objects.count()
    assert count > 0
    assert f"Slots for the next 14 days: {count} created, 0 removed." in out.getvalue()


def test_the_official_calendar_loads_idempotently_and_reversibly(db):
    calendar_migration.load(apps, None)
    calendar_migration.load(apps, None)
    days = CalendarDay.objects.filter(date__year=2026)
    assert days.filter(kind=CalendarDay.Kind.HOLIDAY).count() == 3 + 9 + 3 + 5 + 3 + 3 + 7
    makeup = dict(days.filter(kind=CalendarDay.Kind.MAKEUP_WORKDAY).values_list("date", "works_as_weekday"))
    assert set(makeup) == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert all(day.weekday() >= 5 for day in makeup)  # make-up days are weekend days
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "春节"
    total = CalendarDay.objects.count()

    calendar_migration.unload(apps, None)
    assert CalendarDay.objects.count() == 0
    calendar_migration.load(apps, None)
    assert CalendarDay.objects.count() == total


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_generators_running_at_once_make_each_slot_once(official_calendar, offering, make_rule):
    make_rule()
    start = date(2026, 11, 30)
    runners = 4
    barrier = threading.Barrier(runners)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            generate_slots(start=start, days=28, now=at(start))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    weekdays = [start + timedelta(days=i) for i in range(28) if (start + timedelta(days=i)).weekday() < 5]
    assert Slot.objects.count() == 6 * len(weekdays)  # no holiday between 30 Nov and 27 Dec 2026
    assert Slot.objects.values("starts_at").distinct().count() == Slot.objects.count()

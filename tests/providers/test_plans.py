"""Weekly plans and slot places changed by provider staff (providers.plans): safe edits, one provider's own only."""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from catalog.services import add_offering
from marketplace.answers import status_for
from marketplace.booking import services
from marketplace.booking.models import Booking
from providers import plans
from providers.models import ALL_WEEKDAYS, ScheduleRule, Slot
from tests.conftest import needs_postgres

ZH_WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def today():
    return services.local_day(timezone.now())


def plan(offering, **fields):
    return {
        "offering": offering,
        "weekdays": ALL_WEEKDAYS,
        "opens_at": time(9),
        "closes_at": time(12),
        "breaks": [],
        "slot_minutes": 60,
        "capacity": 3,
        "counter_capacity": 0,
        "valid_from": today(),
        "valid_to": None,
        "is_active": True,
    } | fields


def slots_state():
    return set(
        Slot.objects.values_list(
            "pk", "offering_id", "starts_at", "ends_at", "capacity", "counter_capacity", "num_booked", "is_open"
        )
    )


def rule_state(rule):
    return ScheduleRule.objects.filter(pk=rule.pk).values().get()


def next_slot(offering):
    """The offering's first slot at least an hour ahead, so booking it is never a race with the clock."""
    return Slot.objects.filter(offering=offering, starts_at__gt=timezone.now() + timedelta(hours=1)).earliest(
        "starts_at"
    )


@pytest.fixture
def residents(make_user):
    return [make_user(email=f"resident{n}@example.com", phone=f"1390000{n:04d}") for n in range(6)]


def book_places(slot, residents, count):
    return [services.book(resident, slot.pk) for resident in residents[:count]]


@pytest.fixture
def rule(staff, provider, offering):
    return plans.save_plan(staff, provider, None, plan(offering)).rule


def english_label(slot):
    local = timezone.localtime(slot.starts_at)
    return f"{local:%a} {local:%B} {local.day} {local:%H:%M}"


def test_a_new_plan_makes_its_slots_at_once(staff, provider, offering):
    saved = plans.save_plan(staff, provider, None, plan(offering))

    assert saved.rule.pk is not None
    assert saved.removed == 0
    assert saved.created == Slot.objects.filter(offering=offering).count() > 0
    assert {timezone.localtime(s.starts_at).strftime("%H:%M") for s in Slot.objects.all()} <= {
        "09:00",
        "10:00",
        "11:00",
    }
    assert set(Slot.objects.values_list("capacity", flat=True)) == {3}


def test_lowering_the_places_below_a_booked_slot_is_refused_and_changes_nothing(
    staff, provider, offering, rule, residents
):
    slot = next_slot(offering)
    book_places(slot, residents, 3)
    rule_before, slots_before = rule_state(rule), slots_state()

    with translation.override("en"), pytest.raises(plans.BelowBooked) as refused:
        plans.save_plan(staff, provider, rule, plan(offering, capacity=2, slot_minutes=30))

    assert refused.value.message == (
        f"{english_label(slot)} already has 3 places booked: the places per slot cannot be fewer than 3."
    )
    assert refused.value.errors == {"capacity": [refused.value.message]}
    assert (refused.value.code, status_for(refused.value)) == ("below_booked", 409)
    assert rule_state(rule) == rule_before
    assert slots_state() == slots_before
    slot.refresh_from_db()
    assert slot.num_booked == 3 and slot.bookings.count() == 3


def test_the_refusal_names_the_slot_in_chinese_by_default(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    book_places(slot, residents, 3)

    with translation.override("zh-hans"), pytest.raises(plans.BelowBooked) as refused:
        plans.save_plan(staff, provider, rule, plan(offering, capacity=1))

    local = timezone.localtime(slot.starts_at)
    assert refused.value.message.startswith(
        f"{ZH_WEEKDAYS[local.weekday()]} {local.month}月{local.day}日 {local:%H:%M}"
    )
    assert "3" in refused.value.message


def test_the_first_booked_slot_in_time_is_named(staff, provider, offering, rule, residents):
    early, late = list(Slot.objects.filter(starts_at__gt=timezone.now() + timedelta(hours=1)).order_by("starts_at"))[:2]
    book_places(late, residents, 3)
    book_places(early, residents[3:], 2)

    with translation.override("en"), pytest.raises(plans.BelowBooked) as refused:
        plans.save_plan(staff, provider, rule, plan(offering, capacity=1))

    assert refused.value.message.startswith(f"{english_label(early)} already has 2 places booked")


def test_places_down_to_what_is_booked_are_fine_and_the_booked_slot_is_kept(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    bookings = book_places(slot, residents, 2)

    saved = plans.save_plan(staff, provider, rule, plan(offering, capacity=2))

    kept = Slot.objects.get(pk=slot.pk)
    assert (kept.starts_at, kept.ends_at, kept.capacity, kept.num_booked) == (slot.starts_at, slot.ends_at, 3, 2)
    assert set(kept.bookings.all()) == set(bookings)
    assert set(Slot.objects.exclude(pk=slot.pk).values_list("capacity", flat=True)) == {2}
    assert saved.removed == saved.created == Slot.objects.count() - 1


def test_an_edit_with_bookings_moves_only_the_free_slots(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    (booking,) = book_places(slot, residents, 1)
    before = slots_state()
    booked_row = next(row for row in before if row[0] == slot.pk)

    saved = plans.save_plan(
        staff, provider, rule, plan(offering, slot_minutes=30, capacity=4, breaks=[["10:00", "10:30"]])
    )

    after = slots_state()
    assert booked_row in after
    assert Booking.objects.get(pk=booking.pk).slot_id == slot.pk
    free = Slot.objects.exclude(pk=slot.pk)
    assert set(free.values_list("capacity", "num_booked")) == {(4, 0)}
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in free)
    assert {f"{timezone.localtime(s.starts_at):%H:%M}" for s in free} <= {"09:00", "09:30", "10:30", "11:00", "11:30"}
    assert saved.removed == len(before - after) and saved.created == len(after - before)
    assert saved.removed > 0 and saved.created > 0


def test_an_unrelated_edit_is_not_blocked_by_a_slot_staff_enlarged_by_hand(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    plans.set_slot_capacity(staff, slot, 5, 0)
    book_places(slot, residents, 4)

    saved = plans.save_plan(staff, provider, rule, plan(offering, valid_to=today() + timedelta(days=60)))

    assert saved.rule.valid_to == today() + timedelta(days=60)
    slot.refresh_from_db()
    assert (slot.capacity, slot.num_booked) == (5, 4)


def test_held_back_places_may_not_eat_into_online_bookings(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    online, _second, at_counter = book_places(slot, residents, 3)
    Booking.objects.filter(pk=at_counter.pk).update(channel=Booking.Channel.COUNTER)
    slots_before = slots_state()

    with translation.override("en"), pytest.raises(plans.BelowBooked) as refused:
        plans.save_plan(staff, provider, rule, plan(offering, counter_capacity=2))

    assert refused.value.message == (
        f"{english_label(slot)} already has 2 places booked online: at most 1 of 3 places can be held for walk-ins."
    )
    assert refused.value.errors == {"counter_capacity": [refused.value.message]}
    assert slots_state() == slots_before
    assert rule_state(rule)["counter_capacity"] == 0

    # The counter booking sits on a held-back place: one held place still leaves room for both online bookings.
    saved = plans.save_plan(staff, provider, rule, plan(offering, counter_capacity=1))
    assert saved.rule.counter_capacity == 1


def test_a_slot_the_plan_no_longer_makes_still_counts_when_lowering(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    book_places(slot, residents, 3)

    with pytest.raises(plans.BelowBooked):
        plans.save_plan(staff, provider, rule, plan(offering, capacity=1, opens_at=time(14), closes_at=time(17)))


def test_deactivating_a_plan_keeps_its_booked_slots(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    book_places(slot, residents, 3)

    saved = plans.save_plan(staff, provider, rule, plan(offering, capacity=1, is_active=False))

    assert saved.created == 0 and saved.removed > 0
    assert list(Slot.objects.values_list("pk", "capacity", "num_booked")) == [(slot.pk, 3, 3)]


def test_a_second_plan_of_the_offering_is_not_blocked_by_the_first_ones_slots(
    staff, provider, offering, rule, residents
):
    book_places(next_slot(offering), residents, 3)

    saved = plans.save_plan(staff, provider, None, plan(offering, opens_at=time(14), closes_at=time(16), capacity=1))

    assert saved.created > 0


def test_invalid_plans_are_refused_with_the_rules_messages(staff, provider, offering):
    with translation.override("en"), pytest.raises(plans.InvalidPlan) as refused:
        plans.save_plan(staff, provider, None, plan(offering, opens_at=time(12), closes_at=time(9)))

    assert refused.value.errors["closes_at"] == ["The closing time must be after the opening time."]
    assert status_for(refused.value) == 400
    assert not ScheduleRule.objects.exists() and not Slot.objects.exists()


def test_staff_of_another_provider_can_neither_add_change_nor_delete(other_staff, provider, offering, staff, rule):
    rule_before, slots_before = rule_state(rule), slots_state()

    with pytest.raises(plans.PlanNotFound) as refused:
        plans.save_plan(other_staff, provider, None, plan(offering))
    assert status_for(refused.value) == 404
    with pytest.raises(plans.PlanNotFound):
        plans.save_plan(other_staff, provider, rule, plan(offering, capacity=1))
    with pytest.raises(plans.PlanNotFound):
        plans.delete_plan(other_staff, provider, rule)

    assert ScheduleRule.objects.count() == 1
    assert rule_state(rule) == rule_before
    assert slots_state() == slots_before


def test_residents_and_anonymous_visitors_cannot_save(resident, provider, offering):
    from django.contrib.auth.models import AnonymousUser

    for user in (resident, AnonymousUser()):
        with pytest.raises(plans.PlanNotFound):
            plans.save_plan(user, provider, None, plan(offering))
    assert not ScheduleRule.objects.exists()


def test_another_providers_offering_is_refused(staff, provider, other_provider, service):
    other_offering = add_offering(service, other_provider)

    with pytest.raises(plans.InvalidPlan) as refused:
        plans.save_plan(staff, provider, None, plan(other_offering))

    assert list(refused.value.errors) == ["offering"]
    assert not ScheduleRule.objects.exists() and not Slot.objects.exists()


def test_a_plan_of_another_provider_cannot_be_reached_through_this_one(
    staff, provider, other_provider, service, other_staff
):
    other_provider.users.add(staff)  # works for both, acts in A's console
    other_rule = plans.save_plan(other_staff, other_provider, None, plan(add_offering(service, other_provider))).rule
    before = rule_state(other_rule)

    with pytest.raises(plans.PlanNotFound):
        plans.save_plan(staff, provider, other_rule, {"capacity": 9})
    with pytest.raises(plans.PlanNotFound):
        plans.delete_plan(staff, provider, other_rule)

    assert rule_state(other_rule) == before


def test_deleting_a_plan_removes_its_free_slots_and_keeps_the_booked_ones(staff, provider, offering, rule, residents):
    slot = next_slot(offering)
    book_places(slot, residents, 1)
    free = Slot.objects.exclude(pk=slot.pk).count()

    removed = plans.delete_plan(staff, provider, rule)

    assert removed == free
    assert not ScheduleRule.objects.exists()
    assert list(Slot.objects.values_list("pk", "num_booked")) == [(slot.pk, 1)]


# One slot's places


def test_a_slots_places_can_be_raised_and_lowered_to_what_is_booked(staff, offering, make_slot, residents):
    slot = make_slot(offering, capacity=3)
    book_places(slot, residents, 2)

    assert plans.set_slot_capacity(staff, slot, 6, 2).capacity == 6
    slot.refresh_from_db()
    assert (slot.capacity, slot.counter_capacity, slot.remaining) == (6, 2, 2)

    plans.set_slot_capacity(staff, slot, 2, 0)
    slot.refresh_from_db()
    assert (slot.capacity, slot.counter_capacity, slot.num_booked, slot.is_full) == (2, 0, 2, True)


def test_a_slots_places_below_the_booked_ones_are_refused(staff, offering, make_slot, residents):
    slot = make_slot(offering, capacity=3)
    book_places(slot, residents, 3)

    with translation.override("en"), pytest.raises(plans.BelowBooked) as refused:
        plans.set_slot_capacity(staff, slot, 2, 0)

    assert refused.value.message == (
        f"{english_label(slot)} already has 3 places booked: the places per slot cannot be fewer than 3."
    )
    slot.refresh_from_db()
    assert (slot.capacity, slot.num_booked) == (3, 3)


def test_held_back_places_of_a_slot_may_not_eat_into_its_online_bookings(staff, offering, make_slot, residents):
    slot = make_slot(offering, capacity=4)
    book_places(slot, residents, 2)

    with pytest.raises(plans.BelowBooked) as refused:
        plans.set_slot_capacity(staff, slot, 4, 3)

    assert list(refused.value.errors) == ["counter_capacity"]
    slot.refresh_from_db()
    assert (slot.capacity, slot.counter_capacity) == (4, 0)
    plans.set_slot_capacity(staff, slot, 4, 2)
    slot.refresh_from_db()
    assert slot.counter_capacity == 2 and slot.is_full


@pytest.mark.parametrize(
    ("capacity", "counter_capacity", "field"),
    [
        (0, 0, "capacity"),
        (-1, 0, "capacity"),
        (10_000, 0, "capacity"),
        (3, 4, "counter_capacity"),
        (3, -1, "counter_capacity"),
    ],
)
def test_impossible_slot_places_are_refused(staff, offering, make_slot, capacity, counter_capacity, field):
    slot = make_slot(offering, capacity=3)

    with pytest.raises(plans.InvalidPlan) as refused:
        plans.set_slot_capacity(staff, slot, capacity, counter_capacity)

    assert list(refused.value.errors) == [field]
    slot.refresh_from_db()
    assert (slot.capacity, slot.counter_capacity) == (3, 0)


def test_a_slot_that_is_over_keeps_its_places(staff, offering, make_slot):
    slot = make_slot(offering, starts_in=-timedelta(hours=2), capacity=3)

    with pytest.raises(plans.SlotOver):
        plans.set_slot_capacity(staff, slot, 5, 0)

    slot.refresh_from_db()
    assert slot.capacity == 3


def test_staff_of_another_provider_cannot_change_a_slot(other_staff, resident, offering, make_slot):
    slot = make_slot(offering, capacity=3)

    for user in (other_staff, resident):
        with pytest.raises(plans.PlanNotFound):
            plans.set_slot_capacity(user, slot, 9, 0)

    slot.refresh_from_db()
    assert slot.capacity == 3


# The readable plan


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([0, 1, 2, 3, 4], "Monday to Friday"),
        ([0, 2, 4], "Monday, Wednesday, Friday"),
        ([0, 1, 2, 5], "Monday to Wednesday, Saturday"),
        ([5, 6], "Saturday, Sunday"),
        (list(range(7)), "Every day"),
    ],
)
def test_weekdays_read_as_ranges(days, expected):
    with translation.override("en"):
        assert plans.describe_weekdays(ScheduleRule.weekday_mask(days)) == expected


def test_a_plan_reads_as_one_line(offering):
    rule = ScheduleRule(
        offering=offering,
        weekdays=0b0011111,
        opens_at=time(9),
        closes_at=time(17),
        breaks=[["12:00", "14:00"]],
        slot_minutes=30,
        capacity=2,
        counter_capacity=1,
        valid_from=today(),
    )

    with translation.override("en"):
        assert plans.describe_plan(rule) == (
            "Monday to Friday 09:00–12:00, 14:00–17:00 · 30 minutes · 2 places per slot (1 held for walk-ins)"
        )


# Bookings racing a capacity cut (PostgreSQL only: SQLite serialises writers)

RACERS = 8


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_booking_racing_a_capacity_cut_never_slips_under_it(staff, offering, make_slot, make_user):
    """Cut a slot's places to exactly what is booked while residents race for its last place.

    Either the cut lands first (every racer is refused) or one racer does (the
    cut is refused): never both, whichever thread the database lets in first.
    """
    for round_number in range(4):
        slot = make_slot(offering, starts_in=timedelta(days=1, hours=round_number), capacity=3)
        for n in range(2):
            services.book(
                make_user(email=f"early{round_number}-{n}@example.com", phone=f"137{round_number:02d}{n:06d}"), slot.pk
            )
        racers = [
            make_user(email=f"racer{round_number}-{n}@example.com", phone=f"138{round_number:02d}{n:06d}")
            for n in range(RACERS)
        ]
        barrier = threading.Barrier(RACERS + 1)
        outcomes = {"booked": 0, "full": 0, "cut": None, "errors": []}
        lock = threading.Lock()

        def book(resident, slot=slot, barrier=barrier, outcomes=outcomes, lock=lock):
            try:
                barrier.wait(timeout=30)
                services.book(resident, slot.pk)
                with lock:
                    outcomes["booked"] += 1
            except services.SlotFull:
                with lock:
                    outcomes["full"] += 1
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcomes["errors"].append(error)
            finally:
                connection.close()

        def cut(slot=slot, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=30)
                plans.set_slot_capacity(staff, slot, 2, 0)
                outcomes["cut"] = True
            except plans.BelowBooked:
                outcomes["cut"] = False
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcomes["errors"].append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=book, args=(racer,)) for racer in racers] + [threading.Thread(target=cut)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert outcomes["errors"] == []
        slot.refresh_from_db()
        active = Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).count()
        assert active == slot.num_booked <= slot.capacity
        if outcomes["cut"]:
            assert (slot.capacity, slot.num_booked, outcomes["booked"], outcomes["full"]) == (2, 2, 0, RACERS)
        else:
            assert outcomes["cut"] is False
            assert (slot.capacity, slot.num_booked, outcomes["booked"], outcomes["full"]) == (3, 3, 1, RACERS - 1)

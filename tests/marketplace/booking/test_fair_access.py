"""Fair access: the per-service limits count per person served, the resident and each dependant."""

from datetime import datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.answers import status_for
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.users.services import add_dependant
from providers.models import Slot


@pytest.fixture
def mother(resident):
    return add_dependant(resident, "王秀英", "parent", "13700001111")


@pytest.fixture
def son(resident):
    return add_dependant(resident, "张小明", "child")


def places(*slots):
    return [Slot.objects.get(pk=slot.pk).num_booked for slot in slots]


def tomorrow_at(hour, days=1):
    day = timezone.localtime(timezone.now(), timezone.get_default_timezone()).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def day_slot(offering):
    def make(hour, days=1, capacity=3):
        starts_at = tomorrow_at(hour, days)
        return Slot.objects.create(
            offering=offering, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=capacity
        )

    return make


def test_each_person_served_may_hold_the_per_resident_limit(resident, mother, son, make_slot, offering, service):
    assert service.max_active_per_resident == 2
    slots = [make_slot(offering, starts_in=timedelta(days=1, hours=hour)) for hour in range(4)]

    for person in (None, mother, son):
        services.book(resident, slots[0].pk, dependant=person and person.pk)
        services.book(resident, slots[1].pk, dependant=person and person.pk)

    for person in (None, mother, son):
        with pytest.raises(services.LimitReached):
            services.book(resident, slots[2].pk, dependant=person and person.pk)
    assert places(*slots) == [3, 3, 0, 0]
    assert Booking.objects.filter(user=resident, dependant=mother).count() == 2
    assert Booking.objects.filter(user=resident, dependant=None).count() == 2


def test_the_limit_message_names_the_dependant(resident, mother, make_slot, offering):
    first, second, third = (make_slot(offering, starts_in=timedelta(days=1, hours=h)) for h in range(3))
    services.book(resident, first.pk, dependant=mother.pk)
    services.book(resident, second.pk, dependant=mother.pk)

    with pytest.raises(services.LimitReached) as refused:
        services.book(resident, third.pk, dependant=mother.pk)

    assert "王秀英" in refused.value.message
    assert status_for(refused.value) == 409


def test_a_dependant_takes_a_place_of_their_own_on_the_same_slot(resident, mother, slot):
    mine = services.book(resident, slot.pk)
    theirs = services.book(resident, slot.pk, dependant=mother.pk)

    assert (mine.dependant, theirs.dependant) == (None, mother)
    assert theirs.order.user == resident
    with pytest.raises(services.AlreadyBooked):
        services.book(resident, slot.pk, dependant=mother.pk)
    with pytest.raises(services.AlreadyBooked):
        services.book(resident, slot.pk)
    assert places(slot) == [2]


def test_one_per_day_refuses_a_second_booking_on_the_same_local_day(resident, mother, service, day_slot):
    service.one_per_day = True
    service.max_active_per_resident = 0
    service.save()
    morning, afternoon, next_day = day_slot(9), day_slot(15), day_slot(9, days=2)
    services.book(resident, morning.pk)

    with pytest.raises(services.LimitReached) as refused:
        services.book(resident, afternoon.pk)

    assert refused.value.code == "limit_reached"
    assert tomorrow_at(9).date().isoformat() in refused.value.message
    assert places(afternoon) == [0]
    assert services.book(resident, next_day.pk).status == "booked"
    # The rule is per person: the resident's mother may come the same afternoon.
    assert services.book(resident, afternoon.pk, dependant=mother.pk).dependant == mother
    assert places(morning, afternoon, next_day) == [1, 1, 1]


def test_one_per_day_counts_local_days_not_utc_days(resident, service, day_slot):
    # 07:30 and 08:30 in Kunming are on either side of midnight UTC, yet the same local day.
    service.one_per_day = True
    service.max_active_per_resident = 0
    service.save()
    early = day_slot(7)
    later = day_slot(8)
    services.book(resident, early.pk)

    with pytest.raises(services.LimitReached):
        services.book(resident, later.pk)


def test_one_per_day_is_free_again_once_the_first_is_cancelled(resident, service, day_slot):
    service.one_per_day = True
    service.save()
    morning, afternoon = day_slot(9), day_slot(15)
    services.cancel_booking(services.book(resident, morning.pk))

    assert services.book(resident, afternoon.pk).status == "booked"


def test_someone_elses_dependant_is_refused_like_a_missing_one_and_nothing_changes(resident, other_resident, slot):
    stranger = add_dependant(other_resident, "李奶奶", "grandparent")

    for dependant_id in (stranger.pk, stranger.pk + 1000):
        with pytest.raises(services.DependantNotFound) as refused:
            services.book(resident, slot.pk, dependant=dependant_id)
        assert (status_for(refused.value), refused.value.code) == (404, "not_found")

    assert places(slot) == [0]
    assert not Booking.objects.exists()
    assert not resident.orders.exists()


def test_a_removed_dependant_cannot_be_booked_for(resident, mother, slot, make_slot, offering):
    from marketplace.users.services import remove_dependant

    past = services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk, dependant=mother.pk)
    services.cancel_booking(past)
    remove_dependant(resident, mother.pk)

    with pytest.raises(services.DependantNotFound):
        services.book(resident, slot.pk, dependant=mother.pk)
    past.refresh_from_db()
    assert past.dependant == mother  # the record still says who it was for


def test_counter_books_for_the_residents_dependant_only(staff, resident, other_resident, mother, slot):
    stranger = add_dependant(other_resident, "李奶奶", "grandparent")

    with pytest.raises(services.DependantNotFound):
        services.book_at_counter(staff, slot.pk, resident, consent=True, dependant=stranger)
    booking = services.book_at_counter(staff, slot.pk, resident, consent=True, dependant=mother)

    assert booking.dependant == mother
    assert places(slot) == [1]


def test_moving_a_dependants_booking_keeps_the_one_a_day_rule_per_person(resident, mother, service, day_slot):
    from marketplace.booking.reschedule import reschedule

    service.one_per_day = True
    service.max_active_per_resident = 0
    service.save()
    morning, afternoon, evening = day_slot(9), day_slot(15), day_slot(17)
    services.book(resident, morning.pk)
    hers = services.book(resident, afternoon.pk, dependant=mother.pk)
    # Within her own day, and onto a slot the resident holds for themselves: both fine for her.
    assert reschedule(resident, hers.code, evening.pk).slot == evening
    assert reschedule(resident, hers.code, morning.pk).slot == morning
    mine = Booking.objects.get(user=resident, dependant=None)
    other_day_mine = services.book(resident, day_slot(9, days=2).pk)

    with pytest.raises(services.LimitReached):
        reschedule(resident, other_day_mine.code, afternoon.pk)
    assert Booking.objects.get(pk=other_day_mine.pk).slot_id != afternoon.pk
    assert mine.slot == morning


def test_the_database_allows_one_active_booking_per_person_and_slot(resident, mother, slot):
    # The rule behind the checks, on SQLite and PostgreSQL alike: partial unique indexes.
    mine = services.book(resident, slot.pk)
    hers = services.book(resident, slot.pk, dependant=mother.pk)

    for original in (mine, hers):
        copy = Booking.objects.get(pk=original.pk)
        copy.pk = None
        copy.code = services.new_booking_code()
        line = services.Line.objects.get(pk=original.line_id)
        line.pk = None
        line.save()
        copy.line = line
        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()
        copy.status = Booking.Status.CANCELLED
        copy.save()  # a cancelled booking does not hold the place


def test_an_account_holds_at_most_a_households_worth_of_one_service(resident, make_slot, offering, service):
    # Ten dependants would make eleven people with two places each: an account is capped at four people's.
    from django.conf import settings

    assert (service.max_active_per_resident, settings.BOOKING_PERSONS_PER_ACCOUNT) == (2, 4)
    family = [add_dependant(resident, f"家人{n}", "other") for n in range(10)]
    slots = [make_slot(offering, starts_in=timedelta(days=1, hours=hour), capacity=20) for hour in range(2)]
    booked = 0
    for person in [None, *family]:
        for slot in slots:
            try:
                services.book(resident, slot.pk, dependant=person and person.pk)
            except services.LimitReached as refused:
                assert "8" in refused.message
            else:
                booked += 1

    assert booked == 8
    assert Booking.objects.filter(user=resident).count() == 8
    assert places(*slots) == [4, 4]


def test_the_account_limit_counts_only_upcoming_active_bookings_of_that_service(
    resident, make_slot, offering, service, sector, provider
):
    from catalog.services import add_offering, create_service

    type(service).objects.filter(pk=service.pk).update(max_active_per_resident=1)
    family = [add_dependant(resident, f"家人{n}", "other") for n in range(4)]
    slot = make_slot(offering, capacity=10)
    for person in [None, *family[:3]]:
        services.book(resident, slot.pk, dependant=person and person.pk)
    with pytest.raises(services.LimitReached):
        services.book(resident, slot.pk, dependant=family[3].pk)

    # Another service has its own allowance ...
    other = add_offering(create_service("法律援助申请", sector, max_active_per_resident=1), provider, 0)
    assert services.book(resident, make_slot(other).pk, dependant=family[3].pk)
    # ... and a cancelled booking gives its share back.
    services.cancel_booking(Booking.objects.filter(user=resident, slot=slot).first())
    assert services.book(resident, slot.pk, dependant=family[3].pk).dependant == family[3]


def test_a_service_without_a_per_person_limit_has_no_account_limit(resident, make_slot, offering, service):
    type(service).objects.filter(pk=service.pk).update(max_active_per_resident=0)
    family = [add_dependant(resident, f"家人{n}", "other") for n in range(10)]
    slots = [make_slot(offering, starts_in=timedelta(days=1, hours=hour), capacity=11) for hour in range(2)]

    for person in [None, *family]:
        for slot in slots:
            services.book(resident, slot.pk, dependant=person and person.pk)

    assert places(*slots) == [11, 11]

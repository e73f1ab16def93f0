from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.booking import services
from marketplace.booking.models import Booking


def test_booking_takes_a_place_and_creates_an_oscar_order(resident, slot):
    booking = services.book(resident, slot.pk, note="带上身份证")

    slot.refresh_from_db()
    assert slot.num_booked == 1
    assert booking.status == "booked"
    assert len(booking.code) == 8
    assert booking.order.user == resident
    assert booking.order.status == "booked"
    assert booking.line.status == "booked"
    assert booking.note == "带上身份证"


def test_cancel_gives_the_place_back_and_the_dashboard_sees_it(resident, slot):
    booking = services.book(resident, slot.pk)
    services.cancel_booking(booking)

    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.num_booked == 0
    assert booking.status == "cancelled"
    assert booking.cancelled_by == "resident"
    assert booking.order.status == "cancelled"
    assert booking.order.status_changes.filter(new_status="cancelled").count() == 1


def test_cancelling_twice_gives_back_one_place(resident, other_resident, slot):
    services.book(other_resident, slot.pk)
    booking = services.book(resident, slot.pk)
    services.cancel_booking(booking)
    services.cancel_booking(booking)
    slot.refresh_from_db()
    assert slot.num_booked == 1


def test_full_slot_is_refused_and_nothing_is_created(resident, other_resident, make_slot, offering):
    slot = make_slot(offering, capacity=1)
    services.book(other_resident, slot.pk)
    with pytest.raises(services.SlotFull):
        services.book(resident, slot.pk)
    slot.refresh_from_db()
    assert slot.num_booked == 1
    assert resident.orders.count() == 0
    assert resident.baskets.count() == 0


@pytest.mark.parametrize(
    ("slot_kwargs", "error"),
    [
        ({"is_open": False}, services.SlotClosed),
        ({"starts_in": timedelta(hours=-1)}, services.SlotClosed),
        ({"starts_in": timedelta(days=30)}, services.SlotClosed),
    ],
    ids=["closed", "past", "beyond-booking-window"],
)
def test_closed_past_and_too_early_slots_are_refused(resident, make_slot, offering, slot_kwargs, error):
    slot = make_slot(offering, **slot_kwargs)
    with pytest.raises(error):
        services.book(resident, slot.pk)
    slot.refresh_from_db()
    assert slot.num_booked == 0
    assert Booking.objects.count() == 0


def test_unknown_slot_is_not_found(resident):
    with pytest.raises(services.SlotNotFound):
        services.book(resident, 999999)


def test_the_same_resident_cannot_take_two_places_on_one_slot(resident, slot):
    services.book(resident, slot.pk)
    with pytest.raises(services.AlreadyBooked):
        services.book(resident, slot.pk)
    slot.refresh_from_db()
    assert slot.num_booked == 1


def test_per_resident_limit_counts_upcoming_bookings_of_the_service(resident, make_slot, offering):
    first, second, third = (make_slot(offering, starts_in=timedelta(days=d)) for d in (1, 2, 3))
    services.book(resident, first.pk)
    services.book(resident, second.pk)
    with pytest.raises(services.LimitReached):
        services.book(resident, third.pk)
    # a cancelled booking no longer counts
    services.cancel_booking(Booking.objects.get(slot=first))
    services.book(resident, third.pk)
    assert Booking.objects.filter(user=resident, status="booked").count() == 2


def test_resident_cannot_cancel_after_the_deadline_but_the_provider_can(resident, make_slot, offering):
    slot = make_slot(offering, starts_in=timedelta(hours=3))
    booking = services.book(resident, slot.pk)
    later = timezone.now() + timedelta(hours=1, minutes=30)
    with pytest.raises(services.TooLate):
        services.cancel_booking(booking, now=later)
    booking.refresh_from_db()
    assert booking.status == "booked"

    services.cancel_booking(booking, by=Booking.CancelledBy.PROVIDER, reason="律师临时外出", now=later)
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.cancel_reason == "律师临时外出"
    assert slot.num_booked == 0


def test_capacity_is_guarded_by_the_database_as_well(slot):
    from django.db import IntegrityError, transaction

    from providers.models import Slot

    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(num_booked=slot.capacity + 1)

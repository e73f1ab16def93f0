import pytest

from marketplace.booking import services


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


def test_cancel_gives_the_place_back(resident, slot):
    booking = services.book(resident, slot.pk)
    services.cancel_booking(booking)

    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.num_booked == 0
    assert booking.status == "cancelled"
    assert booking.order.status == "cancelled"


def test_full_slot_is_refused_and_nothing_is_created(resident, other_resident, make_slot, offering):
    slot = make_slot(offering, capacity=1)
    services.book(other_resident, slot.pk)
    with pytest.raises(services.SlotFull):
        services.book(resident, slot.pk)
    slot.refresh_from_db()
    assert slot.num_booked == 1
    assert resident.orders.count() == 0
    assert resident.baskets.count() == 0

"""Moving a booking to another time of the same service: all of it, or nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from marketplace.booking import reschedule as moves
from marketplace.booking import services, signals
from marketplace.booking.options import SLOT_OPTION_CODE

Booking = get_model("booking", "Booking")
OrderNote = get_model("order", "OrderNote")


def slot_of_line(booking):
    return booking.line.attributes.get(type=SLOT_OPTION_CODE).value


def snapshot(booking, *slots):
    """What a refused move must leave exactly as it was."""
    booking = Booking.objects.select_related("line").get(pk=booking.pk)
    for slot in slots:
        slot.refresh_from_db()
    return (
        booking.slot_id,
        booking.status,
        slot_of_line(booking),
        booking.line.partner_id,
        booking.line.stockrecord_id,
        OrderNote.objects.filter(order=booking.order_id).count(),
        [slot.num_booked for slot in slots],
    )


@pytest.fixture
def booking(resident, slot):
    return services.book(resident, slot.pk)


@pytest.fixture
def later(make_slot, offering):
    return make_slot(offering, starts_in=timedelta(days=2))


def test_a_move_takes_the_new_place_gives_back_the_old_and_tells_the_order(booking, slot, later, resident):
    moved = moves.reschedule(resident, booking.code, later.pk)

    slot.refresh_from_db()
    later.refresh_from_db()
    moved.refresh_from_db()
    assert (slot.num_booked, later.num_booked) == (0, 1)
    assert moved.slot == later
    assert moved.status == "booked"
    assert moved.code == booking.code
    assert slot_of_line(moved) == str(later.pk)
    note = OrderNote.objects.get(order=moved.order)
    assert booking.code in note.message
    assert f"{timezone.localtime(later.starts_at):%Y-%m-%d %H:%M}" in note.message


def test_a_move_announces_the_change_and_the_freed_place(booking, slot, later, resident):
    heard = []

    def rescheduled(sender, booking, old_slot, **kwargs):
        heard.append(("rescheduled", booking.slot_id, old_slot.pk))

    def freed(sender, slot, **kwargs):
        heard.append(("freed", slot.pk))

    signals.booking_rescheduled.connect(rescheduled)
    signals.place_freed.connect(freed)
    try:
        moves.reschedule(resident, booking.code, later.pk)
    finally:
        signals.booking_rescheduled.disconnect(rescheduled)
        signals.place_freed.disconnect(freed)

    assert heard == [("rescheduled", later.pk, slot.pk), ("freed", slot.pk)]


def test_a_move_to_another_provider_of_the_same_service_and_price_moves_the_order_line(
    booking, resident, service, other_provider, make_slot
):
    elsewhere = make_slot(add_offering(service, other_provider, Decimal("0.00")), starts_in=timedelta(days=3))

    moves.reschedule(resident, booking.code, elsewhere.pk)

    booking.line.refresh_from_db()
    assert booking.line.partner == other_provider
    assert booking.line.partner_name == other_provider.name
    assert booking.line.stockrecord == elsewhere.offering


def test_a_resident_at_the_service_limit_can_still_move(resident, offering, make_slot, booking, later):
    services.book(resident, make_slot(offering, starts_in=timedelta(days=4)).pk)  # the service allows two

    moves.reschedule(resident, booking.code, later.pk)

    assert Booking.objects.get(pk=booking.pk).slot == later


def test_the_moved_booking_can_still_be_cancelled_and_frees_the_new_slot(booking, slot, later, resident):
    moves.reschedule(resident, booking.code, later.pk)
    services.cancel_booking(Booking.objects.get(pk=booking.pk))

    slot.refresh_from_db()
    later.refresh_from_db()
    assert (slot.num_booked, later.num_booked) == (0, 0)


def full(make_slot, offering, other_resident):
    slot = make_slot(offering, starts_in=timedelta(days=2, hours=2), capacity=1)
    services.book(other_resident, slot.pk)
    return slot


def other_service_slot(make_slot, offering, other_resident):
    other = create_service("老年人免费体检", offering.product.categories.first())
    return make_slot(add_offering(other, offering.partner, Decimal("0.00")), starts_in=timedelta(days=2))


def dearer(make_slot, offering, other_resident):
    Partner = get_model("partner", "Partner")
    elsewhere = Partner.objects.create(name="拓东街道社区卫生服务中心", code="tuodong-health")
    return make_slot(add_offering(offering.product, elsewhere, Decimal("30.00")), starts_in=timedelta(days=2))


def already_mine(make_slot, offering, other_resident):
    slot = make_slot(offering, starts_in=timedelta(days=2))
    services.book(Booking.objects.get().user, slot.pk)
    return slot


REFUSALS = {
    "full": (full, services.SlotFull),
    "closed": (
        lambda make_slot, offering, _o: make_slot(offering, starts_in=timedelta(days=2), is_open=False),
        services.SlotClosed,
    ),
    "past": (lambda make_slot, offering, _o: make_slot(offering, starts_in=timedelta(hours=-1)), services.SlotClosed),
    "beyond-window": (
        lambda make_slot, offering, _o: make_slot(offering, starts_in=timedelta(days=30)),
        services.SlotClosed,
    ),
    "held-for-the-counter": (
        lambda make_slot, offering, _o: make_slot(
            offering, starts_in=timedelta(days=2), capacity=2, counter_capacity=2
        ),
        services.SlotFull,
    ),
    "other-service": (other_service_slot, moves.OtherService),
    "other-price": (dearer, moves.PriceDiffers),
    "already-mine": (already_mine, services.AlreadyBooked),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_refused_move_changes_nothing(booking, slot, resident, other_resident, make_slot, offering, case):
    make, error = REFUSALS[case]
    target = make(make_slot, offering, other_resident)
    before = snapshot(booking, slot, target)

    with pytest.raises(error):
        moves.reschedule(resident, booking.code, target.pk)

    assert snapshot(booking, slot, target) == before


def test_moving_to_the_same_slot_is_refused(booking, slot, resident):
    before = snapshot(booking, slot)
    with pytest.raises(services.AlreadyBooked):
        moves.reschedule(resident, booking.code, slot.pk)
    assert snapshot(booking, slot) == before


def test_an_unknown_slot_is_not_found(booking, slot, resident):
    before = snapshot(booking, slot)
    with pytest.raises(services.SlotNotFound):
        moves.reschedule(resident, booking.code, 999_999)
    assert snapshot(booking, slot) == before


def test_someone_elses_booking_is_not_found(booking, slot, later, other_resident):
    before = snapshot(booking, slot, later)
    with pytest.raises(services.BookingNotFound):
        moves.reschedule(other_resident, booking.code, later.pk)
    assert snapshot(booking, slot, later) == before


def test_too_late_past_the_service_deadline(resident, offering, make_slot, later):
    soon = make_slot(offering, starts_in=timedelta(hours=1))  # the service can be changed up to 2 hours before
    booking = services.book(resident, soon.pk)
    before = snapshot(booking, soon, later)

    with pytest.raises(services.TooLate):
        moves.reschedule(resident, booking.code, later.pk)

    assert snapshot(booking, soon, later) == before
    assert not moves.can_reschedule(booking)


@pytest.mark.parametrize("status", ["cancelled", "checked_in", "no_show", "pending_payment"])
def test_only_a_booked_or_confirmed_booking_moves(booking, slot, later, resident, status):
    Booking.objects.filter(pk=booking.pk).update(status=status)
    before = snapshot(booking, slot, later)

    with pytest.raises(moves.NotReschedulable):
        moves.reschedule(resident, booking.code, later.pk)

    assert snapshot(booking, slot, later) == before


def test_the_times_to_move_to_leave_out_my_own_full_and_dearer_ones(
    booking, slot, later, resident, other_resident, make_slot, offering
):
    taken = full(make_slot, offering, other_resident)
    pricier = dearer(make_slot, offering, other_resident)

    shown = [
        slot.pk
        for _day, providers in moves.times_to_move_to(booking)
        for _provider, slots in providers
        for slot in slots
    ]

    assert later.pk in shown
    assert slot.pk not in shown and taken.pk not in shown and pricier.pk not in shown
    assert moves.time_to_move_to(booking, later.pk) == later
    assert moves.time_to_move_to(booking, taken.pk) is None


@pytest.fixture
def paid_offering(service, other_provider):
    offering = add_offering(service, other_provider, Decimal("30.00"))
    offering.pay_on_site = True
    offering.save()
    return offering


def test_a_place_kept_only_by_a_lapsed_payment_hold_is_free_to_move_into(
    resident, other_resident, paid_offering, make_slot
):
    mine = services.book(resident, make_slot(paid_offering).pk, pay_on_site=True)
    target = make_slot(paid_offering, starts_in=timedelta(days=2), capacity=1)
    unpaid = services.book(other_resident, target.pk)  # online: awaits payment, holding the place
    assert unpaid.status == "pending_payment"
    Booking.objects.filter(pk=unpaid.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    moves.reschedule(resident, mine.code, target.pk)

    target.refresh_from_db()
    unpaid.refresh_from_db()
    assert Booking.objects.get(pk=mine.pk).slot == target
    assert (target.num_booked, unpaid.status) == (1, "cancelled")

"""The waiting list of a full slot: first come, first served, and a freed place is never counted twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering
from marketplace.audit.models import Action
from marketplace.booking import reschedule as moves
from marketplace.booking import services, signals, waitlist
from marketplace.booking.models import WaitlistEntry

Booking = get_model("booking", "Booking")


@pytest.fixture
def full_slot(make_slot, offering, other_resident):
    slot = make_slot(offering, capacity=1)
    services.book(other_resident, slot.pk)
    return slot


@pytest.fixture
def third(make_user):
    return make_user(email="wangwu@example.com", name="王五", phone="13611112222")


@pytest.fixture
def offers():
    heard = []

    def offered(sender, entry, **kwargs):
        heard.append((entry.user_id, entry.slot_id, entry.offer_expires_at))

    signals.waitlist_offered.connect(offered)
    yield heard
    signals.waitlist_offered.disconnect(offered)


def num_booked(slot):
    slot.refresh_from_db()
    return slot.num_booked


def status_of(entry):
    entry.refresh_from_db()
    return entry.status


def free_the_place(slot, django_capture_on_commit_callbacks, by=Booking.CancelledBy.RESIDENT):
    """The holder's booking is cancelled; the offer is made once the cancellation is committed."""
    holder = Booking.objects.get(slot=slot, status="booked")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(holder, by=by)


def test_residents_join_a_full_slot_in_order(full_slot, resident, third):
    first = waitlist.join(resident, full_slot.pk)
    second = waitlist.join(third, full_slot.pk)

    assert (first.status, second.status) == ("waiting", "waiting")
    assert (waitlist.position_of(first), waitlist.position_of(second)) == (1, 2)


def test_a_slot_with_a_free_place_is_booked_not_waited_for(slot, resident):
    with pytest.raises(waitlist.SlotNotFull):
        waitlist.join(resident, slot.pk)
    assert not WaitlistEntry.objects.exists()


def test_joining_twice_is_refused(full_slot, resident):
    waitlist.join(resident, full_slot.pk)
    with pytest.raises(waitlist.AlreadyWaiting):
        waitlist.join(resident, full_slot.pk)
    assert WaitlistEntry.objects.count() == 1


def test_the_holder_of_a_place_does_not_wait_for_another(full_slot, other_resident):
    with pytest.raises(services.AlreadyBooked):
        waitlist.join(other_resident, full_slot.pk)
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize(
    "slot_kwargs", [{"is_open": False}, {"starts_in": timedelta(hours=-1)}, {"starts_in": timedelta(days=30)}]
)
def test_closed_past_or_not_yet_bookable_slots_have_no_waiting_list(make_slot, offering, resident, slot_kwargs):
    slot = make_slot(offering, capacity=1, num_booked=1, **slot_kwargs)
    with pytest.raises(services.SlotClosed):
        waitlist.join(resident, slot.pk)
    assert not WaitlistEntry.objects.exists()


def test_a_freed_place_is_held_for_the_first_in_line(
    full_slot, resident, third, offers, make_user, django_capture_on_commit_callbacks
):
    first = waitlist.join(resident, full_slot.pk)
    second = waitlist.join(third, full_slot.pk)

    free_the_place(full_slot, django_capture_on_commit_callbacks)

    assert (status_of(first), status_of(second)) == ("offered", "waiting")
    assert num_booked(full_slot) == 1  # held for the offer: nobody else can book it
    [(user_id, slot_id, expires_at)] = offers
    assert (user_id, slot_id) == (resident.pk, full_slot.pk)
    assert expires_at == first.offered_at + timedelta(hours=2)
    with pytest.raises(services.SlotFull):
        services.book(make_user(email="late@example.com", phone="13500000000"), full_slot.pk)


def test_accepting_turns_the_held_place_into_a_booking_counted_once(
    full_slot, resident, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)

    booking = waitlist.accept(resident, entry.pk)

    assert num_booked(full_slot) == 1
    assert booking.slot == full_slot and booking.user == resident and booking.is_active
    assert booking.order.lines.count() == 1
    entry.refresh_from_db()
    assert (entry.status, entry.booking) == ("accepted", booking)


def test_declining_passes_the_place_to_the_next_in_line(
    full_slot, resident, third, offers, django_capture_on_commit_callbacks
):
    first = waitlist.join(resident, full_slot.pk)
    second = waitlist.join(third, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)

    waitlist.decline(resident, first.pk)

    assert (status_of(first), status_of(second)) == ("declined", "offered")
    assert num_booked(full_slot) == 1
    assert [user_id for user_id, _slot, _at in offers] == [resident.pk, third.pk]


def test_declining_with_nobody_else_in_line_gives_the_place_back(
    full_slot, resident, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)

    waitlist.decline(resident, entry.pk)

    assert num_booked(full_slot) == 0


def test_a_lapsed_offer_goes_to_the_next_in_line_once(
    full_slot, resident, third, offers, django_capture_on_commit_callbacks
):
    first = waitlist.join(resident, full_slot.pk)
    second = waitlist.join(third, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(hours=2, minutes=1)

    assert waitlist.expire_offers(now=later) == 1
    assert waitlist.expire_offers(now=later) == 0

    assert (status_of(first), status_of(second)) == ("lapsed", "offered")
    assert num_booked(full_slot) == 1
    assert len(offers) == 2


def test_an_offer_task_run_again_offers_and_records_the_offer_once(
    full_slot, resident, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)

    assert waitlist.offer_freed_places(full_slot.pk) == []  # a retried task finds the place offered

    assert status_of(entry) == "offered"
    assert list(Action.objects.filter(person=resident).values_list("action", flat=True)) == [
        "waitlist_joined",
        "waitlist_offered",
    ]


def test_the_command_lapses_offers_and_running_it_twice_changes_nothing(
    full_slot, resident, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)
    WaitlistEntry.objects.filter(pk=entry.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))

    call_command("expire_waitlist_offers")
    call_command("expire_waitlist_offers")

    assert status_of(entry) == "lapsed"
    assert num_booked(full_slot) == 0


def test_a_lapsed_offer_cannot_be_accepted_and_the_next_gets_it(
    full_slot, resident, third, django_capture_on_commit_callbacks
):
    first = waitlist.join(resident, full_slot.pk)
    second = waitlist.join(third, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)

    with pytest.raises(waitlist.OfferLapsed):
        waitlist.accept(resident, first.pk, now=timezone.now() + timedelta(hours=3))

    assert (status_of(first), status_of(second)) == ("lapsed", "offered")
    assert not Booking.objects.filter(user=resident).exists()
    assert num_booked(full_slot) == 1


def test_a_refused_acceptance_changes_nothing_and_the_offer_stands(
    full_slot, resident, offering, make_slot, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)
    for days in (3, 4):  # the service allows two upcoming bookings per resident
        services.book(resident, make_slot(offering, starts_in=timedelta(days=days)).pk)

    with pytest.raises(services.LimitReached):
        waitlist.accept(resident, entry.pk)

    assert status_of(entry) == "offered"
    assert num_booked(full_slot) == 1
    assert not Booking.objects.filter(user=resident, slot=full_slot).exists()


def test_accepting_without_an_offer_is_refused(full_slot, resident):
    entry = waitlist.join(resident, full_slot.pk)
    with pytest.raises(waitlist.NoOffer):
        waitlist.accept(resident, entry.pk)
    assert num_booked(full_slot) == 1


def test_leaving_the_line_and_someone_elses_entry(full_slot, resident, third):
    entry = waitlist.join(resident, full_slot.pk)

    with pytest.raises(waitlist.EntryNotFound):
        waitlist.leave(third, entry.pk)
    assert status_of(entry) == "waiting"

    waitlist.leave(resident, entry.pk)
    waitlist.leave(resident, entry.pk)
    assert status_of(entry) == "left"
    assert waitlist.join(resident, full_slot.pk).status == "waiting"  # may join again


def test_moving_a_booking_away_offers_its_place_to_the_waiting_list(
    full_slot, other_resident, resident, make_slot, offering, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    elsewhere = make_slot(offering, starts_in=timedelta(days=2))
    holder = Booking.objects.get(slot=full_slot)

    with django_capture_on_commit_callbacks(execute=True):
        moves.reschedule(other_resident, holder.code, elsewhere.pk)

    assert status_of(entry) == "offered"
    assert num_booked(full_slot) == 1


def test_an_offer_never_outlives_the_start_of_its_slot(
    make_slot, offering, other_resident, resident, django_capture_on_commit_callbacks
):
    soon = make_slot(offering, starts_in=timedelta(hours=1), capacity=1)
    services.book(other_resident, soon.pk)
    entry = waitlist.join(resident, soon.pk)
    free_the_place(soon, django_capture_on_commit_callbacks, by=Booking.CancelledBy.PROVIDER)
    entry.refresh_from_db()
    assert entry.offer_expires_at == soon.starts_at


@pytest.fixture
def paid_slot(service, other_provider, make_slot, other_resident):
    """Full with one booking awaiting payment."""
    slot = make_slot(add_offering(service, other_provider, Decimal("30.00")), capacity=1)
    unpaid = services.book(other_resident, slot.pk)
    assert unpaid.status == "pending_payment"
    return slot


def test_a_lapsed_payment_hold_offers_its_place_to_the_first_in_line(
    paid_slot, resident, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, paid_slot.pk)
    Booking.objects.filter(slot=paid_slot).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        services.release_lapsed_holds(slot_id=paid_slot.pk)

    assert status_of(entry) == "offered"
    assert num_booked(paid_slot) == 1


def test_a_slot_kept_full_only_by_a_lapsed_hold_is_booked_not_waited_for(paid_slot, resident):
    Booking.objects.filter(slot=paid_slot).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(waitlist.SlotNotFull):
        waitlist.join(resident, paid_slot.pk)

    assert not WaitlistEntry.objects.exists()
    assert num_booked(paid_slot) == 0


def test_my_lapsed_offers_are_passed_on_when_i_look_at_my_list(
    full_slot, resident, third, django_capture_on_commit_callbacks
):
    first = waitlist.join(resident, full_slot.pk)
    second = waitlist.join(third, full_slot.pk)
    free_the_place(full_slot, django_capture_on_commit_callbacks)
    WaitlistEntry.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))

    assert waitlist.entries_of(resident) == []
    assert (status_of(first), status_of(second)) == ("lapsed", "offered")


def test_someone_who_booked_the_slot_meanwhile_is_not_offered_a_second_place(
    make_slot, offering, other_resident, resident, third, django_capture_on_commit_callbacks
):
    slot = make_slot(offering, capacity=2)
    services.book(other_resident, slot.pk)
    services.book(third, slot.pk)
    mine = waitlist.join(resident, slot.pk)
    nobody = Booking.objects.get(user=third)
    services.cancel_booking(nobody)  # not yet offered (the offer waits for the commit) …
    services.book(resident, slot.pk)  # … and the resident books the place directly
    services.cancel_booking(Booking.objects.get(user=other_resident))

    with django_capture_on_commit_callbacks(execute=True):
        waitlist.offer_freed_places(slot.pk)

    assert status_of(mine) == "left"
    assert num_booked(slot) == 1

"""A paid booking awaits payment and holds its place; a lapsed hold is free again at once."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import DateTimeField
from django.utils import timezone

from marketplace.booking import rules, services, signals
from marketplace.booking.models import Booking
from marketplace.payment import facade
from marketplace.prepared import Param, Prepared
from providers.models import Slot
from tests.conftest import needs_postgres, race
from tests.marketplace.api.conftest import API
from tests.marketplace.payment.conftest import on_site_offering, paid_offering, paid_service, paid_slot  # noqa: F401


def lapse(booking, ago=timedelta(minutes=1)):
    """The payment hold ran out ``ago``, as if the resident walked away without paying."""
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - ago)


@pytest.fixture
def freed():
    slots = []

    def receiver(sender, slot, **kwargs):
        slots.append(slot.pk)

    signals.place_freed.connect(receiver)
    yield slots
    signals.place_freed.disconnect(receiver)


def test_a_paid_booking_awaits_payment_and_holds_its_place(resident, paid_slot):
    before = timezone.now()

    booking = services.book(resident, paid_slot.pk)

    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert before + timedelta(minutes=15) <= booking.hold_expires_at <= timezone.now() + timedelta(minutes=15)
    paid_slot.refresh_from_db()
    assert paid_slot.num_booked == 1
    booking.order.refresh_from_db()
    booking.line.refresh_from_db()
    assert booking.order.status == booking.line.status == "pending_payment"
    assert facade.payment_state(booking) == ("pending", None)


def test_the_hold_lasts_as_long_as_the_setting_says(settings, resident, paid_slot):
    settings.PAYMENT_HOLD_MINUTES = 40

    booking = services.book(resident, paid_slot.pk)

    assert booking.hold_expires_at > timezone.now() + timedelta(minutes=39)


def test_free_and_counter_bookings_need_no_online_payment(resident, other_resident, staff, slot, paid_slot):
    assert services.book(resident, slot.pk).status == Booking.Status.BOOKED
    at_counter = services.book_at_counter(staff, paid_slot.pk, other_resident, consent=True)
    assert at_counter.status == Booking.Status.BOOKED
    assert at_counter.hold_expires_at is None
    assert facade.payment_state(at_counter) == ("on_site", None)


def test_paying_on_site_where_allowed_books_at_once_and_records_the_amount(resident, on_site_offering, make_slot):
    slot = make_slot(on_site_offering)

    booking = services.book(resident, slot.pk, pay_on_site=True)

    assert booking.status == Booking.Status.BOOKED
    assert booking.hold_expires_at is None
    source = booking.order.sources.get()
    assert source.source_type.code == "on-site"
    assert source.amount_allocated == on_site_offering.price
    assert source.amount_debited == 0
    assert facade.payment_state(booking) == ("on_site", None)


def test_paying_on_site_where_not_allowed_is_refused_and_changes_nothing(resident, paid_slot):
    with pytest.raises(services.PayOnSiteNotOffered):
        services.book(resident, paid_slot.pk, pay_on_site=True)

    paid_slot.refresh_from_db()
    assert paid_slot.num_booked == 0
    assert not Booking.objects.exists()


def test_a_held_place_is_taken_for_everyone_else(resident, other_resident, paid_slot):
    services.book(resident, paid_slot.pk)

    with pytest.raises(services.SlotFull):
        services.book(other_resident, paid_slot.pk)


def test_a_lapsed_hold_is_free_at_once_for_the_next_resident(resident, other_resident, paid_slot, freed):
    held = services.book(resident, paid_slot.pk)
    lapse(held)

    mine = services.book(other_resident, paid_slot.pk)

    assert mine.status == Booking.Status.PENDING_PAYMENT
    held.refresh_from_db()
    assert held.status == Booking.Status.CANCELLED
    assert held.cancelled_by == ""
    assert f"{timezone.localtime(held.hold_expires_at):%Y-%m-%d %H:%M}" in held.cancel_reason  # held until then
    assert facade.payment_state(held) == ("unpaid", None)
    held.line.refresh_from_db()
    assert held.line.status == "cancelled"
    paid_slot.refresh_from_db()
    assert paid_slot.num_booked == 1
    assert freed == [paid_slot.pk]


def test_the_lists_of_times_count_exactly_the_holds_the_rule_calls_lapsed(make_user, paid_offering, make_slot):
    """What every list of times reads (``rules.LapsedHolds``, written as SQL) and the rule itself
    (``rules.hold_lapsed``) count the same bookings, at the moment the hold ends too."""
    now = timezone.now()
    crowded, quiet, empty = (
        make_slot(paid_offering, capacity=6, starts_in=timedelta(days=1, hours=h)) for h in range(3)
    )
    minute = timedelta(minutes=1)
    cases = {  # status, when the hold ends (None: no hold)
        crowded: [
            (Booking.Status.PENDING_PAYMENT, now - minute),
            (Booking.Status.PENDING_PAYMENT, now),
            (Booking.Status.PENDING_PAYMENT, now + minute),
            (Booking.Status.PENDING_PAYMENT, None),
            (Booking.Status.BOOKED, now - minute),
            (Booking.Status.CANCELLED, now - minute),
        ],
        quiet: [(Booking.Status.PENDING_PAYMENT, now - minute), (Booking.Status.PENDING_PAYMENT, now + minute)],
    }
    residents = (make_user(email=f"r{number}@example.com", phone=f"139{number:08d}") for number in range(8))
    for slot, bookings in cases.items():
        for status, hold_ends in bookings:
            booking = services.book(next(residents), slot.pk)
            Booking.objects.filter(pk=booking.pk).update(status=status, hold_expires_at=hold_ends)

    counted = dict(Slot.objects.with_lapsed_holds(now).values_list("pk", "lapsed_holds"))

    by_the_rule = {
        slot.pk: sum(rules.hold_lapsed(booking, now) for booking in Booking.objects.filter(slot=slot))
        for slot in (crowded, quiet, empty)
    }
    assert counted == by_the_rule == {crowded.pk: 2, quiet.pk: 1, empty.pk: 0}
    # The service page reads it in a prepared query, the moment given on each run.
    prepared = Prepared(
        lambda: Slot.objects.with_lapsed_holds(Param("now", DateTimeField())).values_list("pk", "lapsed_holds")
    )
    assert dict(prepared.rows(now=now)) == counted
    assert dict(prepared.rows(now=now - 2 * minute)) == {crowded.pk: 0, quiet.pk: 0, empty.pk: 0}


def test_a_resident_whose_hold_lapsed_can_book_the_same_slot_again(resident, paid_offering, make_slot):
    slot = make_slot(paid_offering, capacity=3)
    held = services.book(resident, slot.pk)
    lapse(held)

    again = services.book(resident, slot.pk)

    assert again.status == Booking.Status.PENDING_PAYMENT
    held.refresh_from_db()
    assert held.status == Booking.Status.CANCELLED
    slot.refresh_from_db()
    assert slot.num_booked == 1


def test_residents_see_a_lapsed_hold_as_a_free_place_before_anyone_tidies_it(client, resident, paid_slot, paid_service):
    lapse(services.book(resident, paid_slot.pk))

    assert Slot.objects.get(pk=paid_slot.pk).num_booked == 1  # nobody has released it yet
    slots = client.get(f"{API}/services/{paid_service.pk}/slots").json()["results"]
    assert [(slot["id"], slot["remaining"]) for slot in slots] == [(paid_slot.pk, 1)]
    assert Slot.objects.open_future().with_places().filter(pk=paid_slot.pk).exists()
    assert client.get(f"{API}/services/{paid_service.pk}").json()["next_slot_at"] is not None


def test_a_hold_still_running_is_not_a_free_place(client, resident, paid_slot, paid_service):
    services.book(resident, paid_slot.pk)

    slots = client.get(f"{API}/services/{paid_service.pk}/slots").json()["results"]

    assert [(slot["id"], slot["remaining"]) for slot in slots] == [(paid_slot.pk, 0)]
    assert not Slot.objects.open_future().with_places().filter(pk=paid_slot.pk).exists()


def test_slot_listing_costs_the_same_queries_with_lapsed_holds(
    client, resident, paid_offering, paid_service, make_slot
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/services/{paid_service.pk}/slots").status_code == 200
        return len(captured)

    make_slot(paid_offering, starts_in=timedelta(days=1))
    one = queries()
    for days in (2, 3, 4):
        lapse(services.book(resident, make_slot(paid_offering, starts_in=timedelta(days=days)).pk))
    assert queries() == one


def test_expire_holds_tidies_lapsed_holds_once_and_leaves_running_ones(
    resident, other_resident, paid_offering, make_slot, freed
):
    lapsed_slot = make_slot(paid_offering, starts_in=timedelta(days=1))
    running_slot = make_slot(paid_offering, starts_in=timedelta(days=2))
    lapsed = services.book(resident, lapsed_slot.pk)
    running = services.book(other_resident, running_slot.pk)
    lapse(lapsed)

    call_command("expire_holds")
    call_command("expire_holds")

    lapsed.refresh_from_db()
    running.refresh_from_db()
    assert lapsed.status == Booking.Status.CANCELLED
    assert running.status == Booking.Status.PENDING_PAYMENT
    assert Slot.objects.get(pk=lapsed_slot.pk).num_booked == 0
    assert Slot.objects.get(pk=running_slot.pk).num_booked == 1
    assert freed == [lapsed_slot.pk]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_residents_racing_for_a_lapsed_place_take_it_once(make_user, resident, paid_slot, freed):
    lapse(services.book(resident, paid_slot.pk))
    racers = [make_user(email=f"racer{number}@example.com", phone=f"139{number:08d}") for number in range(8)]

    def book(user):
        try:
            services.book(user, paid_slot.pk)
        except services.BookingError as error:
            return error.code
        return "booked"

    outcomes = race([lambda user=user: book(user) for user in racers])

    assert Counter(outcomes) == {"booked": 1, "slot_full": len(racers) - 1}
    assert Slot.objects.get(pk=paid_slot.pk).num_booked == 1
    assert Booking.objects.filter(slot=paid_slot, status=Booking.Status.CANCELLED).count() == 1
    assert Booking.objects.filter(slot=paid_slot, status=Booking.Status.PENDING_PAYMENT).count() == 1
    assert freed == [paid_slot.pk]

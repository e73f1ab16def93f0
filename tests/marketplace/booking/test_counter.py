"""Counter bookings: places held back for walk-ins, booked by staff for a resident who is present."""

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering
from marketplace.answers import status_for
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.users.services import register_resident_at_counter
from tests.conftest import needs_postgres, race
from tests.marketplace.api.conftest import API, authorised_client, token_of

Order = get_model("order", "Order")


@pytest.fixture
def held_back_slot(make_slot, offering):
    """Three places, two of them kept for the counter: one bookable online."""
    return make_slot(offering, capacity=3, counter_capacity=2)


def counts(slot):
    slot.refresh_from_db()
    return slot.num_booked, Booking.objects.filter(slot=slot).count(), Order.objects.count()


def test_held_back_places_are_not_bookable_online_but_are_at_the_counter(
    resident, other_resident, make_user, staff, held_back_slot
):
    services.book(other_resident, held_back_slot.pk)

    with pytest.raises(services.SlotFull):
        services.book(resident, held_back_slot.pk)
    assert counts(held_back_slot) == (1, 1, 1)

    booking = services.book_at_counter(staff, held_back_slot.pk, resident, consent=True)
    walk_in = register_resident_at_counter("王奶奶", "13611112222")
    services.book_at_counter(staff, held_back_slot.pk, walk_in, consent=True)

    assert booking.status == Booking.Status.BOOKED
    assert counts(held_back_slot) == (3, 3, 3)
    with pytest.raises(services.SlotFull):
        services.book_at_counter(staff, held_back_slot.pk, make_user(email="c@example.com", phone=""), consent=True)
    assert counts(held_back_slot) == (3, 3, 3)


def test_the_api_answers_full_when_only_held_back_places_are_left(resident, other_resident, held_back_slot):
    services.book(other_resident, held_back_slot.pk)

    response = authorised_client(resident).post(
        f"{API}/bookings", {"slot": held_back_slot.pk}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    slots = authorised_client(resident).get(f"{API}/services/{held_back_slot.offering.product_id}/slots").json()
    (listed,) = [each for each in slots["results"] if each["id"] == held_back_slot.pk]
    assert listed["remaining"] == 0
    assert counts(held_back_slot) == (1, 1, 1)


def test_the_web_checkout_refuses_held_back_places(resident, other_resident, service, held_back_slot):
    services.book(other_resident, held_back_slot.pk)
    client = Client()
    client.force_login(resident)
    client.cookies["django_language"] = "en"

    client.post(
        reverse("basket:add", kwargs={"pk": service.pk}),
        {"quantity": 1, "slot": held_back_slot.pk, "next": reverse("checkout:index")},
        HTTP_REFERER="/service/",
    )

    assert "fully booked" in client.get(reverse("my-bookings")).content.decode()  # the message, on the next page
    assert not resident.baskets.filter(lines__isnull=False).exists()
    assert counts(held_back_slot) == (1, 1, 1)


# Both slots on the page's first day: late in the evening, a day and an hour ahead is the day after.
@pytest.mark.usefixtures("daytime")
def test_the_service_page_says_full_online_ask_at_the_counter(
    client, other_resident, make_slot, offering, service_page, held_back_slot
):
    services.book(other_resident, held_back_slot.pk)
    quite_full = make_slot(offering, starts_in=timedelta(days=1, hours=1), capacity=1)
    services.book(other_resident, quite_full.pk)
    client.cookies["django_language"] = "en"

    page = client.get(service_page.url).content.decode()

    assert page.count("Full online · ask at the counter") == 1
    assert page.count('· Full · Join the waiting list<span class="sr-only">') == 1


def test_a_counter_booking_records_channel_staff_and_consent_and_is_an_oscar_order(resident, staff, held_back_slot):
    now = timezone.now()

    booking = services.book_at_counter(staff, held_back_slot.pk, resident, consent=True, note="带上户口本", now=now)

    booking.refresh_from_db()
    assert booking.channel == Booking.Channel.COUNTER
    assert booking.booked_by == staff
    assert booking.consent_at == now
    assert booking.note == "带上户口本"
    assert booking.user == resident
    order = booking.order
    assert order.user == resident
    assert order.number == booking.code
    assert order.status == "booked"
    assert booking.line.partner == held_back_slot.offering.partner


def test_an_online_booking_records_no_staff_and_no_consent(resident, slot):
    booking = services.book(resident, slot.pk)

    booking.refresh_from_db()
    assert booking.channel == Booking.Channel.ONLINE
    assert booking.booked_by is None
    assert booking.consent_at is None


def test_the_counter_booking_shows_in_the_residents_bookings(resident, staff, held_back_slot):
    booking = services.book_at_counter(staff, held_back_slot.pk, resident, consent=True)
    client = Client()
    client.force_login(resident)

    assert booking.code in client.get(reverse("my-bookings")).content.decode()
    assert client.get(reverse("booking-detail", kwargs={"code": booking.code})).status_code == 200
    # Oscar's order history leads to the resident's bookings (issue 19, item 1).
    assert booking.code in client.get(reverse("customer:order-list"), follow=True).content.decode()


def test_a_resident_registered_at_the_counter_without_email_gets_an_order_too(staff, held_back_slot):
    walk_in = register_resident_at_counter("王奶奶", "136 1111 2222")

    booking = services.book_at_counter(staff, held_back_slot.pk, walk_in, consent=True)

    assert booking.order.user == walk_in
    assert walk_in.email is None


@pytest.mark.parametrize("consent", [False, None, ""])
def test_without_consent_nothing_is_booked(resident, staff, held_back_slot, consent):
    with pytest.raises(services.ConsentMissing) as refused:
        services.book_at_counter(staff, held_back_slot.pk, resident, consent=consent)

    assert status_for(refused.value) == 400
    assert "agree" in refused.value.message or "同意" in refused.value.message
    assert counts(held_back_slot) == (0, 0, 0)


def test_staff_of_another_provider_cannot_book_here(resident, other_staff, held_back_slot):
    with pytest.raises(services.SlotNotFound) as refused:
        services.book_at_counter(other_staff, held_back_slot.pk, resident, consent=True)

    assert status_for(refused.value) == 404
    assert counts(held_back_slot) == (0, 0, 0)


def test_a_resident_is_not_staff(resident, other_resident, held_back_slot):
    with pytest.raises(services.NotStaff):
        services.book_at_counter(resident, held_back_slot.pk, other_resident, consent=True)

    assert counts(held_back_slot) == (0, 0, 0)


def test_staff_of_two_providers_book_only_on_the_console_providers_slots(
    resident, staff, other_provider, service, make_slot, held_back_slot
):
    other_provider.users.add(staff)
    elsewhere = make_slot(add_offering(service, other_provider))

    with pytest.raises(services.SlotNotFound):
        services.book_at_counter(staff, elsewhere.pk, resident, consent=True, partner=held_back_slot.offering.partner)

    assert counts(elsewhere) == (0, 0, 0)


@pytest.mark.parametrize("slot_id", [None, 0, 999999])
def test_an_unknown_slot_is_not_found(resident, staff, slot_id):
    with pytest.raises(services.SlotNotFound):
        services.book_at_counter(staff, slot_id, resident, consent=True)


def test_an_inactive_account_cannot_be_booked_for(make_user, staff, held_back_slot):
    gone = make_user(email="gone@example.com")
    gone.is_active = False
    gone.save()

    with pytest.raises(services.ResidentNotFound):
        services.book_at_counter(staff, held_back_slot.pk, gone, consent=True)

    assert counts(held_back_slot) == (0, 0, 0)


def test_the_residents_limit_applies_at_the_counter(resident, staff, make_slot, offering):
    # The service allows two upcoming bookings per resident, whoever books them.
    services.book(resident, make_slot(offering, starts_in=timedelta(days=1)).pk)
    services.book_at_counter(staff, make_slot(offering, starts_in=timedelta(days=2)).pk, resident, consent=True)
    third = make_slot(offering, starts_in=timedelta(days=3), counter_capacity=3)

    with pytest.raises(services.LimitReached):
        services.book_at_counter(staff, third.pk, resident, consent=True)

    assert counts(third)[:2] == (0, 0)


def test_one_active_booking_per_resident_and_slot_at_the_counter_too(resident, staff, held_back_slot):
    services.book(resident, held_back_slot.pk)

    with pytest.raises(services.AlreadyBooked):
        services.book_at_counter(staff, held_back_slot.pk, resident, consent=True)

    assert counts(held_back_slot) == (1, 1, 1)


def test_a_walk_in_can_join_a_slot_that_has_begun_but_not_one_that_has_ended(resident, staff, make_slot, offering):
    begun = make_slot(offering, starts_in=timedelta(minutes=-10), length=timedelta(minutes=30))
    ended = make_slot(offering, starts_in=timedelta(minutes=-40), length=timedelta(minutes=30))

    with pytest.raises(services.SlotClosed):
        services.book(resident, begun.pk)
    booking = services.book_at_counter(staff, begun.pk, resident, consent=True)
    assert booking.slot == begun

    with pytest.raises(services.SlotClosed):
        services.book_at_counter(staff, ended.pk, resident, consent=True)
    assert counts(ended)[:2] == (0, 0)


@pytest.mark.parametrize(
    "slot_kwargs",
    [{"is_open": False}, {"starts_in": timedelta(days=30)}],
    ids=["closed", "beyond-booking-window"],
)
def test_closed_and_too_early_slots_are_refused_at_the_counter(resident, staff, make_slot, offering, slot_kwargs):
    slot = make_slot(offering, counter_capacity=2, **slot_kwargs)

    with pytest.raises(services.SlotClosed):
        services.book_at_counter(staff, slot.pk, resident, consent=True)

    assert counts(slot) == (0, 0, 0)


def test_cancelling_a_counter_booking_gives_the_held_back_place_back(resident, other_resident, staff, held_back_slot):
    services.book(other_resident, held_back_slot.pk)
    booking = services.book_at_counter(staff, held_back_slot.pk, resident, consent=True)

    services.cancel_booking(booking)

    held_back_slot.refresh_from_db()
    assert held_back_slot.num_booked == 1
    assert held_back_slot.remaining == 0
    assert held_back_slot.remaining_at_counter == 2


def test_slots_for_the_counter_are_those_it_can_still_book(
    staff, provider, other_provider, service, make_slot, offering
):
    now = timezone.now()
    begun = make_slot(offering, starts_in=timedelta(minutes=-10), length=timedelta(hours=2))
    online_full = make_slot(offering, starts_in=timedelta(hours=2), capacity=2, counter_capacity=1, num_booked=1)
    make_slot(offering, starts_in=timedelta(hours=3), capacity=2, num_booked=2)  # full everywhere
    make_slot(offering, starts_in=timedelta(hours=4), is_open=False)
    make_slot(offering, starts_in=timedelta(minutes=-50), length=timedelta(minutes=30))  # ended
    make_slot(add_offering(service, other_provider), starts_in=timedelta(hours=2))
    day = services.local_day(begun.starts_at)

    slots = services.slots_for_the_counter(provider, day, now=now)

    expected = [slot for slot in (begun, online_full) if services.local_day(slot.starts_at) == day]
    assert slots == expected


# Many doors at once on PostgreSQL: online residents through the API, clerks at the counter.

CAPACITY = 5
HELD_BACK = 2


def online_job(user, slot):
    token = token_of(user)

    def job():
        client = Client(headers={"authorization": f"Bearer {token}"})
        response = client.post(f"{API}/bookings", {"slot": slot.pk}, content_type="application/json")
        return ("online", response.status_code, response.json().get("code"))

    return job


def counter_job(staff, user, slot):
    def job():
        try:
            services.book_at_counter(staff, slot.pk, user, consent=True)
        except services.BookingError as error:
            return ("counter", status_for(error), error.code)
        return ("counter", 201, None)

    return job


def residents(make_user, prefix, count):
    return [make_user(email=f"{prefix}{n}@example.com", phone=f"139{n:08d}") for n in range(count)]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_online_residents_racing_get_exactly_the_places_not_held_back(make_user, make_slot, offering, staff):
    slot = make_slot(offering, capacity=CAPACITY, counter_capacity=HELD_BACK)

    answers = race([online_job(user, slot) for user in residents(make_user, "online", 16)])

    assert Counter(status for _door, status, _code in answers) == {201: CAPACITY - HELD_BACK, 409: 16 - 3}
    assert {code for _door, status, code in answers if status == 409} == {"slot_full"}
    assert counts(slot) == (3, 3, 3)

    answers = race([counter_job(staff, user, slot) for user in residents(make_user, "walkin", 8)])

    assert Counter(status for _door, status, _code in answers) == {201: HELD_BACK, 409: 8 - HELD_BACK}
    assert counts(slot) == (CAPACITY, CAPACITY, CAPACITY)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_counter_and_online_racing_together_never_overbook(make_user, make_slot, offering, staff):
    slot = make_slot(offering, capacity=CAPACITY, counter_capacity=HELD_BACK)
    online = residents(make_user, "online", 12)
    walk_ins = residents(make_user, "walkin", 12)
    jobs = [online_job(user, slot) for user in online] + [counter_job(staff, user, slot) for user in walk_ins]

    answers = race(jobs)

    assert len(answers) == 24
    won = Counter(door for door, status, _code in answers if status == 201)
    assert sum(won.values()) == CAPACITY
    assert won["online"] <= CAPACITY - HELD_BACK
    assert {(status, code) for _door, status, code in answers if status != 201} == {(409, "slot_full")}
    assert counts(slot) == (CAPACITY, CAPACITY, CAPACITY)
    bookings = Booking.objects.filter(slot=slot)
    assert bookings.filter(channel=Booking.Channel.ONLINE).count() == won["online"]
    assert bookings.filter(channel=Booking.Channel.COUNTER, booked_by=staff).count() == won["counter"]

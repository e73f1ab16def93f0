"""One rule for each question a booking asks, and every door asks it: the book-ahead window, the
minimum notice, when a no-show may be marked; Oscar's rows follow the booking through its pipeline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from catalog.services import add_offering, create_service
from marketplace.booking import rules, services
from marketplace.booking.models import Booking
from providers.models import FEW_SERVICES, Slot
from tests.marketplace.api.conftest import API, assert_error, authorised_client


@pytest.fixture
def window(service):
    """The service opens bookings 3 days ahead and takes them up to 60 minutes before the start."""
    service.book_ahead_days = 3
    service.min_notice_minutes = 60
    service.save()
    return service


@pytest.fixture
def slots(window, offering, make_slot):
    """Slots inside the window, too soon for it, and beyond it."""
    return {
        "too soon": make_slot(offering, starts_in=timedelta(minutes=40)),
        "inside": make_slot(offering, starts_in=timedelta(hours=5)),
        "last day": make_slot(offering, starts_in=timedelta(days=3) - timedelta(hours=1)),
        "beyond": make_slot(offering, starts_in=timedelta(days=3, hours=1)),
    }


def test_online_booking_asks_the_window_and_the_notice(resident, slots):
    for name in ("too soon", "beyond"):
        with pytest.raises(services.SlotClosed):
            services.book(resident, slots[name].pk)
        slots[name].refresh_from_db()
        assert slots[name].num_booked == 0, name
    assert services.book(resident, slots["inside"].pk).status == Booking.Status.BOOKED


def test_the_counter_is_not_held_to_the_notice_but_to_the_window(staff, resident, provider, slots):
    booked = services.book_at_counter(staff, slots["too soon"].pk, resident, consent=True)
    assert booked.slot == slots["too soon"]
    with pytest.raises(services.SlotClosed):
        services.book_at_counter(staff, slots["beyond"].pk, resident, consent=True)


def test_the_api_lists_only_the_slots_of_the_window(client, window, slots):
    response = client.get(f"{API}/services/{window.pk}/slots")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [slots["inside"].pk, slots["last day"].pk]


def test_a_slot_the_api_lists_can_be_booked_through_the_api(resident, window, slots):
    resident_api = authorised_client(resident)
    listed = resident_api.get(f"{API}/services/{window.pk}/slots").json()["results"]
    for row in listed:
        assert (
            resident_api.post(f"{API}/bookings", {"slot": row["id"]}, content_type="application/json").status_code
            == 201
        )
    refused = resident_api.post(f"{API}/bookings", {"slot": slots["too soon"].pk}, content_type="application/json")
    assert_error(refused, 409, "slot_closed")


def test_the_next_free_slot_is_the_first_bookable_one(client, window, offering, make_slot):
    make_slot(offering, starts_in=timedelta(minutes=20))
    beyond = make_slot(offering, starts_in=timedelta(days=4))

    assert Slot.objects.next_free_starts([window.pk]) == {}
    assert client.get(f"{API}/services/{window.pk}").json()["next_slot_at"] is None

    inside = make_slot(offering, starts_in=timedelta(days=1))
    assert Slot.objects.next_free_starts([window.pk]) == {window.pk: inside.starts_at}
    # As time passes, the slot beyond the window becomes the next one a resident can book.
    later = inside.ends_at + timedelta(minutes=1)
    assert Slot.objects.next_free_starts([window.pk], now=later) == {window.pk: beyond.starts_at}


def test_search_documents_follow_the_window_as_time_passes(window, offering, make_slot):
    from search import documents
    from search.models import ServiceDocument

    soon = make_slot(offering, starts_in=timedelta(hours=2))
    documents.rebuild()
    assert ServiceDocument.objects.get(product=window).next_slot_at == soon.starts_at

    # Ninety minutes on, the slot starts within the notice: nobody can book it online any more.
    later = timezone.now() + timedelta(minutes=90)
    assert documents.refresh_availability(now=later) == 1
    assert ServiceDocument.objects.get(product=window).next_slot_at is None


def test_elderly_mode_never_offers_a_slot_inside_the_notice(client, service_page, window, offering, make_slot):
    make_slot(offering, starts_in=timedelta(minutes=2))
    bookable = make_slot(offering, starts_in=timedelta(hours=3))
    client.post(reverse("elderly-mode"), {"on": "1", "next": service_page.url})

    html = BeautifulSoup(client.get(service_page.url).content, "html.parser")

    form = html.find("form", id="earliest-slot")
    assert form.find("input", attrs={"name": "slot"})["value"] == str(bookable.pk)


def test_a_no_show_is_marked_once_the_slot_has_ended_and_not_before(staff, resident, offering, make_slot):
    slot = make_slot(offering, starts_in=timedelta(hours=2))
    booking = services.book(resident, slot.pk)

    with pytest.raises(services.NotEnded):
        services.mark_no_show(staff, booking.code, now=slot.ends_at - timedelta(seconds=1))
    assert services.mark_no_shows(now=slot.ends_at - timedelta(seconds=1)) == 0

    assert services.mark_no_shows(now=slot.ends_at) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    assert (booking.line.status, booking.order.status) == ("no_show", "no_show")


def test_oscar_rows_follow_a_paid_booking_through_the_pipeline(resident, service, provider, make_slot):
    from decimal import Decimal

    from catalog.services import add_offering

    paid = add_offering(service, provider, Decimal("30.00"), sku="paid")
    slot = make_slot(paid, starts_in=timedelta(days=1))
    now = timezone.now()
    booking = services.book(resident, slot.pk, now=now)

    assert booking.status == "pending_payment"
    booking.refresh_from_db()
    assert (booking.line.status, booking.order.status) == ("pending_payment", "pending_payment")
    # Oscar recorded the step in its own history, as its dashboard shows it.
    assert list(booking.order.status_changes.values_list("old_status", "new_status")) == [("booked", "pending_payment")]

    # The hold lapses and the place is released; the money then arrives while the place is still free.
    lapsed = booking.hold_expires_at + timedelta(seconds=1)
    assert services.release_lapsed_holds(slot_id=slot.pk, now=lapsed) == 1
    booking.refresh_from_db()
    assert (booking.status, booking.line.status, booking.order.status) == ("cancelled",) * 3
    assert services.retake_lapsed_place(booking, now=lapsed)
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert (booking.status, booking.line.status, booking.order.status) == ("booked",) * 3
    assert slot.num_booked == 1


def test_status_groups_answer_the_templates_and_the_code_alike():
    assert set(Booking.ACTIVE) == {"pending_payment", "booked", "confirmed", "checked_in"}
    assert set(Booking.CANCELLABLE) < set(Booking.ACTIVE)
    assert set(Booking.EXPECTED) == {"booked", "confirmed"} == set(Booking.REMINDABLE)
    assert Booking(status="confirmed").is_expected and not Booking(status="pending_payment").is_expected
    now = timezone.now()
    assert rules.local_day(now) == timezone.localtime(now, timezone.get_default_timezone()).date()


def test_the_next_free_slots_of_many_services_each_follow_their_own_window(provider, sector, make_slot):
    """Enough services to be asked in one query (search's refreshes): each gets the first slot of its own window."""
    expected, services_ = {}, []
    for number in range(FEW_SERVICES + 2):
        notice, ahead = (60, 3) if number % 2 else (10, 7)
        service = create_service(f"服务{number}", sector, book_ahead_days=ahead, min_notice_minutes=notice)
        offering = add_offering(service, provider, Decimal("0.00"))
        make_slot(offering, starts_in=timedelta(minutes=30))  # inside a 10-minute notice, not a 60-minute one
        make_slot(offering, starts_in=timedelta(days=5))  # beyond 3 days ahead, inside 7
        if number % 2:
            expected[service.pk] = make_slot(offering, starts_in=timedelta(hours=2)).starts_at
        else:
            expected[service.pk] = Slot.objects.filter(offering=offering).order_by("starts_at").first().starts_at
        services_.append(service)
    services_.append(create_service("无时段的服务", sector))

    found = Slot.objects.next_free_starts([service.pk for service in services_])

    assert found == expected
    assert found == {
        pk: start for pk in expected for start in Slot.objects.next_free_starts([pk]).values()
    }  # one by one, as a booking asks


def test_there_is_no_booking_window_without_the_services_whose_window_it_is(db):
    with pytest.raises(TypeError):
        Slot.objects.in_booking_window()

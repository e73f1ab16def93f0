"""Online consultations in the booking domain: the mode, the join link's window, joining as check-in,
no-show for not joining, and the pages and notices that show the link instead of an address (issue 21)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.models import Action
from marketplace.booking import online, services
from marketplace.booking.models import Booking
from marketplace.notifications import ics
from tests.conftest import PASSWORD
from tests.marketplace.checkout.test_checkout import book_and_reach_preview

pytestmark = pytest.mark.django_db


def set_mode(offering, mode):
    type(offering.product).objects.filter(pk=offering.product_id).update(mode=mode)
    offering.product.refresh_from_db()
    return offering


@pytest.fixture
def online_offering(offering):
    return set_mode(offering, "online")


def logged_in(user, language="en"):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def online_booking(resident, online_offering, make_slot, django_capture_on_commit_callbacks):
    """An online booking of a 30-minute slot starting in 2 days, its sandbox room ready."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, make_slot(online_offering, starts_in=timedelta(days=2)).pk)
    booking.refresh_from_db()
    assert booking.room_url
    return booking


def join_page(user, booking):
    return logged_in(user).get(reverse("booking-join", kwargs={"code": booking.code}))


# The mode


def test_a_service_of_both_modes_is_booked_as_the_resident_chooses(resident, offering, make_slot):
    set_mode(offering, "both")
    onsite = services.book(resident, make_slot(offering, starts_in=timedelta(days=1)).pk)
    chosen = services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk, mode="online")
    assert (onsite.mode, chosen.mode) == ("onsite", "online")


@pytest.mark.parametrize(("service_mode", "asked"), [("onsite", "online"), ("online", "onsite")])
def test_a_mode_the_service_is_not_offered_in_is_refused_and_books_nothing(
    resident, offering, make_slot, service_mode, asked
):
    set_mode(offering, service_mode)
    slot = make_slot(offering)
    with pytest.raises(online.ModeError) as refused:
        services.book(resident, slot.pk, mode=asked)
    assert refused.value.code == "invalid"
    assert not Booking.objects.exists()
    slot.refresh_from_db()
    assert slot.num_booked == 0


def test_on_the_web_a_service_of_both_modes_asks_and_books_online(
    resident, service, offering, slot, django_capture_on_commit_callbacks
):
    set_mode(offering, "both")
    client = logged_in(resident)

    preview = book_and_reach_preview(client, service, slot).content.decode()
    assert "On site or online?" in preview
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("checkout:preview"), {"action": "place_order", "mode": "online"})

    assert placed.url == reverse("checkout:thank-you")
    booking = Booking.objects.get(user=resident)
    assert booking.mode == "online" and booking.room_url
    thanks = client.get(placed.url).content.decode()
    assert "Join the video consultation" in thanks
    assert "Show this booking code at the counter" not in thanks


def test_on_the_web_an_onsite_service_does_not_ask(resident, service, slot):
    preview = book_and_reach_preview(logged_in(resident), service, slot).content.decode()
    assert "On site or online?" not in preview


def test_on_the_web_a_forged_mode_is_a_400_and_books_nothing(resident, service, offering, slot):
    set_mode(offering, "both")
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)
    response = client.post(reverse("checkout:preview"), {"action": "place_order", "mode": "video"})
    assert response.status_code == 400
    assert not Booking.objects.exists()


# The join link's window


def test_the_join_link_is_closed_before_it_opens(resident, online_booking):
    opens = online_booking.slot.starts_at - timedelta(minutes=10)
    with time_machine.travel(opens - timedelta(minutes=1), tick=False):
        response = join_page(resident, online_booking)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The video room opens 10 minutes before" in page
    assert f"from {timezone.localtime(opens):%H:%M}" in page
    online_booking.refresh_from_db()
    assert online_booking.status == "booked" and online_booking.resident_joined_at is None
    assert not Action.objects.filter(booking_code=online_booking.code, action="joined").exists()


@pytest.mark.parametrize(
    "moment",
    [lambda slot: slot.starts_at - timedelta(minutes=10), lambda slot: slot.ends_at - timedelta(seconds=1)],
    ids=["as-it-opens", "just-before-the-end"],
)
def test_joining_while_open_enters_the_room_and_checks_the_resident_in(resident, online_booking, moment):
    at = moment(online_booking.slot)
    with time_machine.travel(at, tick=False):
        response = join_page(resident, online_booking)

    assert response.status_code == 302
    assert response.url.startswith(online_booking.room_url + "?")
    assert "role=resident" in response.url
    online_booking.refresh_from_db()
    assert online_booking.status == "checked_in"
    assert online_booking.resident_joined_at == at
    joined = Action.objects.get(booking_code=online_booking.code, action="joined")
    assert (joined.actor_id, joined.actor_kind, joined.door, joined.detail["who"]) == (
        resident.pk,
        "resident",
        "web",
        "resident",
    )
    assert Action.objects.filter(booking_code=online_booking.code, action="checked_in").count() == 1
    # Oscar's line follows the booking, as for a check-in at the counter.
    assert online_booking.line.status == "checked_in"


def test_joining_again_enters_again_and_records_once(resident, online_booking):
    with time_machine.travel(online_booking.slot.starts_at, tick=False):
        first = join_page(resident, online_booking)
        again = join_page(resident, online_booking)
    assert first.status_code == again.status_code == 302
    assert Action.objects.filter(booking_code=online_booking.code, action="joined").count() == 1


def test_the_join_link_is_closed_once_the_slot_ended_and_the_resident_is_a_no_show(resident, online_booking):
    with time_machine.travel(online_booking.slot.ends_at, tick=False):
        response = join_page(resident, online_booking)
        assert response.status_code == 409
        assert "That time has ended" in response.content.decode()
        # Not joined by the end: the nightly job marks the no-show, as for any expected booking.
        assert services.mark_no_shows() == 1
    online_booking.refresh_from_db()
    assert online_booking.status == "no_show"


def test_a_resident_who_joined_is_not_a_no_show(resident, online_booking):
    with time_machine.travel(online_booking.slot.starts_at + timedelta(minutes=1), tick=False):
        join_page(resident, online_booking)
    with time_machine.travel(online_booking.slot.ends_at + timedelta(hours=1), tick=False):
        assert services.mark_no_shows() == 0
    online_booking.refresh_from_db()
    assert online_booking.status == "checked_in"


def test_the_qr_check_in_does_not_apply_to_an_online_booking(staff, online_booking):
    with time_machine.travel(online_booking.slot.starts_at, tick=False):
        with pytest.raises(services.NotCheckable):
            services.check_in(staff, online_booking.code)


def test_someone_elses_join_link_is_404(other_resident, online_booking):
    with time_machine.travel(online_booking.slot.starts_at, tick=False):
        assert join_page(other_resident, online_booking).status_code == 404
    online_booking.refresh_from_db()
    assert online_booking.status == "booked"


def test_an_onsite_booking_has_no_join_link(resident, offering, make_slot):
    booking = services.book(resident, make_slot(offering).pk)
    with time_machine.travel(booking.slot.starts_at, tick=False):
        response = join_page(resident, booking)
    assert response.status_code == 409
    assert "not an online consultation" in response.content.decode()


def test_a_cancelled_booking_cannot_be_joined(resident, online_booking):
    services.cancel_booking(online_booking)
    with time_machine.travel(online_booking.slot.starts_at, tick=False):
        assert join_page(resident, online_booking).status_code == 409


def test_a_room_not_ready_says_so_and_asks_again(resident, online_booking, django_capture_on_commit_callbacks):
    Booking.objects.filter(pk=online_booking.pk).update(room_url="", room_id="", room_status="failed")
    with time_machine.travel(online_booking.slot.starts_at, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = join_page(resident, online_booking)
        assert response.status_code == 503
        assert "still being prepared" in response.content.decode()
        online_booking.refresh_from_db()
        # The room was asked for again (the sandbox answers at once): the next try enters.
        assert online_booking.room_url
        assert join_page(resident, online_booking).status_code == 302


def test_the_clerk_opens_the_same_room_from_the_console(staff, other_staff, provider, online_booking):
    url = reverse("provider:join", kwargs={"partner_id": provider.pk, "code": online_booking.code})
    with time_machine.travel(online_booking.slot.starts_at - timedelta(minutes=5), tick=False):
        client = logged_in(staff)
        day = client.get(
            reverse("provider:day", kwargs={"partner_id": provider.pk}),
            {"date": f"{timezone.localtime(online_booking.slot.starts_at):%Y-%m-%d}"},
        ).content.decode()
        response = client.get(url)
        assert logged_in(other_staff).get(url).status_code == 404

    assert url in day and "Open the video room" in day
    assert response.status_code == 302
    assert response.url.startswith(online_booking.room_url + "?") and "role=staff" in response.url
    online_booking.refresh_from_db()
    # The clerk joining is recorded; it is not the resident's check-in.
    assert online_booking.staff_joined_at is not None and online_booking.status == "booked"
    joined = Action.objects.get(booking_code=online_booking.code, action="joined")
    assert (joined.actor_id, joined.actor_kind, joined.detail["who"]) == (staff.pk, "staff", "staff")


def test_the_console_says_when_the_room_opens_and_refuses_earlier(staff, provider, online_booking):
    url = reverse("provider:join", kwargs={"partner_id": provider.pk, "code": online_booking.code})
    with time_machine.travel(online_booking.slot.starts_at - timedelta(hours=1), tick=False):
        client = logged_in(staff)
        day = client.get(
            reverse("provider:day", kwargs={"partner_id": provider.pk}),
            {"date": f"{timezone.localtime(online_booking.slot.starts_at):%Y-%m-%d}"},
        ).content.decode()
        response = client.get(url, follow=True)
    opens = timezone.localtime(online_booking.slot.starts_at - timedelta(minutes=10))
    assert f"Video room from {opens:%H:%M}" in day and "Check in" not in day.split("<tbody>")[1]
    assert "The video room opens 10 minutes before" in response.content.decode()
    online_booking.refresh_from_db()
    assert online_booking.staff_joined_at is None


# Pages, notices and the calendar file: the link, not the address


def test_the_booking_page_shows_the_join_link_and_no_address_or_qr(resident, provider, online_booking):
    page = logged_in(resident).get(reverse("booking-detail", kwargs={"code": online_booking.code})).content.decode()
    assert reverse("booking-join", kwargs={"code": online_booking.code}) in page
    assert "it opens 10 minutes before the start" in page
    assert provider.address not in page
    assert "booking-checkin-qr" not in page and "Show this QR code" not in page


def test_an_onsite_booking_page_is_unchanged(resident, provider, offering, make_slot):
    booking = services.book(resident, make_slot(offering).pk)
    page = logged_in(resident).get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert provider.address in page and "booking-checkin-qr" in page
    assert "/join/" not in page


def test_the_calendar_file_places_an_online_booking_at_its_join_link(provider, online_booking):
    calendar = ics.booking_calendar(online_booking).replace("\r\n ", "")
    join_url = online.join_url(online_booking)
    assert f"LOCATION:{join_url}" in calendar
    assert f"URL:{join_url}" in calendar
    assert provider.address.replace(",", "\\,") not in calendar


def test_a_counter_booked_online_consultation_slip_gives_the_link_not_the_address_or_qr(
    staff, resident, provider, online_offering, make_slot
):
    booking = services.book_at_counter(staff, make_slot(online_offering).pk, resident, consent=True)
    slip = (
        logged_in(staff)
        .get(reverse("provider:counter-slip", kwargs={"partner_id": provider.pk, "code": booking.code}))
        .content.decode()
    )
    assert booking.mode == "online"
    assert online.join_url(booking) in slip
    assert provider.address not in slip and "booking-checkin-qr" not in slip


def test_my_bookings_lists_the_join_link_of_an_online_booking(resident, online_booking):
    page = logged_in(resident).get(reverse("my-bookings")).content.decode()
    assert reverse("booking-join", kwargs={"code": online_booking.code}) in page

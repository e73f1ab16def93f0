"""The resident's pages for moving a booking and for waiting lists."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.booking import services, waitlist
from marketplace.booking.models import WaitlistEntry
from tests.conftest import PASSWORD

Booking = get_model("booking", "Booking")


@pytest.fixture
def booking(resident, slot):
    return services.book(resident, slot.pk)


@pytest.fixture
def later(make_slot, offering):
    return make_slot(offering, starts_in=timedelta(days=2))


@pytest.fixture
def signed_in(client, resident):
    client.login(email=resident.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def full_slot(make_slot, offering, other_resident):
    slot = make_slot(offering, starts_in=timedelta(days=1, hours=3), capacity=1)
    services.book(other_resident, slot.pk)
    return slot


def reschedule_url(booking):
    return reverse("booking-reschedule", kwargs={"code": booking.code})


def test_the_booking_page_offers_to_move_it(signed_in, booking):
    html = signed_in.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert reschedule_url(booking) in html
    assert "Move to another time" in html


@pytest.mark.usefixtures("daytime")
def test_moving_offers_the_same_provider_first(signed_in, booking, later, provider, street, service, make_slot):
    from catalog.services import add_offering

    Partner = get_model("partner", "Partner")
    # A name that sorts before the booking's own provider's.
    elsewhere = Partner.objects.create(name="东华街道法律服务所", code="donghua-legal", street=street)
    sooner_elsewhere = make_slot(add_offering(service, elsewhere), starts_in=timedelta(days=2, minutes=-30))

    html = BeautifulSoup(signed_in.get(reschedule_url(booking)).content, "html.parser")

    day = html.find(class_="slot-day")
    assert [heading.get_text(" ", strip=True) for heading in day.find_all("h3")][0].startswith(provider.name)
    assert [a["href"] for a in day.find_all("a")] == [f"?slot={later.pk}", f"?slot={sooner_elsewhere.pk}"]


def test_choose_confirm_and_move(signed_in, booking, slot, later, provider):
    choose = signed_in.get(reschedule_url(booking)).content.decode()
    assert f"?slot={later.pk}" in choose
    assert f"?slot={slot.pk}" not in choose  # not the time already booked
    assert provider.name in choose

    confirm = signed_in.get(reschedule_url(booking), {"slot": later.pk}).content.decode()
    assert "Move my booking to this time" in confirm
    assert f'name="slot" value="{later.pk}"' in confirm
    booking.refresh_from_db()
    assert booking.slot == slot  # looking changes nothing

    response = signed_in.post(reschedule_url(booking), {"slot": later.pk}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("booking-detail", kwargs={"code": booking.code})
    assert "has been moved to the new time" in response.content.decode()
    booking.refresh_from_db()
    slot.refresh_from_db()
    later.refresh_from_db()
    assert (booking.slot, slot.num_booked, later.num_booked) == (later, 0, 1)


def test_a_refused_move_says_why_and_changes_nothing(signed_in, booking, slot, full_slot):
    response = signed_in.post(reschedule_url(booking), {"slot": full_slot.pk}, follow=True)

    assert "fully booked" in response.content.decode()
    booking.refresh_from_db()
    full_slot.refresh_from_db()
    assert (booking.slot, full_slot.num_booked) == (slot, 1)


@pytest.mark.parametrize("value", ["", "99999999"])
def test_an_unknown_slot_is_refused_cleanly(signed_in, booking, slot, value):
    response = signed_in.post(reschedule_url(booking), {"slot": value})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot == slot
    assert signed_in.get(reschedule_url(booking), {"slot": value}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "-3", "²", "٣"])
def test_a_malformed_slot_is_a_bad_request(signed_in, booking, slot, value):
    # No page sends it (marketplace/ids.py; tests/marketplace/test_ids.py).
    assert signed_in.post(reschedule_url(booking), {"slot": value}).status_code == 400
    booking.refresh_from_db()
    assert booking.slot == slot
    assert signed_in.get(reschedule_url(booking), {"slot": value}).status_code == 400


def test_someone_elses_booking_cannot_be_moved(client, booking, slot, later, other_resident):
    client.login(email=other_resident.email, password=PASSWORD)
    assert client.get(reschedule_url(booking)).status_code == 404
    assert client.post(reschedule_url(booking), {"slot": later.pk}).status_code == 404
    booking.refresh_from_db()
    assert booking.slot == slot


def test_a_booking_past_its_deadline_offers_no_move(signed_in, resident, offering, make_slot, later):
    soon = services.book(resident, make_slot(offering, starts_in=timedelta(hours=1)).pk)
    html = signed_in.get(reverse("booking-detail", kwargs={"code": soon.code})).content.decode()
    assert reschedule_url(soon) not in html
    response = signed_in.get(reschedule_url(soon))
    assert response.status_code == 302


# The service page opens on the first day with times: late in the evening, a slot a day and three
# hours ahead falls on the day after the ``slot`` fixture's.
@pytest.mark.usefixtures("daytime")
def test_the_service_page_offers_the_waiting_list_for_a_full_slot(client, service_page, full_slot, slot):
    client.cookies["django_language"] = "en"
    html = client.get(service_page.url).content.decode()
    assert html.count("Join the waiting list") == 1
    assert f"{reverse('waitlist-join')}?slot={full_slot.pk}" in html


def test_joining_from_the_service_page_and_seeing_my_place_in_line(signed_in, resident, full_slot):
    response = signed_in.post(f"{reverse('waitlist-join')}?slot={full_slot.pk}", {"slot": full_slot.pk}, follow=True)

    html = response.content.decode()
    assert "You are number 1 on the waiting list" in html
    assert "You are number 1 in line." in html
    assert WaitlistEntry.objects.get(user=resident).slot == full_slot


def test_a_visitor_signs_in_then_confirms_joining(client, resident, full_slot):
    url = f"{reverse('waitlist-join')}?slot={full_slot.pk}"
    response = client.post(url, {"slot": full_slot.pk})
    assert response.status_code == 302 and response.url.startswith(reverse("customer:login"))

    client.login(email=resident.email, password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{full_slot.pk}"' in page.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_joining_a_slot_with_a_place_says_book_it_instead(signed_in, slot, service_page):
    response = signed_in.post(reverse("waitlist-join"), {"slot": slot.pk}, follow=True)
    assert "still has a free place" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize("value", ["", "99999999"])
def test_joining_an_unknown_slot_is_404(signed_in, value):
    assert signed_in.post(reverse("waitlist-join"), {"slot": value}).status_code == 404


@pytest.mark.parametrize("value", ["x", "0", "٣"])
def test_joining_a_slot_that_is_no_id_is_a_bad_request(signed_in, value):
    assert signed_in.post(reverse("waitlist-join"), {"slot": value}).status_code == 400


def test_an_offer_is_accepted_from_my_bookings(signed_in, resident, full_slot, django_capture_on_commit_callbacks):
    entry = waitlist.join(resident, full_slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(Booking.objects.get(slot=full_slot))

    html = signed_in.get(reverse("my-bookings")).content.decode()
    assert "A place is free for you" in html
    assert reverse("waitlist-accept", kwargs={"entry_id": entry.pk}) in html
    assert reverse("waitlist-decline", kwargs={"entry_id": entry.pk}) in html

    response = signed_in.post(reverse("waitlist-accept", kwargs={"entry_id": entry.pk}), follow=True)

    booking = Booking.objects.get(user=resident, slot=full_slot)
    assert response.redirect_chain[-1][0] == reverse("booking-detail", kwargs={"code": booking.code})
    assert "The place is yours" in response.content.decode()
    full_slot.refresh_from_db()
    assert full_slot.num_booked == 1


def test_declining_and_leaving_from_my_bookings(signed_in, resident, full_slot, django_capture_on_commit_callbacks):
    entry = waitlist.join(resident, full_slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(Booking.objects.get(slot=full_slot))

    signed_in.post(reverse("waitlist-decline", kwargs={"entry_id": entry.pk}))

    entry.refresh_from_db()
    full_slot.refresh_from_db()
    assert (entry.status, full_slot.num_booked) == ("declined", 0)
    assert "Waiting lists" not in signed_in.get(reverse("my-bookings")).content.decode()


@pytest.mark.parametrize("action", ["waitlist-accept", "waitlist-decline", "waitlist-leave"])
def test_someone_elses_entry_is_404_and_untouched(client, resident, other_resident, full_slot, make_user, action):
    waiter = make_user(email="waiter@example.com", phone="13600000000")
    entry = waitlist.join(waiter, full_slot.pk)
    client.login(email=resident.email, password=PASSWORD)

    assert client.post(reverse(action, kwargs={"entry_id": entry.pk})).status_code == 404
    assert client.get(reverse(action, kwargs={"entry_id": entry.pk})).status_code == 405
    entry.refresh_from_db()
    assert entry.status == "waiting"


def test_the_admin_lists_waiting_list_entries_read_only(client, admin_user, resident, full_slot):
    waitlist.join(resident, full_slot.pk)
    client.login(email=admin_user.email, password=PASSWORD)

    response = client.get(reverse("admin:booking_waitlistentry_changelist"))

    assert response.status_code == 200
    assert str(resident) in response.content.decode()
    assert client.get(reverse("admin:booking_waitlistentry_add")).status_code == 403

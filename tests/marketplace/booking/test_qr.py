"""QR check-in: the resident's pages show a signed QR code; the console and the API accept it like a typed code."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from marketplace.answers import status_for
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.booking.templatetags.booking_tags import booking_qr
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import assert_error, authorised_client
from tests.marketplace.checkout.test_checkout import book_and_reach_preview, place_order

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")

CHECKINS = "/api/v1/provider/checkins"


def tampered(token):
    """The token with one character of its signature changed."""
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def status_of(booking):
    booking.refresh_from_db()
    return booking.status


def post_checkin(client, code):
    return client.post(CHECKINS, json.dumps({"code": code}), content_type="application/json")


def logged_in(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


# The token


def test_token_round_trips_to_the_code(today_booking):
    token = services.checkin_token(today_booking)

    assert len(token) <= 32  # fits the console field and the API's ``code``
    assert token.startswith(today_booking.code)
    assert services.code_from_scan(token) == today_booking.code
    assert services.code_from_scan(f" {token}\n") == today_booking.code  # a scanner's Enter


def test_a_typed_code_is_still_a_code():
    assert services.code_from_scan(" abcd efgh ") == "ABCDEFGH"


@pytest.mark.parametrize(
    "forge",
    [
        tampered,
        lambda token: token.split(":")[0] + ":" + "A" * 16,
        lambda token: token.split(":")[0] + ":",
        lambda token: token + "A",
        lambda token: token.split(":")[0] + ":" + services.checkin_token(Booking(code="ZZZZZZZZ")).split(":")[1],
    ],
    ids=["one-character", "made-up", "no-signature", "too-long", "another-codes-signature"],
)
def test_a_forged_token_is_refused(today_booking, forge):
    with pytest.raises(services.BadCheckinToken) as error:
        services.code_from_scan(forge(services.checkin_token(today_booking)))

    assert status_for(error.value) == 400
    assert error.value.code == "bad_token"


# The resident's pages


def test_confirmation_page_shows_the_qr_for_an_active_booking(resident, service, slot):
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)
    place_order(client)

    html = client.get(reverse("checkout:thank-you")).content.decode()

    booking = Booking.objects.get(user=resident, slot=slot)
    # The header's emblem is an SVG too; the QR is the one with a role and a label.
    assert html.count('<svg role="img"') == 1
    assert booking.code in html.split('<svg role="img"', 1)[1].split(">", 1)[0]  # in the aria-label


def test_confirmation_page_has_no_qr_for_a_cancelled_booking(resident, service, slot):
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)
    place_order(client)
    services.cancel_booking(Booking.objects.get(user=resident, slot=slot))

    html = client.get(reverse("checkout:thank-you")).content.decode()

    assert 'class="booking-qr"' not in html


def test_booking_page_shows_the_qr_only_while_active(client, resident, today_booking):
    client.force_login(resident)
    url = reverse("booking-detail", kwargs={"code": today_booking.code})

    html = client.get(url).content.decode()
    assert html.count('class="booking-qr"') == 1
    with translation.override("zh-hans"):
        label = translation.gettext("Check-in QR code for booking %(code)s") % {"code": today_booking.code}
        caption = translation.gettext("Show this QR code or the booking code at the counter.")
    assert f'aria-label="{label}"' in html
    assert caption in html

    services.cancel_booking(today_booking, by=Booking.CancelledBy.PROVIDER)
    html = client.get(url).content.decode()
    assert 'class="booking-qr"' not in html


def test_filter_is_empty_for_a_booking_that_cannot_be_checked_in(today_booking):
    assert str(booking_qr(today_booking)).startswith("<svg")
    today_booking.status = Booking.Status.CHECKED_IN
    assert booking_qr(today_booking) == ""


# Checking in with the token


def test_check_in_with_the_token_through_the_service(staff, today_booking):
    booking = services.check_in(staff, services.checkin_token(today_booking))

    assert booking.pk == today_booking.pk
    assert status_of(today_booking) == Booking.Status.CHECKED_IN


def test_a_tampered_token_never_checks_in_through_the_service(staff, today_booking):
    with pytest.raises(services.BadCheckinToken):
        services.check_in(staff, tampered(services.checkin_token(today_booking)))
    with pytest.raises(services.BadCheckinToken):
        services.mark_no_show(staff, tampered(services.checkin_token(today_booking)))

    assert status_of(today_booking) == Booking.Status.BOOKED


def test_check_in_with_the_token_through_the_console(client, staff, provider, today_booking):
    client.force_login(staff)

    client.post(f"/provider/{provider.pk}/check-in/", {"code": services.checkin_token(today_booking)}, follow=True)

    assert status_of(today_booking) == Booking.Status.CHECKED_IN


def test_a_tampered_token_shows_the_error_in_the_console(client, staff, provider, today_booking):
    client.force_login(staff)

    response = client.post(
        f"/provider/{provider.pk}/check-in/", {"code": tampered(services.checkin_token(today_booking))}, follow=True
    )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    with translation.override("zh-hans"):
        expected = translation.gettext("This QR code is not valid. Please type the booking code instead.")
    assert messages == [expected]
    assert status_of(today_booking) == Booking.Status.BOOKED


def test_check_in_with_the_token_through_the_api(staff, today_booking):
    response = post_checkin(authorised_client(staff), services.checkin_token(today_booking))

    assert response.status_code == 200, response.content
    assert response.json()["code"] == today_booking.code
    assert response.json()["status"] == "checked_in"
    assert status_of(today_booking) == Booking.Status.CHECKED_IN


def test_a_tampered_token_is_a_400_in_the_api(staff, today_booking):
    response = post_checkin(authorised_client(staff), tampered(services.checkin_token(today_booking)))

    assert_error(response, 400, "bad_token")
    assert status_of(today_booking) == Booking.Status.BOOKED


def test_another_providers_token_is_not_found(other_staff, other_provider, today_booking):
    token = services.checkin_token(today_booking)

    with pytest.raises(services.BookingNotFound):
        services.check_in(other_staff, token)
    assert_error(post_checkin(authorised_client(other_staff), token), 404, "not_found")
    client = Client()
    client.force_login(other_staff)
    response = client.post(f"/provider/{other_provider.pk}/check-in/", {"code": token}, follow=True)
    with translation.override("zh-hans"):
        expected = translation.gettext("No booking with this code at your provider.")
    assert [str(message) for message in response.context["messages"]] == [expected]
    assert status_of(today_booking) == Booking.Status.BOOKED


def test_a_resident_gets_not_staff_even_with_a_token(resident, today_booking):
    response = post_checkin(authorised_client(resident), services.checkin_token(today_booking))

    assert_error(response, 403, "not_staff")

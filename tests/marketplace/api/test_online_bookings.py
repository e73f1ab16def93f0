"""The API's bookings carry ``mode`` and ``join_url``; ``POST /bookings`` takes ``mode`` for a service of both
modes (API.md, additions of 2026-12)."""

from datetime import timedelta

import pytest
from django.test import override_settings

from marketplace.booking.models import Booking
from tests.marketplace.api.conftest import API, assert_error
from tests.marketplace.api.test_bookings import post_booking

SITE = "https://fuwu.panlong.example"


def set_mode(offering, mode):
    type(offering.product).objects.filter(pk=offering.product_id).update(mode=mode)


@override_settings(SITE_URL=SITE)
def test_an_online_booking_answers_its_mode_and_absolute_join_url(resident_api, offering, slot):
    set_mode(offering, "online")

    body = post_booking(resident_api, {"slot": slot.pk}).json()

    assert body["mode"] == "online"
    assert body["join_url"] == f"{SITE}/shop/accounts/bookings/{body['code']}/join/"
    listed = resident_api.get(f"{API}/bookings").json()["results"]
    assert [(b["mode"], b["join_url"]) for b in listed] == [("online", body["join_url"])]
    assert resident_api.get(f"{API}/bookings/{body['code']}").json()["join_url"] == body["join_url"]


@pytest.mark.parametrize(("asked", "expected"), [(None, "onsite"), ("onsite", "onsite"), ("online", "online")])
def test_a_service_of_both_modes_is_booked_in_the_mode_asked(resident_api, offering, slot, asked, expected):
    set_mode(offering, "both")
    payload = {"slot": slot.pk} if asked is None else {"slot": slot.pk, "mode": asked}

    response = post_booking(resident_api, payload)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mode"] == expected
    assert (body["join_url"] is None) == (expected == "onsite")
    assert Booking.objects.get(code=body["code"]).mode == expected


@pytest.mark.parametrize("mode", ["video", "", 1, ["online"], "ONLINE"])
def test_an_invalid_mode_is_400_invalid_and_books_nothing(resident_api, offering, slot, mode):
    set_mode(offering, "both")
    assert_error(post_booking(resident_api, {"slot": slot.pk, "mode": mode}), 400, "invalid")
    assert not Booking.objects.exists()
    slot.refresh_from_db()
    assert slot.num_booked == 0


def test_a_mode_the_service_is_not_offered_in_is_400_invalid(resident_api, offering, make_slot):
    slot = make_slot(offering, starts_in=timedelta(days=1))
    body = assert_error(post_booking(resident_api, {"slot": slot.pk, "mode": "online"}), 400, "invalid")
    assert "免费法律咨询" in body["detail"]
    assert not Booking.objects.exists()


def test_the_openapi_document_describes_mode_and_join_url(api):
    schema = api.get(f"{API}/openapi.json").json()["components"]["schemas"]
    booking_in = schema["BookingIn"]["properties"]["mode"]
    assert "onsite" in str(booking_in) and "online" in str(booking_in)
    out = schema["BookingOut"]
    assert {"mode", "join_url"} <= set(out["required"])
    assert "online" in str(out["properties"]["mode"]) and "null" in str(out["properties"]["join_url"])

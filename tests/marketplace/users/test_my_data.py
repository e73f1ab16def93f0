"""A resident's own data (PIPL): the “My data” page and download, and deleting the account on the web.

Deleting goes through one domain function (``users.services.delete_account``): bookings ahead are
cancelled through the booking domain, the person is anonymised, bookings and payments stay.
"""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

import json
from datetime import timedelta

import pytest
import responses
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken

from marketplace.audit.models import Action
from marketplace.booking import services, waitlist
from marketplace.booking.models import Booking, WaitlistEntry
from marketplace.payment.models import GatewayPayment, GatewayRefund
from marketplace.users.models import Dependant
from marketplace.users.services import add_dependant
from tests.conftest import PASSWORD
from tests.marketplace.payment.conftest import (  # noqa: F401
    GATEWAY,
    paid_offering,
    paid_service,
    paid_slot,
    real_gateway,
)
from tests.marketplace.payment.test_facade import post_webhook, remote

User = get_user_model()


def signed_in(user, language="en"):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def paid_booking(real_gateway, client, resident, paid_slot):
    from marketplace.payment import facade

    with responses.RequestsMock() as mocked:
        booking = services.book(resident, paid_slot.pk)
        mocked.post(f"{GATEWAY}/payments", json=remote(f"{booking.code}-1"), status=201)
        facade.start_payment(booking)
        assert post_webhook(client, remote(f"{booking.code}-1", "succeeded")).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    return booking


@pytest.fixture
def mother(resident):
    return add_dependant(resident, "王秀英", "parent", "13700001111")


@pytest.fixture
def mothers_booking(resident, mother, slot):
    return services.book(resident, slot.pk, dependant=mother.pk)


# --- the schema keeps bookings and payments ------------------------------------------------------


def test_a_user_with_bookings_cannot_be_deleted_by_cascade(resident, mothers_booking):
    with pytest.raises(ProtectedError):
        resident.delete()
    with pytest.raises(ProtectedError):
        mothers_booking.order.delete()
    assert Booking.objects.filter(pk=mothers_booking.pk).exists()


def test_a_paid_booking_and_its_payment_cannot_be_deleted(paid_booking):
    with pytest.raises(ProtectedError):
        paid_booking.delete()
    with pytest.raises(ProtectedError):
        paid_booking.order.delete()
    assert GatewayPayment.objects.filter(booking=paid_booking).exists()


# --- my data --------------------------------------------------------------------------------------


def test_my_data_page_shows_everything_with_numbers_masked(resident, mothers_booking, mother):
    page = signed_in(resident).get(reverse("my-data"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "My data" in text
    assert mothers_booking.code in text
    assert "王秀英" in text and "Parent" in text
    assert "138****5678" in text and "13812345678" not in text
    assert "137****1111" in text and "13700001111" not in text
    assert "Who has seen my data" in text
    assert Action.objects.filter(person=resident, action=Action.Code.DATA_VIEWED, door="web").count() == 1


def test_my_data_page_in_chinese(resident, mothers_booking):
    text = signed_in(resident, language="zh-hans").get(reverse("my-data")).content.decode()
    assert "我的数据" in text
    assert "下载我的数据" in text


def test_the_download_has_everything_including_the_dependants_bookings(resident, mothers_booking, mother):
    response = signed_in(resident).get(reverse("my-data-download"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["phone"] == "13812345678"
    assert data["profile"]["email"] == resident.email
    assert data["dependants"] == [
        {
            "id": mother.pk,
            "name": "王秀英",
            "relation": "parent",
            "phone": "13700001111",
            "added_at": data["dependants"][0]["added_at"],
            "removed_at": None,
        }
    ]
    (booking,) = data["bookings"]
    assert booking["code"] == mothers_booking.code
    assert booking["dependant"] == {"id": mother.pk, "name": "王秀英"}
    assert [entry["action"] for entry in booking["history"]] == ["placed"]
    assert booking["history"][0]["door"] == "job"  # booked by a service call here, not through a door
    assert data["matters"] == []
    for key in ("ratings", "notices", "access_log", "waiting_list"):
        assert key in data
    assert Action.objects.filter(person=resident, action=Action.Code.DATA_EXPORTED, door="web").count() == 1


def test_my_data_needs_signing_in_and_shows_nobody_elses(client, resident, other_resident, mothers_booking):
    assert client.get(reverse("my-data")).status_code == 302
    assert client.get(reverse("my-data-download")).status_code == 302
    data = json.loads(signed_in(other_resident).get(reverse("my-data-download")).content)
    assert data["bookings"] == [] and data["dependants"] == []
    assert data["profile"]["email"] == other_resident.email


# --- deleting the account on the web --------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(resident, mothers_booking):
    client = signed_in(resident)
    response = client.post(reverse("delete-account"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    resident.refresh_from_db()
    assert resident.anonymised_at is None and resident.is_active
    mothers_booking.refresh_from_db()
    assert mothers_booking.status == Booking.Status.BOOKED


def test_another_residents_password_does_not_delete_mine(resident, other_resident, mothers_booking):
    signed_in(resident).post(reverse("delete-account"), {"password": "not-" + PASSWORD})
    resident.refresh_from_db()
    other_resident.refresh_from_db()
    assert resident.is_active and other_resident.is_active


def test_the_confirm_page_says_what_will_happen(resident, mothers_booking):
    text = signed_in(resident).get(reverse("delete-account")).content.decode()
    assert "Your 1 booking still to come is cancelled" in text
    assert 'type="password"' in text


def test_deleting_the_account_frees_places_queues_refunds_and_anonymises(
    resident, mother, mothers_booking, paid_booking, slot, paid_slot, staff, make_slot, offering, other_resident
):
    # A full slot the resident waits for, and a booking too close to cancel online: both are given back.
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    services.book(other_resident, full.pk)
    entry = waitlist.join(resident, full.pk)
    soon = make_slot(offering, starts_in=timedelta(minutes=90))
    too_late = services.book(resident, soon.pk)
    APIToken.create_token(user=resident, name="phone")
    client = signed_in(resident)
    assert slot.__class__.objects.get(pk=slot.pk).num_booked == 1

    response = client.post(reverse("delete-account"), {"password": PASSWORD})

    assert response.status_code == 302
    for each in (slot, paid_slot, soon):
        each.refresh_from_db()
        assert each.num_booked == 0
    for booking in (mothers_booking, paid_booking, too_late):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
    (refund,) = GatewayRefund.objects.filter(payment__booking=paid_booking)
    assert refund.status == GatewayRefund.Status.PENDING and refund.amount == 3000
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.LEFT

    resident.refresh_from_db()
    assert resident.email is None and resident.name == "" and resident.phone == ""
    assert not resident.is_active and not resident.has_usable_password()
    mother = Dependant.objects.get(pk=mother.pk)
    assert mother.name == "" and mother.phone == ""
    assert not APIToken.objects.filter(user=resident, revoked_at__isnull=True).exists()

    # The provider's history still has the bookings, without the resident's name.
    at_provider = services.bookings_at_providers_of(staff)
    assert set(at_provider.values_list("code", flat=True)) >= {mothers_booking.code, too_late.code}
    assert at_provider.get(code=mothers_booking.code).person_served == "Deleted account"
    assert GatewayPayment.objects.filter(booking=paid_booking).exists()

    (deleted,) = Action.objects.filter(action=Action.Code.ACCOUNT_DELETED)
    assert deleted.person_id == resident.pk and deleted.door == "web" and deleted.actor_kind == "resident"
    assert set(deleted.detail["cancelled"]) == {mothers_booking.code, paid_booking.code, too_late.code}

    # Signed out, and nobody can sign in to the account again.
    assert client.get(reverse("my-data")).status_code == 302
    assert not Client().login(email="resident@example.com", password=PASSWORD)


def test_deleting_keeps_past_visits_as_they_were(resident, make_slot, offering):
    from tests.conftest import ended_booking

    visited = ended_booking(resident, make_slot, offering, status="checked_in")
    signed_in(resident).post(reverse("delete-account"), {"password": PASSWORD})

    visited.refresh_from_db()
    assert visited.status == Booking.Status.CHECKED_IN
    assert User.objects.filter(pk=resident.pk).exists()


def test_oscars_delete_profile_address_anonymises_instead_of_deleting(resident, mothers_booking, slot):
    client = signed_in(resident)
    url = reverse("customer:profile-delete")
    assert client.get(url).status_code == 200

    response = client.post(url, {"password": PASSWORD})

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.anonymised_at is not None and not resident.is_active
    slot.refresh_from_db()
    assert slot.num_booked == 0
    assert Booking.objects.filter(pk=mothers_booking.pk, status=Booking.Status.CANCELLED).exists()

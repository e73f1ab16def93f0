"""GET /api/v1/me/export and DELETE /api/v1/me (API.md, “Accounts and the resident's data”)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from marketplace.audit.models import Action
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.users.models import Dependant
from marketplace.users.services import add_dependant
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error, authorised_client

User = get_user_model()


@pytest.fixture
def mother(resident):
    return add_dependant(resident, "王秀英", "parent", "13700001111")


@pytest.fixture
def mothers_booking(resident, mother, slot):
    return services.book(resident, slot.pk, dependant=mother.pk)


def delete_me(client, password):
    return client.delete(f"{API}/me", data=json.dumps({"password": password}), content_type="application/json")


def test_export_has_the_dependants_bookings_and_full_numbers(resident_api, resident, mother, mothers_booking):
    response = resident_api.get(f"{API}/me/export")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["profile"]["phone"] == "13812345678"
    assert [each["name"] for each in data["dependants"]] == ["王秀英"]
    assert data["dependants"][0]["phone"] == "13700001111"
    (booking,) = data["bookings"]
    assert booking["code"] == mothers_booking.code
    assert booking["dependant"]["id"] == mother.pk
    assert booking["slot"]["starts_at"].endswith("+08:00")
    assert booking["history"][0]["action"] == "placed"
    assert data["matters"] == []
    assert Action.objects.filter(person=resident, action=Action.Code.DATA_EXPORTED, door="api").count() == 1


def test_export_is_the_same_as_the_web_download(resident_api, resident, mothers_booking):
    web = Client()
    web.login(email=resident.email, password=PASSWORD)  # signing in on the web is in the profile too
    from_api = resident_api.get(f"{API}/me/export").json()
    from_web = json.loads(web.get(reverse("my-data-download")).content)

    for data in (from_api, from_web):
        data.pop("generated_at")
        data.pop("account_history")  # each copy adds its own line
    assert from_api == from_web


def test_export_needs_a_token_and_shows_nobody_elses(api, other_api, mothers_booking):
    assert_error(api.get(f"{API}/me/export"), 401, "unauthorized")
    data = other_api.get(f"{API}/me/export").json()
    assert data["bookings"] == [] and data["dependants"] == []
    assert data["profile"]["name"] == "李四"


def test_delete_with_a_wrong_password_is_401_and_changes_nothing(resident_api, resident, other_resident, slot):
    booking = services.book(resident, slot.pk)

    assert_error(delete_me(resident_api, "wrong-password"), 401, "bad_credentials")
    assert_error(delete_me(resident_api, ""), 401, "bad_credentials")

    resident.refresh_from_db()
    booking.refresh_from_db()
    assert resident.is_active and resident.anonymised_at is None
    assert booking.status == Booking.Status.BOOKED
    assert resident_api.get(f"{API}/bookings").status_code == 200


def test_delete_without_a_token_or_a_body(api, resident_api):
    assert_error(delete_me(api, PASSWORD), 401, "unauthorized")
    response = resident_api.delete(f"{API}/me")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_delete_frees_the_places_anonymises_and_revokes_every_token(
    resident_api, resident, mother, mothers_booking, slot, staff, other_resident
):
    second_app = authorised_client(resident)
    other_app = authorised_client(other_resident)
    own = services.book(resident, slot.pk)
    slot.refresh_from_db()
    assert slot.num_booked == 2

    response = delete_me(resident_api, PASSWORD)

    assert response.status_code == 204
    slot.refresh_from_db()
    assert slot.num_booked == 0
    for booking in (mothers_booking, own):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert booking.user_id == resident.pk
    resident.refresh_from_db()
    assert (resident.email, resident.name, resident.phone, resident.is_active) == (None, "", "", False)
    assert Dependant.objects.get(pk=mother.pk).name == ""
    assert services.bookings_at_providers_of(staff).filter(code=own.code).exists()
    (deleted,) = Action.objects.filter(action=Action.Code.ACCOUNT_DELETED)
    assert (deleted.door, deleted.actor_kind, deleted.person_id) == ("api", "resident", resident.pk)

    for client in (resident_api, second_app):
        assert client.get(f"{API}/bookings").status_code == 401
    assert_error(
        Client().post(
            f"{API}/auth/token",
            data={"email": "resident@example.com", "password": PASSWORD},
            content_type="application/json",
        ),
        401,
        "bad_credentials",
    )
    # Somebody else's account is untouched.
    assert other_app.get(f"{API}/me/export").json()["profile"]["email"] == other_resident.email

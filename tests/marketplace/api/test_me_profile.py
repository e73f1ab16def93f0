"""GET/PATCH /api/v1/me (issue 21, item 6): the profile with the date of birth and the ID number, masked."""

import pytest

from marketplace.audit.models import Action
from marketplace.users import identity
from marketplace.users.identity import check_character
from tests.marketplace.api.conftest import API, assert_error

FIRST17 = "53010219650412123"
NUMBER = FIRST17 + check_character(FIRST17)
MASKED = f"530102********{NUMBER[-4:]}"


def patch(client, body):
    return client.patch(f"{API}/me", body, content_type="application/json")


def test_the_profile_masks_phone_and_id_number(resident_api, resident):
    identity.update_profile(resident, id_number=NUMBER)

    body = resident_api.get(f"{API}/me").json()

    assert body == {
        "id": resident.pk,
        "email": resident.email,
        "name": resident.name,
        "phone": "138****5678",
        "birth_date": "1965-04-12",
        "id_number": MASKED,
    }


def test_patch_sets_the_id_number_and_the_birth_date_comes_from_it(resident_api, resident):
    response = patch(resident_api, {"id_number": NUMBER.lower()})

    assert response.status_code == 200
    assert response.json()["id_number"] == MASKED
    assert response.json()["birth_date"] == "1965-04-12"
    resident.refresh_from_db()
    assert identity.id_number_of(resident) == NUMBER
    assert Action.objects.filter(person=resident, action=Action.Code.PROFILE_CHANGED, door="api").exists()


def test_patch_changes_only_the_fields_given(resident_api, resident):
    response = patch(resident_api, {"birth_date": "1980-02-29", "name": "张三丰"})

    assert response.status_code == 200
    resident.refresh_from_db()
    assert (resident.name, resident.phone, str(resident.birth_date)) == ("张三丰", "13812345678", "1980-02-29")


@pytest.mark.parametrize(
    "body",
    [
        {"id_number": FIRST17 + ("0" if NUMBER[17] != "0" else "1")},
        {"id_number": "12345"},
        {"birth_date": "1980-02-30"},
        {"birth_date": "2999-01-01"},
        {"phone": "12345"},
        {"birth_date": "1970-01-01", "id_number": NUMBER},
    ],
)
def test_a_bad_value_is_invalid_and_changes_nothing(resident_api, resident, body):
    assert_error(patch(resident_api, body), 400, "invalid")

    resident.refresh_from_db()
    assert resident.birth_date is None and not resident.id_number_sealed and resident.phone == "13812345678"


def test_null_removes_the_id_number(resident_api, resident):
    identity.update_profile(resident, id_number=NUMBER)

    assert patch(resident_api, {"id_number": None}).json()["id_number"] is None
    resident.refresh_from_db()
    assert not resident.id_number_hash


def test_the_profile_needs_a_token(api):
    assert api.get(f"{API}/me").status_code == 401
    assert api.patch(f"{API}/me", {}, content_type="application/json").status_code == 401


def test_the_export_holds_the_id_number_in_full(resident_api, resident):
    identity.update_profile(resident, id_number=NUMBER)

    assert resident_api.get(f"{API}/me/export").json()["profile"]["id_number"] == NUMBER

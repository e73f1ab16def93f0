"""Identity data (issue 21, item 5): the 居民身份证号 checked, encrypted at rest, found by keyed hash, shown
masked, each full view recorded and shown to the resident; the date of birth from it; the profile page."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from marketplace.audit.models import Access, Action
from marketplace.users import identity
from marketplace.users.identity import check_character, mask_id_number, normalise_id_number
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def id_number(first17):
    return first17 + check_character(first17)


NUMBER = id_number("53010219650412123")  # born 1965-04-12, in 盘龙区's city
BIRTH_DIGITS = "19650412"


def signed_in(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("number", ["11010519491231002X", "110105194912310021"[:17] + "X"])
def test_the_check_character_of_gb_11643(number):
    if number == "11010519491231002X":
        assert normalise_id_number(number.lower()) == "11010519491231002X"
    else:
        with pytest.raises(ValidationError):
            normalise_id_number(number)


@pytest.mark.parametrize(
    "bad",
    [
        NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1"),  # wrong check character
        NUMBER[:16],  # too short
        "5301021965041212",
        "ABCDEFGHIJKLMNOPQR",
        id_number("53010219651341123"),  # month 13
        id_number("53010221000101123"),  # born in 2100
    ],
)
def test_a_wrong_id_number_is_refused(bad):
    with pytest.raises(ValidationError):
        normalise_id_number(bad)


def test_masking_never_shows_the_date_of_birth():
    masked = mask_id_number(NUMBER)

    assert masked == f"530102********{NUMBER[-4:]}"
    assert BIRTH_DIGITS not in masked


def test_the_number_is_encrypted_at_rest_and_found_by_its_keyed_hash(resident, other_resident):
    identity.update_profile(resident, id_number=NUMBER)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM users_user WHERE id = %s", [resident.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert NUMBER not in row and BIRTH_DIGITS not in row and NUMBER[-8:] not in row
    resident.refresh_from_db()
    assert identity.id_number_of(resident) == NUMBER
    assert identity.find_by_id_number(None, None, NUMBER.lower()) == [resident]
    assert identity.find_by_id_number(None, None, id_number("53010219700101123")) == []


def test_the_birth_date_comes_from_the_number_and_must_agree_with_it(resident):
    identity.update_profile(resident, id_number=NUMBER)
    resident.refresh_from_db()
    assert resident.birth_date == datetime.date(1965, 4, 12)

    with pytest.raises(ValidationError) as refused:
        identity.update_profile(resident, birth_date=datetime.date(1966, 4, 12))
    assert "birth_date" in refused.value.message_dict
    resident.refresh_from_db()
    assert resident.birth_date == datetime.date(1965, 4, 12)


def test_a_refused_change_changes_nothing(resident):
    with pytest.raises(ValidationError):
        identity.update_profile(resident, name="李四", id_number=NUMBER[:17] + "0" if NUMBER[17] != "0" else "1")

    resident.refresh_from_db()
    assert resident.name == "张三" and not resident.id_number_sealed


def test_each_full_view_by_staff_is_recorded_and_shown_to_the_resident(resident, staff, provider):
    identity.update_profile(resident, id_number=NUMBER)

    assert identity.reveal(staff, provider, resident) == NUMBER
    identity.find_by_id_number(staff, provider, NUMBER)

    seen = {access.what for access in Access.objects.filter(person=resident, organisation=provider)}
    assert seen == {Access.What.ID_NUMBER, Access.What.ID_LOOKUP}
    page = signed_in(resident).get("/shop/accounts/seen-my-data/").content.decode()
    assert "Your ID card number, shown in full" in page


def test_a_change_is_recorded_without_the_number(resident):
    identity.update_profile(resident, id_number=NUMBER)

    entry = Action.objects.get(person=resident, action=Action.Code.PROFILE_CHANGED)
    assert entry.detail["fields"] == ["birth_date", "id_number"]
    assert NUMBER not in json.dumps(entry.detail)


def test_the_profile_page_sets_birth_date_community_and_id_number(resident, community):
    client = signed_in(resident)

    response = client.post(
        "/shop/accounts/profile/edit/",
        {
            "name": "张三丰",
            "phone": "13812345678",
            "birth_date": "",
            "home_community": community.pk,
            "id_number": NUMBER,
        },
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.home_community, resident.birth_date) == (
        "张三丰",
        community,
        datetime.date(1965, 4, 12),
    )
    page = client.get("/shop/accounts/profile/edit/").content.decode()
    assert mask_id_number(NUMBER) in page and NUMBER not in page and BIRTH_DIGITS not in page


def test_the_profile_page_names_a_bad_number(resident):
    client = signed_in(resident)

    page = client.post("/shop/accounts/profile/edit/", {"name": "张三", "id_number": NUMBER[:17] + "Y"})

    assert page.status_code == 200
    assert page.context["form"].errors["id_number"]
    resident.refresh_from_db()
    assert not resident.id_number_sealed


def test_an_empty_number_keeps_the_one_recorded_and_remove_removes_it(resident):
    identity.update_profile(resident, id_number=NUMBER)
    client = signed_in(resident)

    client.post("/shop/accounts/profile/edit/", {"name": "张三", "phone": "13812345678", "birth_date": "1965-04-12"})
    resident.refresh_from_db()
    assert identity.id_number_of(resident) == NUMBER

    client.post("/shop/accounts/profile/edit/", {"name": "张三", "remove_id_number": "on"})
    resident.refresh_from_db()
    assert identity.id_number_of(resident) == "" and not resident.id_number_hash


def test_the_residents_own_copy_holds_the_number_in_full_and_the_page_masked(resident):
    identity.update_profile(resident, id_number=NUMBER)
    client = signed_in(resident)

    download = json.loads(client.get("/shop/accounts/my-data/download/").content)
    page = client.get("/shop/accounts/my-data/").content.decode()

    assert download["profile"]["id_number"] == NUMBER
    assert download["profile"]["birth_date"] == "1965-04-12"
    assert mask_id_number(NUMBER) in page and NUMBER not in page


def test_the_administrator_finds_a_resident_by_id_number_and_the_search_is_recorded(
    resident, other_resident, admin_user
):
    identity.update_profile(resident, id_number=NUMBER)
    client = Client()
    client.force_login(admin_user)

    page = client.get("/django-admin/users/user/", {"q": NUMBER})

    assert list(page.context["cl"].result_list) == [resident]
    assert Access.objects.filter(person=resident, what=Access.What.ID_LOOKUP, viewer=admin_user).exists()
    listed = signed_in(resident).get("/shop/accounts/seen-my-data/").content.decode()
    assert "A search by ID card number" in listed and "District administration" in listed

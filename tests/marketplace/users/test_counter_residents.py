"""Residents at the counter: found by their phone however it is typed, registered with or without email."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace.users.services import (
    EmailTaken,
    find_resident_by_phone,
    normalise_phone,
    register_resident_at_counter,
)
from tests.conftest import PASSWORD

User = get_user_model()

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        " 138 - 1234 - 5678 ",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 138-1234-5678",
        "86 13812345678",
        "(+86) 138.1234.5678",
        "１３８ １２３４ ５６７８",  # a Chinese keyboard's full-width digits
        "＋８６－１３８１２３４５６７８",
    ],
)
def test_a_resident_is_found_by_phone_however_it_is_typed(resident, other_resident, typed):
    assert normalise_phone(typed) == "13812345678"
    assert list(find_resident_by_phone(typed)) == [resident]


@pytest.mark.parametrize("typed", ["", "   ", "1381234567", "138123456789", "23812345678", "abc", "+1 138 1234 5678"])
def test_what_is_not_a_mobile_number_finds_nobody(resident, typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)
    assert not find_resident_by_phone(typed).exists()


def test_an_inactive_account_is_not_found(resident):
    resident.is_active = False
    resident.save()

    assert not find_resident_by_phone(resident.phone).exists()


def test_registered_at_the_counter_without_email(client):
    walk_in = register_resident_at_counter("  王  奶奶 ", "136-1111-2222")

    walk_in.refresh_from_db()
    assert walk_in.name == "王 奶奶"
    assert walk_in.phone == "13611112222"
    assert walk_in.email is None  # no made-up address that could receive mail
    assert walk_in.is_active
    assert str(walk_in) == "王 奶奶"
    assert list(find_resident_by_phone("13611112222")) == [walk_in]
    # Nobody knows the password; there is no address to sign in with or to reset to.
    assert not client.login(email="", password="")
    client.post(reverse("password-reset"), {"email": ""})
    assert mail.outbox == []


def test_many_residents_can_be_registered_without_email():
    first = register_resident_at_counter("王奶奶", "13611112222")
    second = register_resident_at_counter("李爷爷", "13633334444")

    assert User.objects.filter(email__isnull=True).count() == 2
    assert first.pk != second.pk


def test_registered_at_the_counter_with_email_can_later_set_a_password_online(
    client, django_capture_on_commit_callbacks
):
    walk_in = register_resident_at_counter("王奶奶", "13611112222", email=" Wang.Nainai@EXAMPLE.com ")

    assert walk_in.email == "Wang.Nainai@example.com"
    assert not client.login(email=walk_in.email, password=PASSWORD)
    # "Forgotten password" is how they choose their own (the link goes out from a background task).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": walk_in.email})
    assert [message.to for message in mail.outbox] == [[walk_in.email]]


def test_an_email_that_already_has_an_account_is_refused(resident):
    with pytest.raises(EmailTaken):
        register_resident_at_counter("张三丰", "13611112222", email=resident.email.upper())

    assert not User.objects.filter(phone="13611112222").exists()


@pytest.mark.parametrize(
    ("name", "phone", "email", "field"),
    [
        ("", "13611112222", "", "name"),
        ("   ", "13611112222", "", "name"),
        ("王" * 101, "13611112222", "", "name"),
        ("王奶奶", "1361111222", "", "phone"),
        ("王奶奶", "", "", "phone"),
        ("王奶奶", "13611112222", "not-an-address", "email"),
    ],
)
def test_bad_registrations_say_why_and_create_nobody(name, phone, email, field):
    with pytest.raises(ValidationError) as refused:
        register_resident_at_counter(name, phone, email=email)

    assert field in refused.value.message_dict
    assert User.objects.count() == 0


def test_family_members_may_share_one_phone(resident):
    grandmother = register_resident_at_counter("张奶奶", "138 1234 5678")

    assert list(find_resident_by_phone("13812345678")) == [resident, grandmother]


def test_the_same_person_is_not_registered_twice_with_one_phone(resident):
    with pytest.raises(ValidationError) as refused:
        register_resident_at_counter(resident.name, "+86 138 1234 5678")

    assert "already registered" in " ".join(refused.value.message_dict["name"]) or "已" in " ".join(
        refused.value.message_dict["name"]
    )
    assert User.objects.filter(phone=resident.phone).count() == 1


def test_online_registration_still_needs_an_email(client):
    response = client.post(
        reverse("customer:register"),
        {"email": "", "password1": PASSWORD, "password2": PASSWORD, "redirect_url": ""},
    )

    assert response.status_code == 200
    assert User.objects.count() == 0

    response = client.post(
        reverse("customer:register"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD, "redirect_url": ""},
    )

    assert response.status_code == 302
    assert User.objects.get().email == "new@example.com"
    assert client.login(email="new@example.com", password=PASSWORD)


def test_saving_an_empty_email_stores_none_so_the_next_one_fits(make_user):
    first = make_user(email="first@example.com")
    second = make_user(email="second@example.com", phone="13911112222")
    for user in (first, second):
        user.email = ""
        user.full_clean()
        user.save()

    assert User.objects.filter(email__isnull=True).count() == 2


def test_the_admin_lists_and_finds_residents_without_email(client, admin_user):
    walk_in = register_resident_at_counter("王奶奶", "13611112222")
    client.force_login(admin_user)

    listing = client.get("/django-admin/users/user/", {"q": "13611112222"})
    change = client.get(f"/django-admin/users/user/{walk_in.pk}/change/")

    assert listing.status_code == 200
    assert "王奶奶" in listing.content.decode()
    assert "136****2222" in listing.content.decode()
    assert change.status_code == 200

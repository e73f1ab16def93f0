import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import APIToken

from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error, authorised_client

User = get_user_model()

NEW_RESIDENT = {"email": "wangwu@example.com", "password": "Kunming-Spring-88", "name": "王五", "phone": "13700001111"}


def register(client, body, **headers):
    return client.post(f"{API}/auth/register", body, content_type="application/json", headers=headers)


def token(client, email, password):
    return client.post(f"{API}/auth/token", {"email": email, "password": password}, content_type="application/json")


def test_register_creates_a_resident_who_can_get_a_token_and_use_it(api):
    response = register(api, NEW_RESIDENT)

    assert response.status_code == 201
    user = User.objects.get(email="wangwu@example.com")
    assert response.json() == {"id": user.pk, "email": "wangwu@example.com", "name": "王五"}
    assert user.phone == "13700001111"
    assert user.check_password("Kunming-Spring-88")

    response = token(api, "wangwu@example.com", "Kunming-Spring-88")
    assert response.status_code == 200
    plaintext = response.json()["token"]

    bookings = api.get(f"{API}/bookings", headers={"authorization": f"Bearer {plaintext}"})
    assert bookings.status_code == 200
    assert bookings.json() == {"results": []}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"password": "wangwu@example.com"}, "password"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "23812345678"}, "phone"),
        ({"phone": "1381234567a"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"name": "   "}, "name"),
    ],
)
def test_register_refuses_invalid_values_and_creates_nobody(api, changes, field):
    users_before = User.objects.count()

    body = assert_error(register(api, {**NEW_RESIDENT, **changes}), 400, "invalid")

    assert field in body["detail"]
    assert User.objects.count() == users_before


def test_register_answers_in_the_request_language(api):
    english = assert_error(register(api, {**NEW_RESIDENT, "password": "123"}, accept_language="en"), 400, "invalid")
    chinese = assert_error(
        register(api, {**NEW_RESIDENT, "password": "123"}, accept_language="zh-hans"), 400, "invalid"
    )

    assert "too short" in english["detail"]
    assert english["detail"] != chinese["detail"]
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese["detail"])


@pytest.mark.parametrize("email", ["resident@example.com", "Resident@Example.com"])
def test_register_refuses_an_address_that_is_taken(api, resident, email):
    users_before = User.objects.count()

    assert_error(register(api, {**NEW_RESIDENT, "email": email}), 409, "email_taken")

    assert User.objects.count() == users_before
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)


MALFORMED_REGISTRATIONS = [
    pytest.param(None, id="no body"),
    pytest.param("{not json", id="not JSON"),
    pytest.param("[]", id="a list"),
    pytest.param('"text"', id="a string"),
    pytest.param("null", id="null"),
    pytest.param("{}", id="empty object"),
    pytest.param({"email": "a@example.com"}, id="missing fields"),
    pytest.param({**NEW_RESIDENT, "email": 1}, id="email a number"),
    pytest.param({**NEW_RESIDENT, "password": None}, id="password null"),
    pytest.param({**NEW_RESIDENT, "phone": 13700001111}, id="phone a number"),
    pytest.param({**NEW_RESIDENT, "name": ["王五"]}, id="name a list"),
    pytest.param({**NEW_RESIDENT, "name": "王\u0000五"}, id="NUL in name"),
    pytest.param(
        '{"email": "a@example.com", "password": "Kunming-Spring-88", "name": "\\ud800", "phone": "13700001111"}',
        id="lone surrogate",
    ),
    pytest.param({**NEW_RESIDENT, "name": "王" * 101}, id="name too long"),
    pytest.param({**NEW_RESIDENT, "email": "a" * 250 + "@example.com"}, id="email too long"),
    pytest.param({**NEW_RESIDENT, "phone": "1" * 50}, id="phone too long"),
]


@pytest.mark.parametrize("body", MALFORMED_REGISTRATIONS)
def test_malformed_registration_is_a_json_4xx(api, body):
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    users_before = User.objects.count()

    response = api.post(f"{API}/auth/register", data or "", content_type="application/json")

    assert_error(response, 400, "invalid")
    assert User.objects.count() == users_before


def test_token_is_stored_hashed(api, resident):
    response = token(api, "resident@example.com", PASSWORD)

    assert response.status_code == 200
    plaintext = response.json()["token"]
    stored = APIToken.objects.get(user=resident)
    assert plaintext not in (stored.key_hash, stored.prefix, stored.name)
    assert stored.key_hash == APIToken.hash_token(plaintext)


def test_token_accepts_the_address_in_any_case(api, resident):
    assert token(api, "RESIDENT@example.com", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "email, password",
    [("resident@example.com", "wrong password"), ("nobody@example.com", PASSWORD), ("resident", PASSWORD)],
)
def test_token_refuses_bad_credentials(api, resident, email, password):
    assert_error(token(api, email, password), 401, "bad_credentials")
    assert not APIToken.objects.exists()


def test_token_refuses_an_inactive_account(api, resident):
    resident.is_active = False
    resident.save()

    assert_error(token(api, "resident@example.com", PASSWORD), 401, "bad_credentials")


@pytest.mark.parametrize("body", ["", "{", "[]", '{"email": "resident@example.com"}', '{"email": 1, "password": 2}'])
def test_malformed_token_request_is_a_json_400(api, resident, body):
    assert_error(api.post(f"{API}/auth/token", body, content_type="application/json"), 400, "invalid")


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_token_request_whose_body_cannot_be_read_is_a_json_400(api, resident, content_type):
    """A wrong password makes django-axes read the form fields, which a multipart body without its boundary
    does not have: found by the property-based run (test_openapi_properties.py), once a 500."""
    body = json.dumps({"email": "resident@example.com", "password": "wrong"})

    assert_error(api.post(f"{API}/auth/token", body, content_type=content_type), 400, "invalid")
    assert not APIToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer wagtail_not-a-real-token", "Token abc", "Basic cmVzaWRlbnQ6cGFzcw==", "Bearer \u00e9"],
)
def test_bookings_need_a_valid_bearer_token(api, resident, header):
    headers = {"authorization": header} if header is not None else {}

    assert_error(api.get(f"{API}/bookings", headers=headers), 401, "unauthorized")


def test_a_revoked_token_no_longer_works(resident):
    client = authorised_client(resident)
    APIToken.objects.filter(user=resident).update(revoked_at=timezone.now())

    assert_error(client.get(f"{API}/bookings"), 401, "unauthorized")


def test_a_signed_in_session_is_not_enough(api, resident):
    # The API trusts bearer tokens only: a browser session cookie must not book.
    api.force_login(resident)

    assert_error(api.get(f"{API}/bookings"), 401, "unauthorized")

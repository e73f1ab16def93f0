"""Guessing passwords: lockouts per account and per client address, on the web and in the API, the same
work for registered and unknown addresses, and the administrators' unlock."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from marketplace.users.limits import client_address
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error

User = get_user_model()
LOGIN = "/shop/accounts/login/"


def web_sign_in(client, email, password, address="127.0.0.1"):
    return client.post(
        LOGIN,
        {"login-username": email, "login-password": password, "login_submit": "1"},
        REMOTE_ADDR=address,
    )


def api_token(client, email, password, address="127.0.0.1", **headers):
    return client.post(
        f"{API}/auth/token",
        {"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
        headers=headers,
    )


def signed_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_the_limits_are_the_documented_defaults():
    assert (settings.SIGNIN_FAILURE_LIMIT, settings.SIGNIN_LOCKOUT_MINUTES) == (10, 15)
    assert settings.AXES_FAILURE_LIMIT == settings.SIGNIN_FAILURE_LIMIT


def test_the_api_locks_an_account_after_the_limit_of_wrong_passwords(client, resident):
    limit = settings.SIGNIN_FAILURE_LIMIT
    answers = [api_token(client, "resident@example.com", f"guess-{n}").status_code for n in range(limit + 5)]

    # The failure that reaches the limit is already refused as too many; so is everything after it.
    assert answers == [401] * (limit - 1) + [429] * 6
    # Even the right password, until the lockout ends.
    response = api_token(client, "resident@example.com", PASSWORD)
    body = assert_error(response, 429, "rate_limited")
    retry_after = int(response["Retry-After"])
    assert settings.SIGNIN_LOCKOUT_MINUTES * 60 - 60 < retry_after <= settings.SIGNIN_LOCKOUT_MINUTES * 60
    assert "15" in body["detail"]


def test_the_lockout_answers_in_the_request_language(client, resident):
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        api_token(client, "resident@example.com", f"guess-{n}")

    english = assert_error(
        api_token(client, "resident@example.com", PASSWORD, accept_language="en"), 429, "rate_limited"
    )
    chinese = assert_error(
        api_token(client, "resident@example.com", PASSWORD, accept_language="zh-hans"), 429, "rate_limited"
    )

    assert english["detail"].startswith("Too many failed sign-ins")
    assert "15 minutes" in english["detail"]
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese["detail"])


def test_an_account_is_locked_whichever_address_the_guesses_come_from(client, resident):
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        api_token(client, "Resident@Example.com ", f"guess-{n}", address=f"10.0.0.{n + 1}")

    assert_error(api_token(client, "resident@example.com", PASSWORD, address="10.9.9.9"), 429, "rate_limited")
    page = web_sign_in(client, "RESIDENT@example.com", PASSWORD, address="10.9.9.9")
    assert page.status_code == 429
    assert not page.wsgi_request.user.is_authenticated


def test_an_address_that_guesses_many_accounts_is_locked_for_every_account(client, resident, other_resident):
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        api_token(client, f"someone{n}@example.com", "guess")

    # Anyone signing in from that address waits, even with the right password ...
    assert_error(api_token(client, "lisi@example.com", PASSWORD), 429, "rate_limited")
    # ... and the accounts themselves are not locked: from elsewhere they sign in.
    assert api_token(client, "lisi@example.com", PASSWORD, address="10.1.2.3").status_code == 200


def test_the_web_sign_in_locks_out_with_a_page_that_says_why(client, resident):
    limit = settings.SIGNIN_FAILURE_LIMIT
    for n in range(limit - 1):
        page = web_sign_in(client, "resident@example.com", f"guess-{n}")
        assert page.status_code == 200
        assert page.context["login_form"].errors
    assert web_sign_in(client, "resident@example.com", "the last guess").status_code == 429

    page = web_sign_in(client, "resident@example.com", PASSWORD)

    assert page.status_code == 429
    assert 0 < int(page["Retry-After"]) <= settings.SIGNIN_LOCKOUT_MINUTES * 60
    assert not page.wsgi_request.user.is_authenticated
    text = page.content.decode()
    assert 'id="too-many-attempts"' in text
    assert "登录失败次数过多" in text  # Chinese first
    assert reverse("password-reset") in text


def test_the_django_admin_sign_in_is_guarded_too(client, admin_user):
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        client.post("/django-admin/login/", {"username": "admin@example.com", "password": f"guess-{n}"})

    page = client.post("/django-admin/login/", {"username": "admin@example.com", "password": PASSWORD})

    assert page.status_code == 429


def test_failures_below_the_limit_do_not_stop_a_resident(client, resident):
    for n in range(settings.SIGNIN_FAILURE_LIMIT - 2):
        web_sign_in(client, "resident@example.com", f"guess-{n}")

    assert signed_in(web_sign_in(client, "resident@example.com", PASSWORD))


def test_the_record_of_failures_keeps_no_password(client, resident):
    web_sign_in(client, "resident@example.com", "my-secret-guess")
    api_token(client, "resident@example.com", "another-secret-guess")

    attempts = list(AccessAttempt.objects.all())
    assert attempts and all(attempt.username == "resident@example.com" for attempt in attempts)
    for attempt in attempts:
        assert "secret-guess" not in attempt.post_data + attempt.get_data


def test_an_administrator_lifts_an_accounts_lockout(client, resident, admin_user):
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        api_token(client, "resident@example.com", f"guess-{n}", address=f"10.0.0.{n + 1}")
    assert_error(api_token(client, "resident@example.com", PASSWORD, address="10.9.9.9"), 429, "rate_limited")

    admin = Client()
    admin.force_login(admin_user)
    page = admin.post(
        "/django-admin/users/user/",
        {"action": "lift_signin_lockout", "_selected_action": [resident.pk]},
        follow=True,
    )

    assert page.status_code == 200
    assert [message.level_tag for message in page.context["messages"]] == ["success"]
    assert api_token(client, "resident@example.com", PASSWORD, address="10.9.9.9").status_code == 200


# The same work and the same words whether or not an address is registered.


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting how often a password is hashed: the time an answer takes is the hashes it makes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def hashes_made(action):
    CountingHasher.hashed = 0
    action()
    return CountingHasher.hashed


@override_settings(PASSWORD_HASHERS=["tests.marketplace.users.test_signin.CountingHasher"])
@pytest.mark.parametrize("door", ["api", "web"])
def test_a_sign_in_hashes_once_whether_or_not_the_address_is_registered(client, make_user, door):
    make_user(email="registered@example.com")
    sign_in = api_token if door == "api" else web_sign_in

    known = hashes_made(lambda: sign_in(client, "registered@example.com", "wrong password"))
    unknown = hashes_made(lambda: sign_in(client, "unknown@example.com", "wrong password"))
    not_an_address = hashes_made(lambda: sign_in(client, "unknown", "wrong password"))
    right = hashes_made(lambda: sign_in(Client(), "registered@example.com", PASSWORD))

    assert known == unknown == right == 1
    assert not_an_address in (0, 1)  # the web form refuses it before any password is checked


def test_a_wrong_password_and_an_unknown_address_are_answered_alike(client, resident):
    wrong = api_token(client, "resident@example.com", "wrong password")
    unknown = api_token(client, "nobody@example.com", PASSWORD)

    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())


# The client address behind reverse proxies.


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy: the header is the client's own words
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # one proxy appended the address it saw
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "127.0.0.1"),
        (1, "not-an-address", "0.0.0.0"),
    ],
)
def test_the_client_address_trusts_only_the_proxies_in_front(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(request) == expected

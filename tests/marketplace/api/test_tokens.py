"""API tokens expire, are listed and revoked by their owner, and a password change or reset revokes them all."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.models import APIToken

from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error

NEW_PASSWORD = "Dianchi-Lake-2027"


def sign_in(email="resident@example.com", password=PASSWORD):
    response = Client().post(
        f"{API}/auth/token", {"email": email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token):
    return Client(headers={"authorization": f"Bearer {token}"})


def age(token, created_ago, used_ago=None):
    """Make ``token`` look issued ``created_ago`` and last used ``used_ago`` before now."""
    now = timezone.now()
    APIToken.objects.filter(key_hash=APIToken.hash_token(token)).update(
        created=now - created_ago, last_used_at=None if used_ago is None else now - used_ago
    )


def test_the_lifetimes_are_the_documented_defaults():
    assert (settings.API_TOKEN_IDLE_DAYS, settings.API_TOKEN_MAX_AGE_DAYS) == (30, 90)


def test_a_token_unused_for_the_idle_lifetime_has_expired(resident):
    token = sign_in()
    age(token, created_ago=timedelta(days=40), used_ago=timedelta(days=30, minutes=1))

    body = assert_error(bearer(token).get(f"{API}/bookings"), 401, "token_expired")

    assert "/auth/token" in body["detail"]
    # Asking again does not revive it.
    assert_error(bearer(token).get(f"{API}/bookings"), 401, "token_expired")


def test_a_token_in_use_lives_on_until_its_absolute_lifetime(resident):
    token = sign_in()
    age(token, created_ago=timedelta(days=89), used_ago=timedelta(days=1))
    assert bearer(token).get(f"{API}/bookings").status_code == 200

    age(token, created_ago=timedelta(days=90, minutes=1), used_ago=timedelta(minutes=5))
    assert_error(bearer(token).get(f"{API}/bookings"), 401, "token_expired")


def test_a_never_used_token_expires_its_idle_lifetime_after_it_was_issued(resident):
    token = sign_in()
    age(token, created_ago=timedelta(days=31))

    assert_error(bearer(token).get(f"{API}/bookings"), 401, "token_expired")


def test_the_resident_lists_their_working_tokens(resident, other_resident):
    old = sign_in()
    age(old, created_ago=timedelta(days=3), used_ago=timedelta(days=2))
    expired = sign_in()
    age(expired, created_ago=timedelta(days=60), used_ago=timedelta(days=45))
    current = sign_in()
    sign_in("lisi@example.com")  # someone else's

    body = bearer(current).get(f"{API}/auth/tokens").json()

    results = body["results"]
    assert [each["current"] for each in results] == [True, False]
    newest, older = results
    assert newest["last_used_at"] is not None  # this very request
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00", newest["created_at"])
    stored = APIToken.objects.get(pk=older["id"])
    assert older["expires_at"].startswith(timezone.localtime(stored.last_used_at + timedelta(days=30)).isoformat()[:16])
    working = APIToken.objects.filter(user=resident).exclude(key_hash=APIToken.hash_token(expired))
    assert {each["id"] for each in results} == set(working.values_list("pk", flat=True))


def test_the_resident_revokes_one_of_their_tokens(resident):
    lost_phone = sign_in()
    this_app = sign_in()
    lost_id = APIToken.objects.get(key_hash=APIToken.hash_token(lost_phone)).pk

    response = bearer(this_app).delete(f"{API}/auth/tokens/{lost_id}")

    assert response.status_code == 204
    assert_error(bearer(lost_phone).get(f"{API}/bookings"), 401, "unauthorized")
    assert bearer(this_app).get(f"{API}/bookings").status_code == 200
    # Gone from the list; revoking it again, like anyone else's, is "not found".
    assert [each["current"] for each in bearer(this_app).get(f"{API}/auth/tokens").json()["results"]] == [True]
    assert_error(bearer(this_app).delete(f"{API}/auth/tokens/{lost_id}"), 404, "not_found")


def test_nobody_revokes_someone_elses_token(resident, other_resident):
    theirs = sign_in("lisi@example.com")
    theirs_id = APIToken.objects.get(key_hash=APIToken.hash_token(theirs)).pk

    assert_error(bearer(sign_in()).delete(f"{API}/auth/tokens/{theirs_id}"), 404, "not_found")

    assert bearer(theirs).get(f"{API}/bookings").status_code == 200


@pytest.mark.parametrize("token_id", ["0", "abc", "²", "9" * 30])
def test_a_malformed_token_id_is_a_4xx(resident, token_id):
    response = bearer(sign_in()).delete(f"{API}/auth/tokens/{token_id}")

    assert 400 <= response.status_code < 500


def test_signing_out_revokes_the_token_of_the_request(resident):
    leaving = sign_in()
    staying = sign_in()

    assert bearer(leaving).delete(f"{API}/auth/token").status_code == 204

    assert_error(bearer(leaving).get(f"{API}/bookings"), 401, "unauthorized")
    assert bearer(staying).get(f"{API}/bookings").status_code == 200


def test_the_token_endpoints_need_a_token(api, resident):
    assert_error(api.get(f"{API}/auth/tokens"), 401, "unauthorized")
    assert_error(api.delete(f"{API}/auth/token"), 401, "unauthorized")
    assert_error(api.delete(f"{API}/auth/tokens/1"), 401, "unauthorized")


# Changing the password


def change_password(client, old, new):
    return client.post(
        f"{API}/auth/password", {"old_password": old, "new_password": new}, content_type="application/json"
    )


def test_changing_the_password_gives_a_new_token_and_revokes_every_other(resident):
    this_app = sign_in()
    other_app = sign_in()

    response = change_password(bearer(this_app), PASSWORD, NEW_PASSWORD)

    assert response.status_code == 200
    fresh = response.json()["token"]
    assert bearer(fresh).get(f"{API}/bookings").status_code == 200
    for old in (this_app, other_app):
        assert_error(bearer(old).get(f"{API}/bookings"), 401, "unauthorized")
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert sign_in(password=NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing(resident):
    token = sign_in()

    assert_error(change_password(bearer(token), "not it", NEW_PASSWORD), 401, "bad_credentials")

    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)
    assert bearer(token).get(f"{API}/bookings").status_code == 200


def test_guessing_the_old_password_is_locked_out_like_signing_in(resident):
    token = sign_in()
    for n in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        assert_error(change_password(bearer(token), f"guess-{n}", NEW_PASSWORD), 401, "bad_credentials")

    response = change_password(bearer(token), "one more guess", NEW_PASSWORD)

    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    assert_error(change_password(bearer(token), PASSWORD, NEW_PASSWORD), 429, "rate_limited")


@pytest.mark.parametrize("new", ["123", "password", "resident@example.com"])
def test_a_weak_new_password_is_refused(resident, new):
    token = sign_in()

    body = assert_error(change_password(bearer(token), PASSWORD, new), 400, "invalid")

    assert "new_password" in body["detail"]
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)
    assert bearer(token).get(f"{API}/bookings").status_code == 200


@pytest.mark.parametrize("body", ["", "{}", '{"old_password": 1, "new_password": 2}', "[]"])
def test_a_malformed_password_change_is_a_json_400(resident, body):
    response = bearer(sign_in()).post(f"{API}/auth/password", body, content_type="application/json")

    assert_error(response, 400, "invalid")


def test_a_password_changed_on_the_web_revokes_every_token(client, resident):
    token = sign_in()
    client.force_login(resident)

    page = client.post(
        reverse("customer:change-password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert page.status_code == 302
    assert_error(bearer(token).get(f"{API}/bookings"), 401, "unauthorized")


def test_a_password_reset_revokes_every_token_and_lifts_a_lockout(client, resident):
    token = sign_in()
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        Client().post(
            f"{API}/auth/token",
            {"email": "resident@example.com", "password": f"guess-{n}"},
            content_type="application/json",
            REMOTE_ADDR=f"10.0.0.{n + 1}",
        )
    uid = urlsafe_base64_encode(force_bytes(resident.pk))
    secret = default_token_generator.make_token(resident)
    link = reverse("password-reset-confirm", kwargs={"uidb64": uid, "token": secret})

    form = client.get(link, follow=True)
    page = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert page.status_code == 302
    assert page["Location"] == reverse("password-reset-complete")
    assert_error(bearer(token).get(f"{API}/bookings"), 401, "unauthorized")
    # Whoever reads the account's email may sign in at once, from an address that did not guess.
    assert sign_in(password=NEW_PASSWORD)
    assert mail.outbox == []

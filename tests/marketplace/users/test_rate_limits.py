"""Registration and password reset: rate limits per client address and per email address, with the same
answer whether or not an address is registered."""

import json

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from tests.marketplace.api.conftest import API, assert_error
from tests.marketplace.tasks_helpers import DATABASE_QUEUE

NEW_RESIDENT = {"password": "Kunming-Spring-88", "name": "王五", "phone": "13700001111"}


def api_register(email, address="127.0.0.1", **headers):
    return Client().post(
        f"{API}/auth/register",
        {**NEW_RESIDENT, "email": email},
        content_type="application/json",
        REMOTE_ADDR=address,
        headers=headers,
    )


def web_register(email, address="127.0.0.1"):
    # The registration half of Oscar's sign-in page.
    return Client().post(
        "/shop/accounts/login/",
        {
            "registration-email": email,
            "registration-password1": "Kunming-Spring-88",
            "registration-password2": "Kunming-Spring-88",
            "registration_submit": "1",
        },
        REMOTE_ADDR=address,
    )


def register_page(email, address="127.0.0.1"):
    return Client().post(
        "/shop/accounts/register/",
        {"email": email, "password1": "Kunming-Spring-88", "password2": "Kunming-Spring-88"},
        REMOTE_ADDR=address,
    )


def reset(email, address="127.0.0.1"):
    return Client().post(reverse("password-reset"), {"email": email}, REMOTE_ADDR=address)


def test_the_rates_are_the_documented_defaults():
    assert (settings.REGISTRATION_RATE_PER_ADDRESS, settings.REGISTRATION_RATE_PER_ACCOUNT) == ("20/h", "5/h")
    assert (settings.PASSWORD_RESET_RATE_PER_ADDRESS, settings.PASSWORD_RESET_RATE_PER_ACCOUNT) == ("20/h", "5/h")


@override_settings(REGISTRATION_RATE_PER_ADDRESS="3/h")
def test_registrations_from_one_address_are_limited_in_the_api(db):
    answers = [api_register(f"new{n}@example.com").status_code for n in range(5)]

    assert answers == [201, 201, 201, 429, 429]
    response = api_register("another@example.com", accept_language="en")
    body = assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 3600
    assert body["detail"].startswith("Too many registrations")
    # Another address is not held up.
    assert api_register("elsewhere@example.com", address="10.0.0.7").status_code == 201


@override_settings(REGISTRATION_RATE_PER_ACCOUNT="2/h")
def test_probing_one_email_address_is_limited_from_any_address(resident):
    answers = [api_register("resident@example.com", address=f"10.0.0.{n}").json()["code"] for n in range(1, 5)]

    # "email_taken" is still said, but only as often as the limit lets anyone ask.
    assert answers == ["email_taken", "email_taken", "rate_limited", "rate_limited"]
    assert api_register("RESIDENT@example.com ", address="10.0.1.1").status_code == 429


@override_settings(REGISTRATION_RATE_PER_ADDRESS="2/h")
@pytest.mark.parametrize("register", [web_register, register_page], ids=["sign-in page", "register page"])
def test_registrations_on_the_web_are_limited_with_a_page_that_says_why(db, register):
    assert register("first@example.com").status_code == 302
    assert register("second@example.com").status_code == 302

    page = register("third@example.com")

    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0
    assert "注册次数过多" in page.content.decode()


@override_settings(PASSWORD_RESET_RATE_PER_ACCOUNT="2/h")
def test_password_resets_for_one_address_are_limited_the_same_whether_or_not_it_is_registered(resident):
    registered = [reset("resident@example.com", address=f"10.0.0.{n}").status_code for n in range(1, 4)]
    unknown = [reset("nobody@example.com", address=f"10.0.1.{n}").status_code for n in range(1, 4)]

    assert registered == unknown == [302, 302, 429]


@override_settings(PASSWORD_RESET_RATE_PER_ADDRESS="3/h")
def test_password_resets_from_one_address_are_limited(db):
    answers = [reset(f"someone{n}@example.com").status_code for n in range(4)]

    assert answers == [302, 302, 302, 429]
    page = reset("someone@example.com")
    assert "重置密码请求过多" in page.content.decode()
    assert reset("someone@example.com", address="10.0.0.9").status_code == 302


def test_a_password_reset_answers_alike_and_sends_in_the_background(resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as registered_tasks:
        registered = reset("resident@example.com")
    with django_capture_on_commit_callbacks() as unknown_tasks:
        unknown = reset("nobody@example.com")

    # The same redirect to the same page; the request itself sent nothing, for either.
    assert (registered.status_code, registered["Location"]) == (unknown.status_code, unknown["Location"])
    assert mail.outbox == []
    # One background task each, which finds out whether there is anyone to write to.
    assert len(registered_tasks) == len(unknown_tasks) == 1
    for task in registered_tasks + unknown_tasks:
        task()
    assert [message.to for message in mail.outbox] == [["resident@example.com"]]
    assert "/shop/password-reset/confirm/" in mail.outbox[0].body


def test_the_reset_link_is_written_in_the_residents_language(make_user, django_capture_on_commit_callbacks):
    make_user(email="english@example.com", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        reset("english@example.com")

    assert "password reset" in mail.outbox[0].body


def test_a_signed_in_resident_is_not_shown_the_reset_form(client, resident):
    # As Oscar's own page did: changing the password is the signed-in resident's way.
    client.force_login(resident)

    assert client.get(reverse("password-reset")).status_code == 403


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_queued_reset_task_holds_no_email_address(resident, django_capture_on_commit_callbacks):
    """The task's row is kept after it ran, for administrators: it names accounts by id, not by address,
    and a request for an unknown address leaves a row that looks like any other."""
    with django_capture_on_commit_callbacks(execute=True):
        reset("Resident@Example.com")
        reset("nobody@example.com")

    rows = list(DBTaskResult.objects.filter(task_path__endswith="send_password_reset").order_by("enqueued_at"))
    assert [row.args_kwargs["args"] for row in rows] == [[[resident.pk]], [[]]]
    stored = json.dumps([row.args_kwargs for row in rows], ensure_ascii=False).lower()
    assert "@" not in stored and "example" not in stored

    # What a worker does with each row: the task, with the arguments the row holds.
    for row in rows:
        import_string(row.task_path).call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])

    assert [message.to for message in mail.outbox] == [["resident@example.com"]]

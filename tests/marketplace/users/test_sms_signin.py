"""Signing in by mobile number and SMS code (issue 21, item 3): the code's life, the limits, whose account,
both sign-ins on the web and in the API, and the sandbox's development page."""

import json
import re
from datetime import timedelta

import pytest
import responses
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from marketplace.audit.models import Action
from marketplace.notifications.models import SandboxSms
from marketplace.users.models import SmsCode
from marketplace.users.services import register_resident_at_counter
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error

User = get_user_model()
SMS_URL = "https://sms.gateway.test/v1/messages"
PHONE = "13812345678"
NEW_PHONE = "13900001111"
LOGIN = "/shop/accounts/login/"


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY_URL = SMS_URL
    settings.SMS_GATEWAY_TOKEN = "sms-token"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(SMS_URL, json={"id": "msg-1"})
        yield mocked


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def ask(phone, address="127.0.0.1", **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"{API}/auth/sms-code",
                {"phone": phone},
                content_type="application/json",
                REMOTE_ADDR=address,
                headers=headers,
            )

    return ask


def exchange(client, phone, code, address="127.0.0.1"):
    return client.post(
        f"{API}/auth/sms-token", {"phone": phone, "code": code}, content_type="application/json", REMOTE_ADDR=address
    )


def texts_to(gateway, phone):
    return [
        json.loads(call.request.body)["text"] for call in gateway.calls if json.loads(call.request.body)["to"] == phone
    ]


def last_code(gateway, phone):
    return re.search(r"\d{6}", texts_to(gateway, phone)[-1]).group()


def count_of(rate):
    return int(rate.split("/")[0])


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_goes_out_by_sms_and_signs_in_the_resident_with_that_number_once(gateway, ask, client, resident):
    assert ask(PHONE).status_code == 202
    code = last_code(gateway, PHONE)

    first = exchange(client, PHONE, code)
    again = exchange(client, PHONE, code)

    assert first.status_code == 200
    assert first.json()["created"] is False
    token = first.json()["token"]
    assert Client(headers={"authorization": f"Bearer {token}"}).get(f"{API}/me").json()["name"] == resident.name
    assert_error(again, 401, "bad_code")


def test_the_code_is_kept_only_as_a_keyed_hash(gateway, ask, resident):
    ask(PHONE)
    code = last_code(gateway, PHONE)

    row = SmsCode.objects.values().get()
    assert not any(PHONE in str(value) or code in str(value) for value in row.values())


def test_the_text_is_in_the_language_of_the_request(gateway, ask, resident):
    ask(PHONE, accept_language="en")
    ask(PHONE, accept_language="zh-hans")

    english, chinese = texts_to(gateway, PHONE)
    assert "sign-in code" in english
    assert "验证码" in chinese


def test_a_code_lives_five_minutes(gateway, ask, client, resident, daytime):
    ask(PHONE)
    code = last_code(gateway, PHONE)

    daytime.shift(timedelta(minutes=5, seconds=1))

    assert_error(exchange(client, PHONE, code), 401, "bad_code")


def test_a_code_still_works_just_before_five_minutes(gateway, ask, client, resident, daytime):
    ask(PHONE)
    code = last_code(gateway, PHONE)

    daytime.shift(timedelta(minutes=4, seconds=50))

    assert exchange(client, PHONE, code).status_code == 200


def test_a_wrong_code_is_refused_and_a_new_code_replaces_the_last(gateway, ask, client, resident):
    ask(PHONE)
    first = last_code(gateway, PHONE)
    assert_error(exchange(client, PHONE, wrong(first)), 401, "bad_code")
    ask(PHONE)
    second = last_code(gateway, PHONE)

    if first != second:
        assert_error(exchange(client, PHONE, first), 401, "bad_code")
    assert exchange(client, PHONE, second).status_code == 200


def test_a_code_is_spent_after_five_wrong_tries(gateway, ask, client, resident):
    ask(PHONE)
    code = last_code(gateway, PHONE)
    for _ in range(settings.SMS_CODE_MAX_TRIES):
        assert_error(exchange(client, PHONE, wrong(code)), 401, "bad_code")

    assert_error(exchange(client, PHONE, code), 401, "bad_code")


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "0871-65123456", "abc", ""])
def test_a_number_that_is_not_a_mainland_mobile_is_invalid_and_nothing_is_sent(gateway, ask, db, phone):
    assert_error(ask(phone), 400, "invalid")

    assert len(gateway.calls) == 0
    assert not SmsCode.objects.exists()


def test_the_answer_is_the_same_for_an_unknown_number(gateway, ask, resident):
    known = ask(PHONE)
    unknown = ask(NEW_PHONE)

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(texts_to(gateway, NEW_PHONE)) == 1


def test_asking_is_limited_per_number_from_anywhere(gateway, ask, db):
    limit = count_of(settings.SMS_CODE_RATE_PER_NUMBER)
    answers = [ask(PHONE, address=f"10.0.0.{n}").status_code for n in range(limit)]

    assert answers == [202] * limit
    response = ask(PHONE, address="10.0.1.1")
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    assert len(texts_to(gateway, PHONE)) == limit


def test_asking_is_limited_per_address_whatever_the_number(gateway, ask, db):
    limit = count_of(settings.SMS_CODE_RATE_PER_ADDRESS)
    answers = [ask(f"1390000{n:04d}").status_code for n in range(limit)]

    assert answers == [202] * limit
    assert_error(ask("13700000000"), 429, "rate_limited")
    assert ask("13700000000", address="10.9.9.9").status_code == 202


def test_tries_are_limited_per_number_and_wrong_codes_count_as_failed_sign_ins(gateway, ask, client, resident):
    ask(PHONE)
    code = last_code(gateway, PHONE)
    limit = count_of(settings.SMS_VERIFY_RATE_PER_NUMBER)
    for n in range(limit):
        exchange(client, PHONE, wrong(code), address=f"10.0.0.{n}")

    assert AccessAttempt.objects.exists()  # django-axes counted them
    response = exchange(client, PHONE, code, address="10.0.1.1")
    assert_error(response, 429, "rate_limited")
    assert "Retry-After" in response


def test_an_address_locked_out_for_wrong_passwords_cannot_sign_in_by_code_either(gateway, ask, client, resident):
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        client.post(
            f"{API}/auth/token",
            {"email": f"someone{n}@example.com", "password": "guess"},
            content_type="application/json",
        )
    ask(PHONE, address="10.5.5.5")

    assert_error(exchange(client, PHONE, last_code(gateway, PHONE)), 429, "rate_limited")


def test_an_unknown_number_gets_a_new_account_without_email_or_password(gateway, ask, client, db):
    ask(NEW_PHONE)

    response = exchange(client, NEW_PHONE, last_code(gateway, NEW_PHONE))

    assert response.status_code == 200
    assert response.json()["created"] is True
    user = User.objects.get(phone=NEW_PHONE)
    assert user.email is None and not user.has_usable_password()
    assert Action.objects.filter(person=user, action=Action.Code.SMS_REGISTERED, actor_kind="resident").exists()


def test_a_resident_registered_at_a_counter_claims_their_account(gateway, ask, client, provider):
    counter = register_resident_at_counter("王奶奶", NEW_PHONE, provider=provider)
    ask(NEW_PHONE)

    response = exchange(client, NEW_PHONE, last_code(gateway, NEW_PHONE))

    assert response.json()["created"] is False
    token = response.json()["token"]
    assert Client(headers={"authorization": f"Bearer {token}"}).get(f"{API}/me").json()["name"] == "王奶奶"
    assert User.objects.filter(phone=NEW_PHONE).count() == 1
    assert Action.objects.filter(person=counter, action=Action.Code.ACCOUNT_CLAIMED).count() == 1


def test_of_several_residents_on_one_number_the_code_signs_in_the_one_who_signed_in_last(
    gateway, ask, client, provider, django_capture_on_commit_callbacks
):
    first = register_resident_at_counter("王奶奶", NEW_PHONE, provider=provider)
    second = register_resident_at_counter("王爷爷", NEW_PHONE, provider=provider)

    ask(NEW_PHONE)
    signed = exchange(client, NEW_PHONE, last_code(gateway, NEW_PHONE)).json()["token"]
    assert Client(headers={"authorization": f"Bearer {signed}"}).get(f"{API}/me").json()["id"] == first.pk

    second.last_login = first.last_login = None
    second.save()
    User.objects.filter(pk=first.pk).update(last_login=None)
    User.objects.filter(pk=second.pk).update(last_login="2026-01-01T00:00:00Z")
    ask(NEW_PHONE)
    signed = exchange(client, NEW_PHONE, last_code(gateway, NEW_PHONE)).json()["token"]
    assert Client(headers={"authorization": f"Bearer {signed}"}).get(f"{API}/me").json()["id"] == second.pk


def hotline_operator(make_user):
    from django.contrib.auth.models import Permission

    operator = make_user("operator@example.com")
    operator.user_permissions.add(Permission.objects.get(codename="take_calls", content_type__app_label="hotline"))
    return operator


def grid_worker(make_user, community):
    from marketplace.grid.models import Grid, GridWorker

    worker = make_user("grid@example.com")
    grid = Grid.objects.create(community=community, number=1, name="第一网格", buildings="1栋")
    GridWorker.objects.create(user=worker).grids.add(grid)
    return worker


def supervisor_of_matters(make_user):
    from marketplace.matters.models import Supervisor

    supervisor = make_user("supervisor@example.com")
    Supervisor.objects.create(user=supervisor, street=None)
    return supervisor


@pytest.mark.parametrize("holder", ["provider staff", "hotline operator", "grid worker", "supervisor"])
def test_a_staff_account_is_never_signed_in_by_code(gateway, ask, client, holder, staff, make_user, community):
    if holder == "hotline operator":
        staff = hotline_operator(make_user)
    elif holder == "grid worker":
        staff = grid_worker(make_user, community)
    elif holder == "supervisor":
        staff = supervisor_of_matters(make_user)
    staff.phone = NEW_PHONE
    staff.save()
    ask(NEW_PHONE)

    response = exchange(client, NEW_PHONE, last_code(gateway, NEW_PHONE))

    assert response.json()["created"] is True
    token = response.json()["token"]
    assert Client(headers={"authorization": f"Bearer {token}"}).get(f"{API}/me").json()["id"] != staff.pk


# The web: two steps beside email and password.


def web_ask(client, phone, capture):
    with capture(execute=True):
        return client.post("/shop/accounts/login/sms/", {"phone": phone})


def test_the_sign_in_page_offers_both_ways(client, db):
    page = client.get(LOGIN)

    assert page.status_code == 200
    content = page.content.decode()
    assert 'action="/shop/accounts/login/sms/"' in content
    assert 'id="login_form"' in content


def test_the_web_signs_in_by_phone_in_two_steps(gateway, client, resident, django_capture_on_commit_callbacks):
    step_one = web_ask(client, "138 1234 5678", django_capture_on_commit_callbacks)
    assert step_one.status_code == 302 and step_one["Location"].startswith("/shop/accounts/login/sms/code/")
    page = client.get(step_one["Location"])
    assert "138****5678" in page.content.decode()
    assert PHONE not in page.content.decode()

    wrong_answer = client.post("/shop/accounts/login/sms/code/", {"code": wrong(last_code(gateway, PHONE))})
    assert wrong_answer.status_code == 200 and wrong_answer.context["form"].errors["code"]
    signed = client.post("/shop/accounts/login/sms/code/", {"code": last_code(gateway, PHONE)})

    assert signed.status_code == 302
    assert client.get("/shop/accounts/bookings/").wsgi_request.user == resident


def test_a_resident_with_both_may_still_use_email_and_password(
    gateway, client, resident, django_capture_on_commit_callbacks
):
    web_ask(client, PHONE, django_capture_on_commit_callbacks)
    client.post("/shop/accounts/login/sms/code/", {"code": last_code(gateway, PHONE)})
    client.post("/shop/accounts/logout/")

    response = client.post(LOGIN, {"login-username": resident.email, "login-password": PASSWORD, "login_submit": "1"})

    assert response.status_code == 302 and response.wsgi_request.user == resident


def test_a_new_resident_signed_up_by_code_is_sent_to_their_profile(
    gateway, client, db, django_capture_on_commit_callbacks
):
    web_ask(client, NEW_PHONE, django_capture_on_commit_callbacks)

    signed = client.post("/shop/accounts/login/sms/code/", {"code": last_code(gateway, NEW_PHONE)})

    assert signed["Location"] == "/shop/accounts/profile/edit/"
    assert client.get(signed["Location"]).status_code == 200


def test_the_web_refuses_a_bad_number_with_the_field_message(gateway, client, db):
    page = client.post("/shop/accounts/login/sms/", {"phone": "12345"})

    assert page.status_code == 200 and page.context["sms_form"].errors["phone"]


def test_the_code_step_without_a_number_goes_back_to_the_first(client, db):
    assert client.get("/shop/accounts/login/sms/code/")["Location"] == "/shop/accounts/login/sms/"


# The sandbox gateway's development page.


def test_the_sandbox_keeps_codes_for_the_development_page(settings, ask, client, resident):
    settings.DEBUG = True
    settings.SMS_GATEWAY_URL = ""
    ask(PHONE)

    page = client.get("/dev/sms/")

    assert page.status_code == 200
    content = page.content.decode()
    assert "138****5678" in content and PHONE not in content
    assert re.search(r"\d{6}", SandboxSms.objects.get().text)
    assert SandboxSms.objects.get().text in content


def test_the_development_page_is_404_in_production_and_with_a_real_gateway(settings, client, db):
    settings.DEBUG = False
    settings.SMS_GATEWAY_URL = ""
    assert client.get("/dev/sms/").status_code == 404
    settings.DEBUG = True
    settings.SMS_GATEWAY_URL = SMS_URL
    assert client.get("/dev/sms/").status_code == 404


def test_no_log_names_the_number_in_clear(settings, ask, resident, caplog):
    settings.SMS_GATEWAY_URL = ""
    with caplog.at_level("DEBUG"):
        ask(PHONE)

    assert "138****5678" in caplog.text
    assert PHONE not in caplog.text


def test_the_queued_task_holds_neither_the_number_nor_the_code_in_clear(ask, resident):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from marketplace.users import crypto
    from tests.marketplace.tasks_helpers import DATABASE_QUEUE

    with override_settings(TASKS=DATABASE_QUEUE):
        ask(PHONE)

    queued = json.dumps(DBTaskResult.objects.get(task_path="marketplace.users.tasks.send_sign_in_code").args_kwargs)
    sealed = json.loads(queued)["args"][0]
    sent = json.loads(crypto.unseal(sealed))
    assert sent["phone"] == PHONE
    assert PHONE not in queued and "code" not in queued  # the sealed text is base64: no key names in it

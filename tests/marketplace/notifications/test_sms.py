"""The SMS gateway client against the gateway's HTTP, mocked with ``responses``: nothing leaves the machine."""

import json
import logging

import pytest
import requests
import responses

from marketplace.notifications.sms import SmsError, send_sms

URL = "https://sms.gateway.test/v1/messages"
PHONE = "13812345678"
MASKED = "138****5678"


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY_URL = URL
    settings.SMS_GATEWAY_TOKEN = "sms-token"
    settings.SMS_GATEWAY_TIMEOUT = 3


@responses.activate
def test_a_message_is_posted_as_json_with_the_token_and_the_gateway_id_comes_back(gateway):
    responses.post(URL, json={"id": "msg-1"}, status=202)

    result = send_sms(PHONE, "您的预约已取消")

    assert (result.id, result.sent) == ("msg-1", True)
    (call,) = responses.calls
    assert call.request.headers["Authorization"] == "Bearer sms-token"
    assert json.loads(call.request.body) == {"to": PHONE, "text": "您的预约已取消"}


@responses.activate
def test_without_a_gateway_the_message_is_only_logged_with_the_phone_masked(settings, caplog):
    settings.SMS_GATEWAY_URL = ""
    caplog.set_level(logging.INFO, logger="marketplace.notifications.sms")

    result = send_sms(PHONE, "您的预约已取消")

    assert result.sent is False
    assert not responses.calls
    assert MASKED in caplog.text
    assert "您的预约已取消" in caplog.text
    assert PHONE not in caplog.text


@responses.activate
def test_a_timeout_is_tried_once_more(gateway):
    responses.post(URL, body=requests.ReadTimeout())
    responses.post(URL, json={"id": "msg-2"})

    assert send_sms(PHONE, "text").id == "msg-2"
    assert len(responses.calls) == 2


@responses.activate
def test_a_server_error_is_tried_once_more(gateway):
    responses.post(URL, status=503)
    responses.post(URL, json={"id": "msg-3"})

    assert send_sms(PHONE, "text").id == "msg-3"
    assert len(responses.calls) == 2


@pytest.mark.parametrize(
    ("answers", "calls", "words"),
    [
        ([{"body": requests.ReadTimeout()}, {"body": requests.ReadTimeout()}], 2, "did not answer"),
        ([{"status": 500}, {"status": 502}], 2, "HTTP 502"),
        ([{"status": 400, "json": {"error": "bad number"}}], 1, "HTTP 400"),
        ([{"status": 401}], 1, "HTTP 401"),
        ([{"body": "<html>oops</html>", "status": 200}], 1, "not the protocol"),
        ([{"json": {"status": "ok"}}], 1, "not the protocol"),
        ([{"json": ["msg-1"]}], 1, "not the protocol"),
        ([{"body": requests.ConnectionError(f"cannot reach {URL} for {PHONE}")}], 1, "could not be reached"),
    ],
    ids=[
        "timeouts",
        "server errors",
        "bad request",
        "bad token",
        "not json",
        "no id",
        "not an object",
        "no connection",
    ],
)
@responses.activate
def test_failures_raise_a_clear_error_that_names_the_phone_only_masked(gateway, answers, calls, words):
    for answer in answers:
        responses.post(URL, **answer)

    with pytest.raises(SmsError) as raised:
        send_sms(PHONE, "text")

    assert words in str(raised.value)
    assert MASKED in str(raised.value)
    assert PHONE not in str(raised.value)
    assert len(responses.calls) == calls


@responses.activate
def test_retries_are_logged_without_the_phone_in_clear(gateway, caplog):
    caplog.set_level(logging.INFO, logger="marketplace.notifications.sms")
    responses.post(URL, status=500)
    responses.post(URL, json={"id": "msg-4"})

    send_sms(PHONE, "text")

    assert MASKED in caplog.text
    assert PHONE not in caplog.text

"""The payment gateway client against the gateway's HTTP, mocked with ``responses``: nothing leaves the machine."""

import json
from decimal import Decimal

import pytest
import requests
import responses
from oscar.apps.payment.exceptions import GatewayError, InvalidGatewayRequestError, UnableToTakePayment

from marketplace.payment import gateway

BASE = "https://pay.gateway.test/v1"
SECRET = "webhook-secret"


@pytest.fixture
def client():
    return gateway.GatewayClient(BASE, api_key="key-123", webhook_secret=SECRET, timeout=2, retries=1)


def payment_json(**changes):
    data = {
        "id": "pay_1",
        "status": "pending",
        "amount": 5000,
        "currency": "CNY",
        "reference": "BK7KQ2XM",
        "pay_url": "https://pay.gateway.test/p/pay_1",
    }
    return {**data, **changes}


def create(client, amount=5000, key="idem-1"):
    return client.create_payment(
        amount=amount,
        currency="CNY",
        reference="BK7KQ2XM",
        notify_url="https://panlong.example/shop/payment/webhook/",
        return_url="https://panlong.example/shop/payment/return/BK7KQ2XM/",
        idempotency_key=key,
        description="免费法律咨询",
    )


@responses.activate
def test_create_payment_sends_fen_key_and_idempotency_key_and_returns_the_pay_url(client):
    responses.post(f"{BASE}/payments", json=payment_json(), status=201)

    payment = create(client)

    assert payment.pay_url == "https://pay.gateway.test/p/pay_1"
    assert (payment.id, payment.status, payment.amount) == ("pay_1", "pending", 5000)
    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == "Bearer key-123"
    assert sent.headers["Idempotency-Key"] == "idem-1"
    assert json.loads(sent.body)["amount"] == 5000


@responses.activate
def test_a_declined_payment_is_oscars_unable_to_take_payment(client):
    responses.post(f"{BASE}/payments", json={"message": "card declined"}, status=402)

    with pytest.raises(UnableToTakePayment):
        create(client)


@responses.activate
def test_a_timeout_is_retried_once_with_the_same_idempotency_key_then_succeeds(client):
    responses.post(f"{BASE}/payments", body=requests.ReadTimeout())
    responses.post(f"{BASE}/payments", json=payment_json(), status=201)

    payment = create(client)

    assert payment.id == "pay_1"
    keys = [call.request.headers["Idempotency-Key"] for call in responses.calls]
    assert keys == ["idem-1", "idem-1"]


@responses.activate
def test_a_gateway_that_keeps_timing_out_is_a_gateway_error(client):
    responses.post(f"{BASE}/payments", body=requests.ReadTimeout())
    responses.post(f"{BASE}/payments", body=requests.ReadTimeout())

    with pytest.raises(gateway.GatewayTimeout) as error:
        create(client)

    assert isinstance(error.value, GatewayError)
    assert len(responses.calls) == 2


@responses.activate
def test_server_errors_are_retried_then_reported(client):
    responses.post(f"{BASE}/payments", json={"message": "busy"}, status=503)
    responses.post(f"{BASE}/payments", body="<html>Bad gateway</html>", status=502)

    with pytest.raises(gateway.GatewayUnavailable):
        create(client)
    assert len(responses.calls) == 2


@responses.activate
def test_an_unreachable_gateway_is_a_gateway_error(client):
    responses.post(f"{BASE}/payments", body=requests.ConnectionError())
    responses.post(f"{BASE}/payments", body=requests.ConnectionError())

    with pytest.raises(gateway.GatewayUnavailable):
        create(client)


@pytest.mark.parametrize(
    "body",
    [
        "this is not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "pay_1", "status": "pending"}),
        json.dumps(payment_json(status="maybe")),
        json.dumps(payment_json(amount=50.0)),
        json.dumps(payment_json(amount=True)),
        json.dumps(payment_json(pay_url="")),
    ],
    ids=["not-json", "not-an-object", "missing-fields", "unknown-status", "float-amount", "bool-amount", "no-pay-url"],
)
@responses.activate
def test_malformed_answers_are_refused(client, body):
    responses.post(f"{BASE}/payments", body=body, status=201, content_type="application/json")

    with pytest.raises(gateway.MalformedResponse):
        create(client)


@responses.activate
def test_a_payment_created_for_another_amount_is_refused(client):
    responses.post(f"{BASE}/payments", json=payment_json(amount=500), status=201)

    with pytest.raises(gateway.MalformedResponse):
        create(client, amount=5000)


@responses.activate
def test_a_refused_request_is_an_invalid_gateway_request(client):
    responses.post(f"{BASE}/payments", json={"message": "currency not supported"}, status=422)

    with pytest.raises(InvalidGatewayRequestError):
        create(client)
    assert len(responses.calls) == 1  # a refusal is an answer: retrying would not change it


@responses.activate
def test_query_reads_the_payment_status(client):
    responses.get(f"{BASE}/payments/pay_1", json=payment_json(status="succeeded"))

    payment = client.query_payment("pay_1")

    assert payment.succeeded
    assert responses.calls[0].request.headers["Authorization"] == "Bearer key-123"


@responses.activate
def test_full_and_partial_refunds(client):
    responses.post(
        f"{BASE}/payments/pay_1/refunds", json={"id": "re_1", "payment": "pay_1", "status": "succeeded", "amount": 2000}
    )

    refund = client.refund("pay_1", 2000, idempotency_key="refund-1", reason="居民取消")

    assert (refund.id, refund.status, refund.amount) == ("re_1", "succeeded", 2000)
    assert json.loads(responses.calls[0].request.body) == {"amount": 2000, "reason": "居民取消"}


@responses.activate
def test_a_failed_refund_raises_and_a_retry_with_the_same_key_succeeds(client):
    url = f"{BASE}/payments/pay_1/refunds"
    responses.post(url, json={"id": "re_1", "payment": "pay_1", "status": "failed", "amount": 5000})
    responses.post(url, json={"id": "re_1", "payment": "pay_1", "status": "succeeded", "amount": 5000})

    with pytest.raises(GatewayError):
        client.refund("pay_1", 5000, idempotency_key="refund-1")
    refund = client.refund("pay_1", 5000, idempotency_key="refund-1")

    assert refund.status == "succeeded"
    assert [call.request.headers["Idempotency-Key"] for call in responses.calls] == ["refund-1", "refund-1"]


@responses.activate
def test_a_refund_of_another_amount_is_refused(client):
    responses.post(
        f"{BASE}/payments/pay_1/refunds", json={"id": "re_1", "payment": "pay_1", "status": "succeeded", "amount": 1}
    )

    with pytest.raises(gateway.MalformedResponse):
        client.refund("pay_1", 5000, idempotency_key="refund-1")


# Webhooks

NOW = 1_790_000_000


def webhook(payment=None, event_id="evt_1", timestamp=NOW, secret=SECRET):
    body = json.dumps(
        {"id": event_id, "type": "payment.succeeded", "data": payment or payment_json(status="succeeded")}
    )
    raw = body.encode()
    return raw, str(timestamp), gateway.sign(secret, timestamp, raw)


def test_a_signed_fresh_webhook_is_parsed(client):
    raw, timestamp, signature = webhook()

    event = client.verify_webhook(raw, timestamp, signature, now=NOW + 5)

    assert (event.id, event.type, event.payment.status, event.payment.amount) == (
        "evt_1",
        "payment.succeeded",
        "succeeded",
        5000,
    )


def test_a_duplicate_webhook_carries_the_same_event_id(client):
    first = client.verify_webhook(*webhook(), now=NOW)
    again = client.verify_webhook(*webhook(), now=NOW + 60)

    assert first.id == again.id == "evt_1"


def test_a_forged_signature_is_rejected(client):
    raw, timestamp, _signature = webhook()
    forged = gateway.sign("not-the-secret", timestamp, raw)

    with pytest.raises(gateway.WebhookRejected):
        client.verify_webhook(raw, timestamp, forged, now=NOW)


def test_a_tampered_body_is_rejected(client):
    raw, timestamp, signature = webhook()
    tampered = raw.replace(b"5000", b"1")

    with pytest.raises(gateway.WebhookRejected):
        client.verify_webhook(tampered, timestamp, signature, now=NOW)


def test_a_signature_moved_to_another_timestamp_is_rejected(client):
    raw, _timestamp, signature = webhook()

    with pytest.raises(gateway.WebhookRejected):
        client.verify_webhook(raw, str(NOW + 1), signature, now=NOW)


@pytest.mark.parametrize("age", [301, -301, 86_400])
def test_a_stale_or_future_webhook_is_rejected(client, age):
    with pytest.raises(gateway.WebhookRejected):
        client.verify_webhook(*webhook(timestamp=NOW), now=NOW + age)


@pytest.mark.parametrize(("timestamp", "signature"), [("", "abc"), (str(NOW), ""), (None, None)])
def test_an_unsigned_webhook_is_rejected(client, timestamp, signature):
    raw, _timestamp, _signature = webhook()

    with pytest.raises(gateway.WebhookRejected):
        client.verify_webhook(raw, timestamp, signature, now=NOW)


def test_a_signed_body_that_is_not_an_event_is_rejected(client):
    raw = b'{"hello": "world"}'
    with pytest.raises(gateway.WebhookRejected):
        client.verify_webhook(raw, str(NOW), gateway.sign(SECRET, NOW, raw), now=NOW)


def test_amounts_travel_as_whole_fen():
    assert gateway.yuan_to_fen(Decimal("50.00")) == 5000
    assert gateway.yuan_to_fen(Decimal("0.01")) == 1
    assert gateway.fen_to_yuan(5001) == Decimal("50.01")
    with pytest.raises(ValueError):
        gateway.yuan_to_fen(Decimal("0.005"))

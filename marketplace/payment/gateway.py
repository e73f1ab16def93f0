"""Client of the payment gateway: a generic REST gateway, as China's aggregators offer (DESIGN.md §7).

The protocol, in full:

- ``POST {base}/payments`` with ``{amount, currency, reference, notify_url,
  return_url, description}`` (amount in fen) and an ``Idempotency-Key``
  header → 201 ``{id, status, amount, currency, reference, pay_url}``.
- ``GET {base}/payments/{id}`` → 200 the same object; ``status`` is
  ``pending``, ``succeeded``, ``failed`` or ``refunded``.
- ``POST {base}/payments/{id}/refunds`` with ``{amount, reason}`` and an
  ``Idempotency-Key`` → 201 ``{id, payment, status, amount}``; ``status`` is
  ``succeeded``, ``pending`` or ``failed``.
- Requests carry ``Authorization: Bearer {key}``. A 402 means declined, other
  4xx a request the gateway refuses, 5xx and timeouts a gateway in trouble.
- Webhooks: the gateway POSTs ``{id, type, data: payment}`` with headers
  ``X-Gateway-Timestamp`` (Unix seconds) and ``X-Gateway-Signature``, the hex
  HMAC-SHA256 of ``"{timestamp}.{raw body}"`` under the shared secret.

Every failure becomes one of Oscar's payment exceptions, so checkout and the
booking services handle a gateway like any other Oscar payment source. No
amount ever travels as a float: yuan are ``Decimal`` on our side, fen are
``int`` on the wire.
"""

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal

import requests
from django.conf import settings
from oscar.apps.payment.exceptions import GatewayError, InvalidGatewayRequestError, PaymentError, UnableToTakePayment

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Gateway-Signature"
TIMESTAMP_HEADER = "X-Gateway-Timestamp"
PAYMENT_STATUSES = ("pending", "succeeded", "failed", "refunded")
REFUND_STATUSES = ("succeeded", "pending", "failed")


class GatewayTimeout(GatewayError):
    """The gateway did not answer in time; the request may or may not have taken effect."""


class GatewayUnavailable(GatewayError):
    """The gateway answered with a server error."""


class MalformedResponse(GatewayError):
    """The gateway answered something that is not the protocol (bad JSON, missing fields, other amounts)."""


class PaymentDeclined(UnableToTakePayment):
    """The gateway declined the payment (HTTP 402): the resident can try again, Oscar shows why."""


class RequestRefused(InvalidGatewayRequestError):
    """The gateway refused the request as invalid (4xx other than 402)."""


class WebhookRejected(PaymentError):
    """A webhook whose signature, timestamp or body cannot be trusted; nothing may change."""


@dataclass(frozen=True)
class Payment:
    id: str
    status: str
    amount: int  # fen
    currency: str
    reference: str
    pay_url: str = ""

    @property
    def succeeded(self):
        return self.status == "succeeded"


@dataclass(frozen=True)
class Refund:
    id: str
    payment_id: str
    status: str
    amount: int  # fen


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    payment: Payment


def yuan_to_fen(amount):
    """Decimal yuan → int fen, exactly; an amount finer than one fen is a bug, not something to round."""
    fen = Decimal(amount) * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} yuan is not a whole number of fen")
    return int(fen)


def fen_to_yuan(fen):
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def sign(secret, timestamp, raw_body):
    """The webhook signature: hex HMAC-SHA256 of ``"{timestamp}.{raw body}"``."""
    message = str(timestamp).encode() + b"." + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _require(data, fields, what):
    if not isinstance(data, dict):
        raise MalformedResponse(f"The gateway's {what} is not a JSON object.")
    missing = [field for field in fields if field not in data]
    if missing:
        raise MalformedResponse(f"The gateway's {what} lacks {', '.join(missing)}.")
    return data


def _amount(value, what):
    # bool is an int in Python; the protocol's amounts are whole fen, never true/false or 1.5.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedResponse(f"The gateway's {what} amount is not a whole number of fen.")
    return value


def parse_payment(data):
    data = _require(data, ("id", "status", "amount", "currency", "reference"), "payment")
    if data["status"] not in PAYMENT_STATUSES:
        raise MalformedResponse(f"Unknown payment status {data['status']!r}.")
    return Payment(
        id=str(data["id"]),
        status=data["status"],
        amount=_amount(data["amount"], "payment"),
        currency=str(data["currency"]),
        reference=str(data["reference"]),
        pay_url=str(data.get("pay_url") or ""),
    )


def parse_refund(data):
    data = _require(data, ("id", "payment", "status", "amount"), "refund")
    if data["status"] not in REFUND_STATUSES:
        raise MalformedResponse(f"Unknown refund status {data['status']!r}.")
    return Refund(
        id=str(data["id"]),
        payment_id=str(data["payment"]),
        status=data["status"],
        amount=_amount(data["amount"], "refund"),
    )


class GatewayClient:
    """One gateway account. ``retries``: extra attempts after a timeout or a 5xx.

    Retrying is safe because every request that changes something carries an
    idempotency key, and the retry sends the same one.
    """

    def __init__(self, base_url, api_key, webhook_secret, timeout=10, retries=1, tolerance=300, session=None):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.timeout = timeout
        self.retries = retries
        self.tolerance = tolerance
        self.session = session or requests.Session()

    # Outgoing requests

    def create_payment(self, amount, currency, reference, notify_url, return_url, idempotency_key, description=""):
        """Ask for a payment of ``amount`` fen; returns the pending :class:`Payment` with its ``pay_url``."""
        body = {
            "amount": amount,
            "currency": currency,
            "reference": reference,
            "notify_url": notify_url,
            "return_url": return_url,
            "description": description,
        }
        payment = parse_payment(self._request("POST", "/payments", body, idempotency_key))
        if (payment.amount, payment.currency, payment.reference) != (amount, currency, reference):
            raise MalformedResponse("The gateway created a payment other than the one asked for.")
        if not payment.pay_url:
            raise MalformedResponse("The gateway gave no pay URL.")
        return payment

    def query_payment(self, payment_id):
        return parse_payment(self._request("GET", f"/payments/{payment_id}"))

    def refund(self, payment_id, amount, idempotency_key, reason=""):
        """Refund ``amount`` fen (all or part) of a payment. A refund the gateway reports failed raises."""
        refund = parse_refund(
            self._request(
                "POST", f"/payments/{payment_id}/refunds", {"amount": amount, "reason": reason}, idempotency_key
            )
        )
        if refund.amount != amount or refund.payment_id != str(payment_id):
            raise MalformedResponse("The gateway refunded something other than what was asked for.")
        if refund.status == "failed":
            raise GatewayError("The gateway could not make the refund.")
        return refund

    def _request(self, method, path, body=None, idempotency_key=None):
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = self.base_url + path
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.session.request(method, url, json=body, headers=headers, timeout=self.timeout)
            except requests.Timeout as error:
                logger.warning("Payment gateway timed out: %s %s (attempt %d)", method, path, attempt + 1)
                if last:
                    raise GatewayTimeout("The payment gateway did not answer in time.") from error
                continue
            except requests.RequestException as error:
                logger.warning("Payment gateway unreachable: %s %s: %s", method, path, type(error).__name__)
                if last:
                    raise GatewayUnavailable("The payment gateway cannot be reached.") from error
                continue
            if response.status_code >= 500:
                logger.warning("Payment gateway error %d: %s %s", response.status_code, method, path)
                if last:
                    raise GatewayUnavailable(f"The payment gateway answered {response.status_code}.")
                continue
            return self._json(response, method, path)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _json(response, method, path):
        try:
            data = response.json()
        except ValueError as error:
            raise MalformedResponse(f"The payment gateway answered {method} {path} with something not JSON.") from error
        if response.status_code == 402:
            raise PaymentDeclined(str(data.get("message", "")) if isinstance(data, dict) else "")
        if response.status_code >= 400:
            message = data.get("message", "") if isinstance(data, dict) else ""
            logger.warning("Payment gateway refused %s %s: %d %s", method, path, response.status_code, message)
            raise RequestRefused(f"The payment gateway refused the request ({response.status_code}).")
        return data

    # Incoming webhooks

    def verify_webhook(self, raw_body, timestamp, signature, now=None):
        """Check a webhook's signature and age and parse it; raise :class:`WebhookRejected` otherwise.

        The signature is checked first, over the exact bytes received, so a
        forged body is never parsed. Replays within the tolerance carry the
        same event id; the caller records ids it has handled.
        """
        now = time.time() if now is None else now
        if not timestamp or not signature:
            raise WebhookRejected("The webhook is not signed.")
        expected = sign(self.webhook_secret, timestamp, raw_body)
        if not hmac.compare_digest(expected, str(signature)):
            raise WebhookRejected("The webhook's signature does not match.")
        try:
            sent_at = int(timestamp)
        except (TypeError, ValueError) as error:
            raise WebhookRejected("The webhook's timestamp is not a number.") from error
        if abs(now - sent_at) > self.tolerance:
            raise WebhookRejected("The webhook's timestamp is too old or in the future.")
        try:
            data = json.loads(raw_body)
            data = _require(data, ("id", "type", "data"), "webhook")
            return WebhookEvent(id=str(data["id"]), type=str(data["type"]), payment=parse_payment(data["data"]))
        except (ValueError, MalformedResponse) as error:
            raise WebhookRejected("The webhook's body is not a payment event.") from error


def client_from_settings():
    return GatewayClient(
        base_url=settings.PAYMENT_GATEWAY_URL,
        api_key=settings.PAYMENT_GATEWAY_KEY,
        webhook_secret=settings.PAYMENT_GATEWAY_SECRET,
        timeout=settings.PAYMENT_GATEWAY_TIMEOUT,
    )

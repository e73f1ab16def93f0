"""Client of an HTTP SMS gateway, as China's SMS providers offer one.

The protocol, in full: ``POST {SMS_GATEWAY_URL}`` with the JSON body
``{"to": "13812345678", "text": "…"}`` and ``Authorization: Bearer
{SMS_GATEWAY_TOKEN}`` → 2xx ``{"id": "…"}``: the message is accepted. Any
other answer, a timeout or a broken connection raises :class:`SmsError`; a
timeout or a 5xx is tried once more first.

Without ``SMS_GATEWAY_URL`` (the embedded default) a message is only logged; with ``DEBUG`` on too
(``make run``), the sandbox keeps it for the development page /dev/sms/ (:func:`sandbox_page_on`),
the number masked, so that sign-in codes can be read there.
Phone numbers never appear in the logs in clear, only masked (138****5678).
"""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings

from marketplace.users.models import mask_phone

logger = logging.getLogger(__name__)

ATTEMPTS = 2  # a timeout or a 5xx is worth one more try; anything else will not change


class SmsError(Exception):
    """The SMS was not sent. The message names the masked phone only."""


@dataclass(frozen=True)
class SmsResult:
    id: str
    sent: bool  # False: only logged, no gateway configured


def send_sms(phone, text):
    """Send ``text`` to the mobile ``phone``; returns an :class:`SmsResult` or raises :class:`SmsError`."""
    masked = mask_phone(phone)
    url = settings.SMS_GATEWAY_URL
    if not url:
        logger.info("SMS to %s (no gateway configured, logged only): %s", masked, text)
        if sandbox_page_on():
            _keep(masked, text)
        return SmsResult(id="", sent=False)
    headers = {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"}
    timeout = settings.SMS_GATEWAY_TIMEOUT
    for attempt in range(1, ATTEMPTS + 1):
        last = attempt == ATTEMPTS
        try:
            response = requests.post(url, json={"to": phone, "text": text}, headers=headers, timeout=timeout)
        except requests.Timeout as error:
            if last:
                raise SmsError(f"The SMS gateway did not answer in {timeout:g} s (to {masked}).") from error
            logger.warning("SMS gateway timed out (to %s); trying once more", masked)
            continue
        except requests.RequestException as error:
            # The exception text may carry the request body, so it is not passed on.
            raise SmsError(f"The SMS gateway could not be reached (to {masked}): {type(error).__name__}.") from None
        if response.status_code >= 500 and not last:
            logger.warning("SMS gateway answered %s (to %s); trying once more", response.status_code, masked)
            continue
        return _result(response, masked)
    raise AssertionError("unreachable")  # pragma: no cover


SANDBOX_KEPT = 50  # the sandbox page lists the last this many messages


def sandbox_page_on():
    """Whether sent messages are kept for /dev/sms/: in development only (DEBUG, no gateway)."""
    return settings.DEBUG and not settings.SMS_GATEWAY_URL


def _keep(masked, text):
    from marketplace.notifications.models import SandboxSms

    SandboxSms.objects.create(to=masked, text=text)
    old = SandboxSms.objects.order_by("-sent_at", "-pk").values_list("pk", flat=True)[SANDBOX_KEPT:]
    SandboxSms.objects.filter(pk__in=list(old)).delete()


def sandbox_messages():
    from marketplace.notifications.models import SandboxSms

    return SandboxSms.objects.all()[:SANDBOX_KEPT]


def _result(response, masked):
    if not 200 <= response.status_code < 300:
        raise SmsError(f"The SMS gateway refused the message to {masked}: HTTP {response.status_code}.")
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not data.get("id"):
        raise SmsError(f"The SMS gateway's answer for {masked} is not the protocol (no message id).")
    logger.info("SMS to %s accepted by the gateway as %s", masked, data["id"])
    return SmsResult(id=str(data["id"]), sent=True)

import json
from datetime import datetime, timedelta

import pytest
import responses
from django.utils import timezone

from providers.models import Slot

SMS_URL = "https://sms.gateway.test/v1/messages"
SITE = "https://fuwu.panlong.example"


class SmsGateway:
    """The SMS gateway's HTTP, mocked: what it was asked to send."""

    def __init__(self, mock):
        self.mock = mock

    @property
    def texts(self):
        return [json.loads(call.request.body) for call in self.mock.calls]

    def to(self, phone):
        return [message["text"] for message in self.texts if message["to"] == phone]


@pytest.fixture
def sms(settings):
    settings.SMS_GATEWAY_URL = SMS_URL
    settings.SMS_GATEWAY_TOKEN = "sms-token"
    settings.SITE_URL = SITE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(SMS_URL, json={"id": "msg-1"})
        yield SmsGateway(mock)


@pytest.fixture
def morning_slot(offering):
    """A slot at 09:30 Shanghai time on a Wednesday a few weeks ahead: 01:30 UTC."""
    shanghai = timezone.get_default_timezone()
    today = timezone.localdate()
    day = today.toordinal() + 14
    while datetime.fromordinal(day).weekday() != 2:
        day += 1
    starts_at = datetime.fromordinal(day).replace(hour=9, minute=30, tzinfo=shanghai)
    offering.product.book_ahead_days = 60
    offering.product.save()
    return Slot.objects.create(
        offering=offering, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=45), capacity=3
    )

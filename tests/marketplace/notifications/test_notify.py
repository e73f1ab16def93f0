"""Telling residents their booking was cancelled by the provider: one email and one SMS each, failures contained."""

import json
import logging
from datetime import timedelta

import pytest
import requests
import responses
from django.core import mail
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.translation import gettext

from catalog.services import add_offering, create_service
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.notifications.notices import tell_cancelled_by_provider
from providers import closures

SMS_URL = "https://sms.gateway.test/v1/messages"
SITE = "https://fuwu.panlong.example"


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY_URL = SMS_URL
    settings.SMS_GATEWAY_TOKEN = "sms-token"
    settings.SITE_URL = SITE


@pytest.fixture
def closed_day(make_slot, offering, resident, other_resident):
    """A slot two days ahead booked by two residents; closing its day cancels both."""
    slot = make_slot(offering, starts_in=timedelta(days=2))
    services.book(resident, slot.pk)
    services.book(other_resident, slot.pk)
    return slot


@pytest.fixture
def other_offering(service, other_provider):
    return add_offering(service, other_provider)


def close_day_of(staff, slot, capture, reason="律师参加培训"):
    day = timezone.localtime(slot.starts_at).date()
    with capture(execute=True):
        return closures.close_period(staff, slot.offering.partner, day, day, reason)


def listed(slot):
    """How the email lists a free time, in the default language."""
    with translation.override("zh-hans"):
        starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
        return f"- {date_filter(starts, 'DATETIME_FORMAT')}–{date_filter(ends, 'H:i')}, {slot.offering.partner.name}"


def in_chinese(moment, named_format):
    with translation.override("zh-hans"):
        return date_filter(timezone.localtime(moment), named_format)


def sms_sent():
    return {json.loads(call.request.body)["to"]: json.loads(call.request.body)["text"] for call in responses.calls}


@responses.activate
def test_each_resident_gets_one_email_and_one_sms_naming_the_reason_and_free_times_of_the_service(
    gateway,
    staff,
    closed_day,
    resident,
    other_resident,
    offering,
    other_offering,
    make_slot,
    make_user,
    sector,
    service_page,
    django_capture_on_commit_callbacks,
):
    responses.post(SMS_URL, json={"id": "msg-1"})
    responses.post(SMS_URL, json={"id": "msg-2"})
    full = make_slot(other_offering, starts_in=timedelta(days=1), capacity=1)
    services.book(make_user(email="wangwu@example.com", phone="13600000000"), full.pk)
    make_slot(add_offering(create_service("人民调解", sector), staff.partners.get()), starts_in=timedelta(days=1))
    elsewhere = make_slot(other_offering, starts_in=timedelta(days=1, hours=1))
    next_week = make_slot(offering, starts_in=timedelta(days=7))

    close_day_of(staff, closed_day, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == sorted([resident.email, other_resident.email])
    assert set(sms_sent()) == {resident.phone, other_resident.phone}
    codes = dict(Booking.objects.filter(slot=closed_day).values_list("user__email", "code"))
    service_url = f"{SITE}{service_page.url}"
    for message in mail.outbox:
        assert codes[message.to[0]] in message.subject
        body = message.body
        for words in ("律师参加培训", codes[message.to[0]], "免费法律咨询", "拓东街道公共法律服务工作站", service_url):
            assert words in body
        assert in_chinese(closed_day.starts_at, "DATE_FORMAT") in body
        # The free times of the same service at any provider, soonest first: not the full one,
        # not another service's, not the closed day's.
        assert [line for line in body.splitlines() if line.startswith("- ")] == [listed(elsewhere), listed(next_week)]
        assert listed(full) not in body
    for phone, text in sms_sent().items():
        email = {resident.phone: resident.email, other_resident.phone: other_resident.email}[phone]
        assert "律师参加培训" in text and codes[email] in text and service_url in text
        assert in_chinese(elsewhere.starts_at, "SHORT_DATETIME_FORMAT") in text
        assert in_chinese(full.starts_at, "SHORT_DATETIME_FORMAT") not in text


@pytest.mark.parametrize(
    "failure",
    [
        [{"status": 500}, {"status": 500}, {"status": 500}, {"status": 500}],
        [{"body": requests.ReadTimeout()}] * 4,
        [{"body": "not json"}, {"body": "not json"}],
    ],
    ids=["server error", "timeout", "malformed JSON"],
)
@responses.activate
def test_a_failing_gateway_never_undoes_the_closure_and_is_logged_without_the_phone(
    gateway, staff, closed_day, resident, other_resident, caplog, failure, django_capture_on_commit_callbacks
):
    for answer in failure:
        responses.post(SMS_URL, **answer)
    caplog.set_level(logging.INFO)

    closure = close_day_of(staff, closed_day, django_capture_on_commit_callbacks)

    closed_day.refresh_from_db()
    assert (closed_day.is_open, closed_day.num_booked) == (False, 0)
    assert len(closure.cancelled) == 2
    assert set(Booking.objects.filter(slot=closed_day).values_list("status", flat=True)) == {"cancelled"}
    assert len(mail.outbox) == 2  # the emails still went out
    assert "could not be sent" in caplog.text
    for person in (resident, other_resident):
        assert person.masked_phone in caplog.text
        assert person.phone not in caplog.text


@responses.activate
def test_one_residents_failure_does_not_stop_the_next(
    gateway, staff, closed_day, resident, other_resident, django_capture_on_commit_callbacks
):
    responses.post(SMS_URL, status=400)  # the first resident's number is refused
    responses.post(SMS_URL, json={"id": "msg-2"})

    close_day_of(staff, closed_day, django_capture_on_commit_callbacks)

    assert len(responses.calls) == 2
    assert len(mail.outbox) == 2


@responses.activate
def test_by_default_the_sms_is_only_logged_masked_and_nothing_is_called(
    settings, staff, closed_day, resident, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY_URL = ""
    caplog.set_level(logging.INFO)

    close_day_of(staff, closed_day, django_capture_on_commit_callbacks)

    assert not responses.calls
    assert resident.masked_phone in caplog.text
    assert "律师参加培训" in caplog.text
    assert resident.phone not in caplog.text


@responses.activate
def test_a_resident_without_email_gets_the_sms_and_one_without_phone_the_email(
    gateway, staff, offering, make_slot, make_user, django_capture_on_commit_callbacks
):
    responses.post(SMS_URL, json={"id": "msg-1"})
    slot = make_slot(offering, starts_in=timedelta(days=2))
    no_email = make_user(email="noemail@example.com", phone="13500000000")
    type(no_email).objects.filter(pk=no_email.pk).update(email="")  # a resident booked at the counter
    no_email.refresh_from_db()
    no_phone = make_user(email="nophone@example.com", phone="")
    services.book(no_email, slot.pk)
    services.book(no_phone, slot.pk)

    close_day_of(staff, slot, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [["nophone@example.com"]]
    assert list(sms_sent()) == ["13500000000"]


@responses.activate
def test_nothing_is_sent_before_the_closure_is_committed(
    gateway, staff, closed_day, resident, other_resident, django_capture_on_commit_callbacks
):
    responses.post(SMS_URL, json={"id": "msg-1"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        day = timezone.localtime(closed_day.starts_at).date()
        closures.close_period(staff, closed_day.offering.partner, day, day, "停电")

    assert mail.outbox == []
    assert not responses.calls
    for callback in callbacks:  # the commit
        callback()
    assert len(mail.outbox) == 2
    assert set(sms_sent()) == {resident.phone, other_resident.phone}


def test_the_message_says_when_no_other_time_is_free(settings, staff, closed_day, resident):
    settings.SMS_GATEWAY_URL = ""
    booking = Booking.objects.get(slot=closed_day, user=resident)
    services.cancel_booking(booking, by=Booking.CancelledBy.PROVIDER, reason="停电")
    booking.refresh_from_db()

    assert tell_cancelled_by_provider(booking, []) == ["email", "sms"]

    (message,) = mail.outbox
    assert "停电" in message.body
    assert not [line for line in message.body.splitlines() if line.startswith("- ")]
    with translation.override("zh-hans"):
        assert gettext("The next free times of the same service:") not in message.body

"""A notice whose gateway or mail server failed is tried again by its task's retry until it goes through,
and what went out the first time is not sent twice. The SMS gateway is outside HTTP (responses)."""

from datetime import timedelta

import pytest
import requests
import responses
from django.core import mail
from django_tasks_db.models import DBTaskResult

from marketplace.booking import services
from marketplace.notifications import notices, reminders
from marketplace.notifications.models import Notice
from tests.marketplace.notifications.conftest import SMS_URL
from tests.marketplace.tasks_helpers import DATABASE_QUEUE, run_db_worker


def statuses(booking):
    return {(notice.channel, notice.status) for notice in Notice.objects.filter(booking=booking)}


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY_URL = SMS_URL
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_a_notice_that_timed_out_goes_out_on_the_retry_and_the_email_is_not_sent_twice(gateway, resident, slot):
    booking = services.book(resident, slot.pk)
    mail.outbox.clear()
    gateway.post(SMS_URL, body=requests.ReadTimeout())

    with pytest.raises(notices.NoticeNotSent):
        notices.confirm(booking)
    assert statuses(booking) == {("email", "sent"), ("sms", "failed")}
    assert len(mail.outbox) == 1

    gateway.replace(responses.POST, SMS_URL, json={"id": "msg-2"})
    assert notices.confirm(booking) == ["sms"]
    assert statuses(booking) == {("email", "sent"), ("sms", "sent")}
    assert len(mail.outbox) == 1
    # Two attempts timed out (sms.py tries twice), the retry's one went through.
    answered = [call for call in gateway.calls if isinstance(call.response, requests.Response)]
    assert (len(gateway.calls), len(answered)) == (3, 1)


def test_a_sent_notice_is_never_claimed_again(gateway, resident, slot):
    gateway.post(SMS_URL, json={"id": "msg-1"})
    booking = services.book(resident, slot.pk)
    notices.confirm(booking)

    assert notices.confirm(booking) == []
    assert len(gateway.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_of_a_failed_notice_is_queued_again(settings, gateway, resident, slot):
    """On the database queue, as db_worker runs it: the failed attempt stays failed, its retry waits its delay."""
    settings.TASKS = DATABASE_QUEUE
    gateway.post(SMS_URL, status=503)
    booking = services.book(resident, slot.pk)

    run_db_worker()

    attempts = DBTaskResult.objects.filter(task_path__endswith="tasks.confirm").order_by("enqueued_at")
    assert [(result.status, result.args_kwargs) for result in attempts] == [
        ("FAILED", {"args": [booking.pk], "kwargs": {}}),
        ("READY", {"args": [booking.pk], "kwargs": {"attempt": 2}}),
    ]
    assert statuses(booking) == {("email", "sent"), ("sms", "failed")}


def test_a_reminder_that_failed_is_due_again(gateway, resident, slot, time_machine):
    booking = services.book(resident, slot.pk)
    time_machine.move_to(slot.starts_at - timedelta(hours=2))
    gateway.post(SMS_URL, status=500)
    mail.outbox.clear()

    reminders.send_reminders()
    assert statuses(booking) >= {("sms", "failed")}
    assert list(reminders.due_reminders()) == [booking]

    gateway.replace(responses.POST, SMS_URL, json={"id": "msg-9"})
    reminders.send_reminders()
    reminded = {(n.channel, n.status) for n in Notice.objects.filter(booking=booking, kind=Notice.Kind.REMINDER)}
    assert reminded == {("email", "sent"), ("sms", "sent")}
    assert len([m for m in mail.outbox if m.to == [resident.email]]) == 1
    assert list(reminders.due_reminders()) == []

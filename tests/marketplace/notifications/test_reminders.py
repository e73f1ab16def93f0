"""``send_reminders``: every booking in the next 24 hours is reminded once, however often or concurrently it runs."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.notifications.models import Notice
from marketplace.notifications.reminders import send_reminders
from tests.conftest import needs_postgres


def booked(user, make_slot, offering, starts_in, status=None):
    slot = make_slot(offering, starts_in=starts_in)
    booking = services.book(user, slot.pk, now=slot.starts_at - timedelta(hours=4))  # booked while still ahead
    if status:
        Booking.objects.filter(pk=booking.pk).update(status=status)
    return booking


def reminded():
    return sorted(
        Notice.objects.filter(kind=Notice.Kind.REMINDER, channel="email").values_list("booking__code", flat=True)
    )


def test_only_active_bookings_starting_within_a_day_are_reminded_and_only_once(
    sms, resident, other_resident, make_user, make_slot, offering
):
    soon = booked(resident, make_slot, offering, timedelta(hours=3))
    confirmed = booked(other_resident, make_slot, offering, timedelta(hours=23), status=Booking.Status.CONFIRMED)
    booked(resident, make_slot, offering, timedelta(hours=30))  # the day after: next run
    booked(other_resident, make_slot, offering, timedelta(hours=2), status=Booking.Status.CANCELLED)
    booked(
        make_user(email="pay@example.com", phone="13611110000"),
        make_slot,
        offering,
        timedelta(hours=4),
        status=Booking.Status.PENDING_PAYMENT,
    )
    booked(
        make_user(email="gone@example.com", phone="13611110001"),
        make_slot,
        offering,
        timedelta(hours=-2),
        status=Booking.Status.BOOKED,
    )

    assert send_reminders() == 4  # two bookings, by email and SMS
    assert reminded() == sorted([soon.code, confirmed.code])
    assert sorted(message.to[0] for message in mail.outbox) == sorted([resident.email, other_resident.email])
    assert {message["to"] for message in sms.texts} == {resident.phone, other_resident.phone}
    message = next(message for message in mail.outbox if message.to == [resident.email])
    assert soon.code in message.body and "免费法律咨询" in message.subject
    start = timezone.localtime(soon.slot.starts_at, timezone.get_default_timezone())
    assert start.strftime("%H:%M") in message.body

    assert send_reminders() == 0
    call_command("send_reminders")
    assert len(mail.outbox) == 2 and len(sms.texts) == 2


def test_the_window_is_configurable(sms, resident, make_slot, offering, settings):
    two_days = booked(resident, make_slot, offering, timedelta(hours=40))
    assert send_reminders() == 0

    call_command("send_reminders", hours=48)
    assert reminded() == [two_days.code]

    settings.REMINDER_HOURS_AHEAD = 72
    assert send_reminders() == 0


def test_a_reminder_is_in_the_residents_language(sms, resident, make_slot, offering):
    resident.language = "en"
    resident.save()
    booked(resident, make_slot, offering, timedelta(hours=5))

    send_reminders()

    (message,) = mail.outbox
    assert "Reminder" in message.subject
    assert "Booking code" in message.body


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_never_remind_twice(settings, make_user, make_slot, offering):
    settings.SMS_GATEWAY_URL = ""  # text messages only logged
    bookings = [
        booked(
            make_user(email=f"r{number}@example.com", phone=f"1390000{number:04d}"),
            make_slot,
            offering,
            timedelta(hours=2 + number),
        )
        for number in range(8)
    ]
    mail.outbox = []  # the confirmations
    runs = 6
    barrier = threading.Barrier(runs)
    sent, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            sent.append(send_reminders())
        except Exception as error:  # a run must never crash on a reminder another run claimed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _run in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(sent) == 2 * len(bookings)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(b.user.email for b in bookings)
    assert Notice.objects.filter(kind=Notice.Kind.REMINDER).count() == 2 * len(bookings)

"""Notices as residents receive them: each kind by email and SMS, in their language, once, after the commit."""

import logging
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.booking import reschedule, services, signals, waitlist
from marketplace.booking.models import Booking, WaitlistEntry
from marketplace.notifications import notices
from marketplace.notifications.models import Notice
from tests.marketplace.notifications.conftest import SITE, SMS_URL
from tests.marketplace.notifications.test_ics import event_of

# What tells the languages apart without waiting for the lead's translations:
# labels already translated, and Django's own weekday names.
IN_CHINESE = ("预约码", "星期")
IN_ENGLISH = ("Booking code", "day")


@pytest.fixture(params=["zh-hans", "en"])
def language(request, resident):
    resident.language = request.param
    resident.save(update_fields=["language"])
    return request.param


def assert_in_language(text, language):
    expected, other = (IN_CHINESE, IN_ENGLISH[:1]) if language == "zh-hans" else (IN_ENGLISH, IN_CHINESE)
    for words in expected:
        assert words in text, (words, text)
    for words in other:
        assert words not in text, (words, text)


def only_email():
    (message,) = mail.outbox
    return message


def calendar_of(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return event_of(content)


def notices_of(booking):
    return set(Notice.objects.filter(booking=booking).values_list("kind", "channel", "status"))


def test_a_booking_is_confirmed_by_email_with_a_calendar_file_and_by_sms(
    sms, resident, language, morning_slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, morning_slot.pk)

    message = only_email()
    assert message.to == [resident.email]
    assert booking.code in message.subject and "免费法律咨询" in message.subject
    for words in (booking.code, "免费法律咨询", "拓东街道公共法律服务工作站", "盘龙区拓东路 12 号", "09:30"):
        assert words in message.body
    assert f"{SITE}{reverse('booking-detail', kwargs={'code': booking.code})}" in message.body
    assert_in_language(message.body, language)
    _calendar, event = calendar_of(message)
    assert event["DTSTART"] == morning_slot.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    (text,) = sms.to(resident.phone)
    assert booking.code in text and "09:30" in text
    assert notices_of(booking) == {("booking_confirmed", "email", "sent"), ("booking_confirmed", "sms", "sent")}


def test_a_confirmation_asks_nothing_of_the_pages(
    sms, resident, slot, service_page, django_capture_on_commit_callbacks
):
    """The worker's commonest task: the service's page address is looked up only by the notices that name it."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = services.book(resident, slot.pk)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()

    assert booking.code in only_email().subject and sms.to(resident.phone)
    assert [query["sql"] for query in queries if "wagtailcore_page" in query["sql"]] == []


def test_nothing_goes_out_before_the_booking_is_committed(sms, resident, slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.book(resident, slot.pk)

    assert callbacks
    assert mail.outbox == [] and sms.texts == []
    assert not Notice.objects.exists()


def test_a_booking_awaiting_payment_is_confirmed_when_paid_and_only_once(
    sms, resident, slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        booking = services.book(resident, slot.pk)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.PENDING_PAYMENT)
    booking.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        signals.booking_placed.send(sender=Booking, booking=booking)
    assert mail.outbox == [] and sms.texts == []

    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.BOOKED)
    for _twice in range(2):  # a webhook and a return both reporting the payment
        with django_capture_on_commit_callbacks(execute=True):
            signals.booking_paid.send(sender=Booking, booking=booking)

    assert len(mail.outbox) == 1 and len(sms.texts) == 1
    assert booking.code in only_email().subject


def test_a_residents_own_cancellation_is_confirmed_by_email_and_sms(
    sms, resident, language, morning_slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        booking = services.book(resident, morning_slot.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking)

    message = only_email()
    assert booking.code in message.subject
    assert booking.code in message.body and "免费法律咨询" in message.body
    assert_in_language(message.body, language)
    assert "拓东街道公共法律服务工作站" not in message.subject
    (text,) = sms.to(resident.phone)
    assert booking.code in text
    assert ("booking_cancellation", "sms", "sent") in notices_of(booking)


def test_a_provider_cancellation_names_the_reason_in_the_residents_language(
    sms, resident, language, morning_slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        booking = services.book(resident, morning_slot.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking, by=Booking.CancelledBy.PROVIDER, reason="律师参加培训")

    message = only_email()
    assert "律师参加培训" in message.body
    assert_in_language(message.body, language)
    (text,) = sms.to(resident.phone)
    assert "律师参加培训" in text
    assert {kind for kind, _channel, _status in notices_of(booking)} == {"booking_cancelled"}


def test_a_moved_booking_gets_the_old_and_new_time_and_a_replacing_calendar_event(
    sms, resident, language, morning_slot, make_slot, offering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, morning_slot.pk)
    _calendar, first = calendar_of(only_email())
    mail.outbox.clear()
    new_slot = morning_slot.__class__.objects.create(
        offering=offering,
        starts_at=morning_slot.starts_at + timedelta(days=1, hours=5),
        ends_at=morning_slot.ends_at + timedelta(days=1, hours=5),
        capacity=3,
    )

    for moved_to in (new_slot, morning_slot):  # moved there and back: two changes, two notices
        with django_capture_on_commit_callbacks(execute=True):
            reschedule.reschedule(resident, booking.code, moved_to.pk)

    there, back = mail.outbox
    assert "09:30" in there.body and "14:30" in there.body
    assert_in_language(there.body, language)
    _calendar, moved = calendar_of(there)
    _calendar, moved_back = calendar_of(back)
    assert moved["UID"] == moved_back["UID"] == first["UID"]
    assert int(first["SEQUENCE"]) < int(moved["SEQUENCE"]) <= int(moved_back["SEQUENCE"])
    assert moved["DTSTART"] == new_slot.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    texts = sms.to(resident.phone)
    assert len(texts) == 3  # confirmation, then each move
    assert "14:30" in texts[1]


@pytest.mark.parametrize("pending", [True, False], ids=["pending", "done"])
def test_a_refund_notice_says_the_amount_and_whether_it_is_still_pending(
    sms, resident, language, slot, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        booking = services.book(resident, slot.pk)

    with django_capture_on_commit_callbacks(execute=True):
        signals.booking_refunded.send(sender=Booking, booking=booking, amount=Decimal("30.00"), pending=pending)

    message = only_email()
    assert "¥30.00" in message.body
    assert booking.code in message.subject
    if language == "en":  # the Chinese wording comes with the translations
        assert ("pending" in message.body.lower()) is pending
    assert_in_language(message.body, language)
    (text,) = sms.to(resident.phone)
    assert "¥30.00" in text


def test_a_pending_refund_and_its_completion_are_two_notices(sms, resident, slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        booking = services.book(resident, slot.pk)

    for pending in (True, True, False):  # retried once while the gateway was down, then paid back
        with django_capture_on_commit_callbacks(execute=True):
            signals.booking_refunded.send(sender=Booking, booking=booking, amount=Decimal("30.00"), pending=pending)

    assert len(mail.outbox) == 2 and len(sms.texts) == 2


def test_a_waiting_list_offer_says_until_when_and_where_to_accept(
    sms, resident, other_resident, language, offering, make_slot, django_capture_on_commit_callbacks
):
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    with django_capture_on_commit_callbacks(execute=False):
        taken = services.book(other_resident, full.pk)
        waitlist.join(resident, full.pk)

    with django_capture_on_commit_callbacks(execute=True):  # the place frees; the first in line is offered it
        services.cancel_booking(taken)

    entry = WaitlistEntry.objects.get(user=resident)
    assert entry.is_offered
    (message,) = [message for message in mail.outbox if message.to == [resident.email]]
    until = timezone.localtime(entry.offer_expires_at, timezone.get_default_timezone())
    assert until.strftime("%Y-%m-%d %H:%M") in message.body
    assert f"{SITE}{reverse('my-bookings')}" in message.body
    assert "免费法律咨询" in message.subject
    assert ("星期" in message.body) is (language == "zh-hans")  # the slot's weekday, in the resident's language
    (text,) = sms.to(resident.phone)
    assert f"{SITE}{reverse('my-bookings')}" in text
    assert until.strftime("%H:%M") in text
    assert Notice.objects.filter(user=resident, kind="waitlist_offer").count() == 2


def test_an_offer_no_longer_open_at_commit_time_is_not_sent(sms, resident, slot, django_capture_on_commit_callbacks):
    entry = WaitlistEntry.objects.create(
        slot=slot, user=resident, status=WaitlistEntry.Status.ACCEPTED, offer_expires_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        signals.waitlist_offered.send(sender=WaitlistEntry, entry=entry)

    assert mail.outbox == [] and sms.texts == []


def test_the_same_notice_is_never_sent_twice(sms, resident, slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, slot.pk)

    assert notices.confirm(booking) == []

    assert len(mail.outbox) == 1 and len(sms.texts) == 1


@pytest.mark.parametrize(
    "failure", [{"status": 500}, {"body": requests.ConnectTimeout()}, {"body": "not json"}], ids=str
)
def test_a_failing_sms_gateway_is_logged_masked_and_the_booking_and_email_stand(
    settings, resident, slot, caplog, failure, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY_URL = SMS_URL
    caplog.set_level(logging.INFO)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as gateway:
        gateway.post(SMS_URL, **failure)
        gateway.post(SMS_URL, **failure)
        with django_capture_on_commit_callbacks(execute=True):
            booking = services.book(resident, slot.pk)

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED and slot.num_booked == 1
    assert len(mail.outbox) == 1
    assert notices_of(booking) == {("booking_confirmed", "email", "sent"), ("booking_confirmed", "sms", "failed")}
    assert "could not be sent" in caplog.text
    assert resident.masked_phone in caplog.text
    assert resident.phone not in caplog.text


def test_a_failing_mail_server_is_logged_and_the_sms_still_goes(
    settings, sms, resident, slot, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, slot.pk)

    assert booking.status == Booking.Status.BOOKED
    assert len(sms.to(resident.phone)) == 1
    assert notices_of(booking) == {("booking_confirmed", "email", "failed"), ("booking_confirmed", "sms", "sent")}
    assert "could not be sent" in caplog.text
    assert resident.email not in caplog.text


def test_a_resident_without_phone_or_email_gets_what_they_can(sms, make_user, slot, django_capture_on_commit_callbacks):
    no_phone = make_user(email="nophone@example.com", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        services.book(no_phone, slot.pk)

    assert [message.to for message in mail.outbox] == [["nophone@example.com"]]
    assert sms.texts == []


def test_no_notice_is_attempted_for_a_deleted_account(resident, slot, sms, caplog, django_capture_on_commit_callbacks):
    """Deleting the account cancels its bookings; their notices would go to nobody: each is skipped, with the
    reason in the log, and none is written down as sent or failed."""
    from marketplace.notifications import tasks
    from marketplace.users import services as accounts

    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, slot.pk)
    mail.outbox.clear()
    sent_before, texts_before = Notice.objects.count(), len(sms.texts)

    with caplog.at_level(logging.INFO, logger="marketplace.notifications.notices"):
        with django_capture_on_commit_callbacks(execute=True):
            accounts.delete_account(resident, "Panlong-2026!")
        # A cancellation by the provider or a refund notice, later, for the same account: skipped the same way.
        tasks.tell_cancelled.call(booking.pk, Booking.CancelledBy.PROVIDER)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert mail.outbox == [] and len(sms.texts) == texts_before
    assert Notice.objects.count() == sent_before
    skipped = [record.getMessage() for record in caplog.records if "deleted their account" in record.getMessage()]
    assert len(skipped) == 2 and all(f"resident {resident.pk}" in message for message in skipped)

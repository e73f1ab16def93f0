"""A place in a waiting line never ends silently (issue 19, item 4): when its time comes without a
free place, or the provider closes the time, the resident is told by a notice and sees it under
"my bookings"."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from marketplace.booking import services, waitlist
from marketplace.booking.models import WaitlistEntry
from marketplace.notifications.models import Notice
from providers import closures
from tests.conftest import PASSWORD


@pytest.fixture
def waiting(make_slot, offering, other_resident, resident):
    slot = make_slot(offering, starts_in=timedelta(hours=3), capacity=1)
    services.book(other_resident, slot.pk)
    return waitlist.join(resident, slot.pk)


def ended_notices(resident):
    return Notice.objects.filter(user=resident, kind=Notice.Kind.WAITLIST_ENDED)


def test_when_the_time_comes_the_line_ends_and_the_resident_is_told_once(
    waiting, resident, client, django_capture_on_commit_callbacks
):
    began = waiting.slot.starts_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.end_passed(now=began) == 1
        assert waitlist.end_passed(now=began) == 0  # a second run finds nothing to end
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.ENDED
    assert ended_notices(resident).filter(channel="email").count() == 1
    (email,) = [message for message in mail.outbox if resident.email in message.to]
    assert "免费法律咨询" in email.subject and "候补" in email.body + email.subject

    client.login(email=resident.email, password=PASSWORD)
    html = client.get(reverse("my-bookings")).content.decode()
    assert 'id="waitlist-ended"' in html
    assert "已开始" in html or "没有空出" in html


def test_a_resident_in_english_is_told_in_english(waiting, resident, django_capture_on_commit_callbacks):
    resident.language = "en"
    resident.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        waitlist.end_passed(now=waiting.slot.starts_at + timedelta(minutes=1))
    (email,) = [message for message in mail.outbox if resident.email in message.to]
    assert "waiting list has ended" in email.body


def test_the_job_ends_what_has_begun_and_leaves_lines_still_ahead(waiting, make_slot, offering, resident, third_party):
    ahead = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    services.book(third_party, ahead.pk)
    still_waiting = waitlist.join(resident, ahead.pk)
    call_command("end_waitlist_entries")  # now: neither has begun
    assert WaitlistEntry.objects.get(pk=waiting.pk).status == WaitlistEntry.Status.WAITING
    assert waitlist.end_passed(now=waiting.slot.starts_at + timedelta(minutes=1)) == 1
    assert WaitlistEntry.objects.get(pk=still_waiting.pk).status == WaitlistEntry.Status.WAITING


def test_closing_the_slot_ends_its_line_and_tells_the_resident(
    waiting, staff, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        closures.close_slot(staff, waiting.slot, "工作人员外出培训")
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.CLOSED
    (email,) = [message for message in mail.outbox if resident.email in message.to and "候补" in message.body]
    assert "关闭" in email.body


@pytest.fixture
def third_party(make_user):
    return make_user(email="wangwu@example.com", name="王五", phone="13611112222")

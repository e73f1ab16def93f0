"""Every kind of notice, by email and SMS, wholly in the resident's language; dates and money as it writes them.

Only data may be in another language: the names of services, providers,
places and people (Chinese in the demo district), booking codes and links.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from marketplace.booking import reschedule, services, signals, waitlist
from marketplace.booking.models import Booking, WaitlistEntry
from marketplace.notifications import notices
from marketplace.notifications.models import Notice
from ratings import services as ratings
from tests.conftest import ended_booking

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
URL = re.compile(r"https?://\S+")
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "zh-hans": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
}
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

LANGUAGES = ["zh-hans", "en"]


def long_when(moment, language):
    """How an email writes a slot's start: "2026年12月2日 星期三 09:30", "Wednesday 2 December 2026, 09:30"."""
    local = timezone.localtime(moment)
    weekday = WEEKDAYS[language][local.weekday()]
    if language == "en":
        return f"{weekday} {local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"
    return f"{local.year}年{local.month}月{local.day}日 {weekday} {local:%H:%M}"


def short_when(moment, language):
    """How an SMS or a subject writes it: "12月2日 09:30", "2 Dec 09:30"."""
    local = timezone.localtime(moment)
    if language == "en":
        return f"{local.day} {MONTHS[local.month - 1][:3]} {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def assert_in_language(text, language, data):
    """``text`` reads as ``language`` once the data in it is taken out."""
    rest = URL.sub(" ", text)
    for value in sorted(data, key=len, reverse=True):
        rest = rest.replace(value, " ")
    if language == "en":
        assert not CJK.search(rest), (CJK.findall(rest), text)
        assert LATIN_WORD.search(rest), text
    else:
        assert CJK.search(rest), text
        assert LATIN_WORD.findall(rest) == [], text


def data_of(booking, *more):
    slot = booking.slot
    provider = slot.offering.partner
    return [
        booking.code,
        booking.user.email,
        booking.user.get_full_name(),
        slot.offering.product.title,
        provider.name,
        provider.address,
        *more,
    ]


def sent_to(user, sms):
    """Each email to ``user`` as (subject, body), and each text message."""
    return [(m.subject, m.body) for m in mail.outbox if m.to == [user.email]], sms.to(user.phone)


def assert_notice(user, sms, language, data, *, kind, moments=(), sms_expected=True, sms_moments=None):
    emails, texts = sent_to(user, sms)
    assert len(emails) == 1, emails
    ((subject, body),) = emails
    assert_in_language(subject, language, data)
    assert_in_language(body, language, data)
    for moment in moments:
        assert long_when(moment, language) in body, (long_when(moment, language), body)
    if sms_expected:
        (text,) = texts
        assert_in_language(text, language, data)
        for moment in moments[:1] if sms_moments is None else sms_moments:
            assert short_when(moment, language) in text, (short_when(moment, language), text)
    else:
        assert texts == []
    assert Notice.objects.filter(user=user, kind=kind, status=Notice.Status.SENT).exists()
    return subject, body, texts


@pytest.fixture(params=LANGUAGES)
def language(request, resident):
    resident.language = request.param
    resident.save(update_fields=["language"])
    return request.param


@pytest.fixture
def booked(resident, morning_slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.book(resident, morning_slot.pk)


def test_confirmation(sms, resident, language, morning_slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, morning_slot.pk)
    assert_notice(
        resident, sms, language, data_of(booking), kind=Notice.Kind.CONFIRMATION, moments=[morning_slot.starts_at]
    )


def test_reminder(sms, resident, language, booked):
    notices.remind(booked)
    assert_notice(resident, sms, language, data_of(booked), kind=Notice.Kind.REMINDER, moments=[booked.slot.starts_at])


def test_rescheduled(sms, resident, language, booked, offering, django_capture_on_commit_callbacks):
    old = booked.slot
    later = old.__class__.objects.create(
        offering=offering,
        starts_at=old.starts_at + timedelta(days=1, hours=5),
        ends_at=old.ends_at + timedelta(days=1, hours=5),
        capacity=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        moved = reschedule.reschedule(resident, booked.code, later.pk)
    _subject, body, (text,) = assert_notice(
        resident, sms, language, data_of(moved), kind=Notice.Kind.RESCHEDULED, moments=[later.starts_at, old.starts_at]
    )
    assert short_when(old.starts_at, language) in text


def test_cancellation_by_the_resident(sms, resident, language, booked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booked)
    assert_notice(
        resident, sms, language, data_of(booked), kind=Notice.Kind.CANCELLATION, moments=[booked.slot.starts_at]
    )


def test_cancellation_by_the_provider(
    sms, resident, language, booked, offering, make_slot, django_capture_on_commit_callbacks
):
    alternative = make_slot(offering, starts_in=timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booked, by=Booking.CancelledBy.PROVIDER, reason="律师参加培训")
    _subject, body, (text,) = assert_notice(
        resident,
        sms,
        language,
        data_of(booked, "律师参加培训"),
        kind=Notice.Kind.CANCELLED_BY_PROVIDER,
        moments=[booked.slot.starts_at, alternative.starts_at],
    )
    assert short_when(alternative.starts_at, language) in text


@pytest.mark.parametrize("pending", [True, False], ids=["pending", "done"])
def test_refund(sms, resident, language, booked, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signals.booking_refunded.send(sender=Booking, booking=booked, amount=Decimal("1234.5"), pending=pending)
    _subject, body, (text,) = assert_notice(resident, sms, language, data_of(booked), kind=Notice.Kind.REFUND)
    # One way of writing yuan in both languages: the sign before, two decimals, thousands grouped.
    assert "¥1,234.50" in body and "¥1,234.50" in text
    assert "元" not in body and "CN¥" not in body


def test_waiting_list_offer(
    sms, resident, other_resident, language, offering, make_slot, django_capture_on_commit_callbacks
):
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    with django_capture_on_commit_callbacks(execute=False):
        taken = services.book(other_resident, full.pk)
        waitlist.join(resident, full.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(taken)
    entry = WaitlistEntry.objects.get(user=resident)
    data = [resident.email, resident.get_full_name(), offering.product.title, offering.partner.name]
    data.append(offering.partner.address)
    assert_notice(resident, sms, language, data, kind=Notice.Kind.WAITLIST_OFFER, moments=[entry.slot.starts_at])


@pytest.mark.parametrize("staff_language", LANGUAGES)
def test_a_case_opened_tells_the_staff_in_their_language(
    sms, resident, staff, staff_language, make_slot, offering, django_capture_on_commit_callbacks
):
    staff.language = staff_language
    staff.save(update_fields=["language"])
    visit = ended_booking(resident, make_slot, offering, status=Booking.Status.CHECKED_IN)
    with django_capture_on_commit_callbacks(execute=True):
        ratings.rate_visit(resident, visit.code, 1, comment="等了很久")
    data = [*data_of(visit, "等了很久", resident.masked_name, staff.get_full_name(), staff.email)]
    assert_notice(
        staff,
        sms,
        staff_language,
        data,
        kind=Notice.Kind.CASE_OPENED,
        moments=[visit.slot.starts_at],
        sms_expected=False,
    )


@pytest.mark.parametrize("how", ["began", "closed"])
def test_a_waiting_list_that_ended(
    sms, resident, other_resident, staff, language, offering, make_slot, how, django_capture_on_commit_callbacks
):
    from providers import closures

    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    with django_capture_on_commit_callbacks(execute=False):
        services.book(other_resident, full.pk)
        waitlist.join(resident, full.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "began":
            waitlist.end_passed(now=full.starts_at + timedelta(minutes=1))
        else:
            closures.close_slot(staff, full, "律师外出")
    data = [resident.email, resident.get_full_name(), offering.product.title, offering.partner.name]
    data.append(offering.partner.address)
    assert_notice(resident, sms, language, data, kind=Notice.Kind.WAITLIST_ENDED, moments=[full.starts_at])


def test_a_case_answered(sms, resident, language, staff, make_slot, offering, django_capture_on_commit_callbacks):
    visit = ended_booking(resident, make_slot, offering, status=Booking.Status.CHECKED_IN)
    with django_capture_on_commit_callbacks(execute=True):
        rating = ratings.rate_visit(resident, visit.code, 1, comment="等了很久")
    with django_capture_on_commit_callbacks(execute=True):
        ratings.answer_case(staff, rating.matter.pk, "抱歉，已增加一名律师")
    assert_notice(
        resident,
        sms,
        language,
        data_of(visit, "抱歉，已增加一名律师"),
        kind=Notice.Kind.CASE_ANSWERED,
        moments=[visit.slot.starts_at],
        sms_moments=[],  # the text names the visit by its code
    )


@pytest.fixture
def matter_desk(provider):
    from marketplace.matters.models import Desk

    return Desk.objects.create(kind="legal_question", organisation=provider, is_default=True)


def test_a_matter_answered(sms, resident, language, staff, matter_desk, django_capture_on_commit_callbacks):
    from marketplace.matters import services as matters

    matter = matters.submit(resident, "legal_question", "老板拖欠工资怎么办", {"category": "labour"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        matters.take_step(staff, matter.reference, "answer", "可以申请劳动仲裁")
    matter.refresh_from_db()
    data = [
        matter.reference,
        resident.email,
        resident.get_full_name(),
        matter_desk.organisation.name,
        "可以申请劳动仲裁",
    ]
    _subject, body, _texts = assert_notice(resident, sms, language, data, kind=Notice.Kind.MATTER_UPDATE)
    # The last day to act: the deadline is the first moment after it.
    last_day = timezone.localtime(matter.due_at - timedelta(microseconds=1)).date()
    with translation.override(language):
        assert formats.date_format(last_day, "DATE_FORMAT") in body


@pytest.mark.parametrize("staff_language", LANGUAGES)
def test_a_new_matter_for_the_organisation(
    sms, resident, staff, staff_language, matter_desk, django_capture_on_commit_callbacks
):
    from marketplace.matters import services as matters

    staff.language = staff_language
    staff.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        matter = matters.submit(resident, "legal_question", "老板拖欠工资怎么办", {"category": "labour"})
    data = [matter.reference, staff.email, staff.get_full_name(), matter_desk.organisation.name]
    assert_notice(staff, sms, staff_language, data, kind=Notice.Kind.MATTER_NEW, sms_expected=False)


@pytest.mark.parametrize("staff_language", LANGUAGES)
def test_an_escalated_matter_for_the_organisation(
    sms, resident, staff, staff_language, matter_desk, django_capture_on_commit_callbacks
):
    from marketplace.matters import services as matters
    from marketplace.matters import supervision

    staff.language = staff_language
    staff.save(update_fields=["language"])
    long_ago = timezone.now() - timedelta(days=40)
    matter = matters.submit(resident, "legal_question", "老板拖欠工资怎么办", {"category": "labour"}, now=long_ago)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supervision.escalate_late_matters()
    data = [matter.reference, staff.email, staff.get_full_name(), matter_desk.organisation.name]
    assert_notice(staff, sms, staff_language, data, kind=Notice.Kind.MATTER_ESCALATED, sms_expected=False)


def test_every_kind_is_tested_here():
    tested = {
        Notice.Kind.CONFIRMATION,
        Notice.Kind.REMINDER,
        Notice.Kind.RESCHEDULED,
        Notice.Kind.CANCELLATION,
        Notice.Kind.CANCELLED_BY_PROVIDER,
        Notice.Kind.REFUND,
        Notice.Kind.WAITLIST_OFFER,
        Notice.Kind.WAITLIST_ENDED,
        Notice.Kind.CASE_OPENED,
        Notice.Kind.CASE_ANSWERED,
        Notice.Kind.MATTER_UPDATE,
        Notice.Kind.MATTER_NEW,
        Notice.Kind.MATTER_ESCALATED,
    }
    assert tested == set(Notice.Kind)

"""The one way a resident (or a provider's staff) is told anything: a notice, by email and by SMS.

Each notice is a kind (its templates are
``notifications/<kind>_{subject,body,sms}.txt``, editable without touching
code), rendered in the resident's language, and claimed as a :class:`Notice`
row per channel before it is sent, so it never goes out twice. A mail server
or SMS gateway in trouble is logged (phone masked) and marks that one notice
failed; it never stops the other channel and never reaches the booking that
caused it: callers send after their transaction has committed. The task that
sent it then fails (:class:`NoticeNotSent`) and is retried, claiming the failed
notice again: what did not go out is sent once it can be, and only that.
"""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from marketplace.booking import online
from marketplace.notifications import ics
from marketplace.notifications.models import Notice
from marketplace.notifications.sms import SmsError, send_sms
from marketplace.users.models import mask_phone
from ratings import services as ratings

logger = logging.getLogger(__name__)

Kind = Notice.Kind


class NoticeNotSent(Exception):
    """A channel of a notice failed (the notice row says why); trying again later may get it through."""


def language_of(user):
    languages = dict(settings.LANGUAGES)
    return user.language if getattr(user, "language", None) in languages else settings.LANGUAGE_CODE


def absolute(url):
    return (
        url
        if url.startswith(("http://", "https://"))
        else urljoin(settings.SITE_URL.rstrip("/") + "/", url.lstrip("/"))
    )


def service_address(service):
    """The service's public address, looked up when a template first names it: a confirmation or a
    reminder (most of the notices sent) does not, and so asks nothing of the pages."""
    return SimpleLazyObject(lambda: absolute(service.get_absolute_url()))


def booking_context(booking):
    """What every notice about ``booking`` may name."""
    slot = booking.slot
    service = slot.offering.product
    return {
        "booking": booking,
        "resident": booking.user,
        "slot": slot,
        "service": service,
        "provider": slot.offering.partner,
        "service_url": service_address(service),
        "booking_url": absolute(reverse("booking-detail", kwargs={"code": booking.code})),
        # An online booking: the link into its video room, instead of an address.
        "join_url": online.join_url(booking),
        "join_opens_minutes": settings.VIDEO_JOIN_OPENS_MINUTES,
    }


def occasion_key(kind, reference, occasion=""):
    return f"{kind}:{reference}" + (f":{occasion}" if occasion else "")


def _claim(user, booking, kind, channel, key):
    """Write the notice down; ``None`` if it was already claimed (sent, or being sent, elsewhere)."""
    notice = Notice(user=user, booking=booking, kind=kind, channel=channel, key=key)
    try:
        # A worker runs its tasks in autocommit, where a refused INSERT leaves the connection
        # usable: a transaction of its own would add a BEGIN and a COMMIT per channel, which
        # under load were a third of a confirmation's statements.
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                notice.save(force_insert=True)
        else:
            notice.save(force_insert=True)
    except IntegrityError:
        # A notice that failed before (gateway down, mail server away) is claimed again by its retry;
        # one sent or being sent stays with whoever has it.
        again = Notice.objects.filter(key=key, channel=channel, status=Notice.Status.FAILED)
        if again.update(status=Notice.Status.SENDING, error=""):
            return Notice.objects.get(key=key, channel=channel)
        return None
    return notice


def _render(kind, part, context):
    return render_to_string(f"notifications/{kind}_{part}.txt", context)


def _send_email(user, kind, context, calendar):
    subject = " ".join(_render(kind, "subject", context).split())
    message = EmailMultiAlternatives(subject, _render(kind, "body", context), settings.DEFAULT_FROM_EMAIL, [user.email])
    if calendar:
        message.attach(ics.FILENAME, calendar, ics.CONTENT_TYPE)
    message.send()


def _send_sms(user, kind, context):
    send_sms(user.phone, " ".join(_render(kind, "sms", context).split()))


def deliver(kind, user, context, key, booking=None, calendar=None, channels=tuple(Notice.Channel)):
    """Send the ``kind`` notice to ``user`` by email and SMS (or only ``channels``), each at most once for ``key``.

    ``context`` is the templates' context (``resident`` is added); ``calendar``
    a callable giving the .ics text to attach to the email, rendered in the
    resident's language. Returns the channels that went out, e.g. ``["email", "sms"]``.
    Raises :class:`NoticeNotSent` when a channel failed, after trying every channel: the task
    that called it is retried (marketplace/background.py) and sends only what did not go out.
    """
    if user.anonymised_at is not None:
        # The account was deleted: its address and number are gone, and a notice claimed for it would
        # sit in the record as sent to nobody. The cancellation or refund itself is in the action log.
        logger.info("The %s notice (%s) is not sent: resident %s deleted their account.", kind, key, user.pk)
        return []
    sent = []
    sent_notices = []
    failed = []
    context = {**context, "resident": user, "settings_url": absolute(reverse("notice-settings"))}
    with translation.override(language_of(user)), timezone.override(timezone.get_default_timezone()):
        for channel, address in ((Notice.Channel.EMAIL, user.email), (Notice.Channel.SMS, user.phone)):
            if not address or channel not in channels:
                continue
            notice = _claim(user, booking, kind, channel, key)
            if notice is None:
                continue
            try:
                if channel == Notice.Channel.EMAIL:
                    _send_email(user, kind, context, calendar() if calendar else None)
                else:
                    _send_sms(user, kind, context)
            except Exception as error:
                _failed(notice, user, error)
                failed.append(channel)
            else:
                sent_notices.append(notice.pk)
                sent.append(channel)
    if sent_notices:
        # One statement for both channels; a notice left "pending" by a crash in between was
        # sent or not, which is what pending says.
        Notice.objects.filter(pk__in=sent_notices).update(status=Notice.Status.SENT, sent_at=timezone.now())
    if failed:
        raise NoticeNotSent(f"The {kind} notice ({key}) did not go out by {', '.join(failed)}; sent: {sent or 'none'}.")
    return sent


def _failed(notice, user, error):
    # SmsError texts name the masked phone only; other exceptions are summed up by type,
    # since their text may carry the address or the message.
    reason = str(error) if isinstance(error, SmsError) else type(error).__name__
    where = mask_phone(user.phone) if notice.channel == Notice.Channel.SMS else f"resident {user.pk}"
    logger.error(
        "The %s %s to %s (%s) could not be sent: %s",
        notice.get_channel_display(),
        notice.kind,
        where,
        notice.key,
        reason,
        exc_info=not isinstance(error, SmsError),
    )
    Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.FAILED, error=reason[:300])


# The kinds of notice about a booking.


def _booking_calendar(booking, context, sequence=0):
    return lambda: ics.booking_calendar(booking, sequence=sequence, url=context["booking_url"])


def change_sequence(booking, moment=None):
    """The calendar SEQUENCE of a booking changed at ``moment``: seconds since it was made, so it only rises."""
    moment = moment or timezone.now()
    return max(1, int((moment - booking.created_at).total_seconds()))


def confirm(booking):
    """The booking is certain (booked, or paid): its code, time, place, and the .ics."""
    context = booking_context(booking)
    return deliver(
        Kind.CONFIRMATION,
        booking.user,
        context,
        occasion_key(Kind.CONFIRMATION, booking.code),
        booking=booking,
        calendar=_booking_calendar(booking, context),
    )


def remind(booking):
    return deliver(
        Kind.REMINDER,
        booking.user,
        booking_context(booking),
        occasion_key(Kind.REMINDER, booking.code),
        booking=booking,
    )


def tell_rescheduled(booking, old_slot, sequence):
    """The booking moved: old and new time, and the calendar event replaced (same UID, higher SEQUENCE)."""
    context = {**booking_context(booking), "old_slot": old_slot}
    return deliver(
        Kind.RESCHEDULED,
        booking.user,
        context,
        # Two moves in one second share a sequence; the slot tells them apart.
        occasion_key(Kind.RESCHEDULED, booking.code, f"{sequence}:{booking.slot_id}"),
        booking=booking,
        calendar=_booking_calendar(booking, context, sequence),
    )


def tell_cancelled(booking):
    """A cancellation the resident made (or a hold that lapsed): a short notice."""
    return deliver(
        Kind.CANCELLATION,
        booking.user,
        booking_context(booking),
        occasion_key(Kind.CANCELLATION, booking.code),
        booking=booking,
    )


def tell_cancelled_by_provider(booking, alternatives):
    """The provider cancelled: the reason, and the next free times of the same service."""
    return deliver(
        Kind.CANCELLED_BY_PROVIDER,
        booking.user,
        {**booking_context(booking), "alternatives": alternatives},
        occasion_key(Kind.CANCELLED_BY_PROVIDER, booking.code),
        booking=booking,
    )


def tell_refunded(booking, amount, pending):
    """Money going back: done, or "refund pending" while the gateway has not paid it back yet."""
    return deliver(
        Kind.REFUND,
        booking.user,
        {**booking_context(booking), "amount": amount, "pending": pending},
        occasion_key(Kind.REFUND, booking.code, "pending" if pending else "done"),
        booking=booking,
    )


def offer_from_waitlist(entry):
    """A freed place is held for the resident until the offer expires: how to take it."""
    slot = entry.slot
    service = slot.offering.product
    expires = entry.offer_expires_at
    return deliver(
        Kind.WAITLIST_OFFER,
        entry.user,
        {
            "entry": entry,
            "slot": slot,
            "service": service,
            "provider": slot.offering.partner,
            "offer_expires_at": expires,
            "service_url": service_address(service),
            "accept_url": absolute(reverse("my-bookings")),
        },
        occasion_key(Kind.WAITLIST_OFFER, entry.pk, int(expires.timestamp()) if expires else ""),
    )


def tell_waitlist_ended(entry):
    """The resident's place in line ended without a place: the time came, or the provider closed it."""
    slot = entry.slot
    service = slot.offering.product
    return deliver(
        Kind.WAITLIST_ENDED,
        entry.user,
        {
            "entry": entry,
            "closed_by_provider": entry.status == entry.Status.CLOSED,
            "slot": slot,
            "service": service,
            "provider": slot.offering.partner,
            "service_url": service_address(service),
        },
        occasion_key(Kind.WAITLIST_ENDED, entry.pk),
    )


# The kinds of notice about a rating's follow-up case.


def _case_context(case):
    booking = case.rating.booking
    return {
        **booking_context(booking),
        "case": case,
        "rating": case.rating,
        "rating_url": absolute(reverse("ratings:rate", kwargs={"code": booking.code})),
    }


def ask_provider_to_answer(case, staff_user):
    """A poor rating opened ``case``: one of the provider's staff is asked, by email, to answer it in the console.

    The resident's name is given masked, as everywhere the rating is shown."""
    partner = case.rating.booking.slot.offering.partner
    return deliver(
        Kind.CASE_OPENED,
        staff_user,
        {
            **_case_context(case),
            "staff": staff_user,
            "resident_name": case.rating.booking.user.masked_name,
            "answer_deadline": ratings.answer_deadline(case),
            "answer_days": settings.FOLLOW_UP_ANSWER_DAYS,
            "cases_url": absolute(reverse("provider:cases", kwargs={"partner_id": partner.pk}) + f"#case-{case.pk}"),
        },
        occasion_key(Kind.CASE_OPENED, case.pk, staff_user.pk),
        channels=(Notice.Channel.EMAIL,),
    )


def tell_case_answered(case):
    """The provider answered the resident's poor rating: read it and say whether it is resolved."""
    booking = case.rating.booking
    return deliver(
        Kind.CASE_ANSWERED,
        booking.user,
        {**_case_context(case), "confirm_days": settings.FOLLOW_UP_CONFIRM_DAYS},
        occasion_key(Kind.CASE_ANSWERED, case.pk),
        booking=booking,
    )

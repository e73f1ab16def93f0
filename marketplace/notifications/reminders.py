"""Reminders: every active booking is reminded once, in the day before its visit.

Run by ``python manage.py send_reminders`` as often as you like (hourly is
plenty). Each booking's reminder is claimed as a Notice row before it goes
out, so a second run, or two runs at once, never remind anyone twice.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.notifications import notices
from marketplace.notifications.models import Notice

Booking = get_model("booking", "Booking")


def reminder_window():
    return timedelta(hours=settings.REMINDER_HOURS_AHEAD)


def due_reminders(now=None, window=None):
    """Active bookings whose slot starts within ``window`` from ``now`` and that nobody has reminded yet
    (or whose reminder failed on a channel)."""
    now = now or timezone.now()
    window = window or reminder_window()
    reminded = Notice.objects.filter(booking=OuterRef("pk"), kind=Notice.Kind.REMINDER)
    # A reminder that failed on a channel is due again: the next run sends what did not go out.
    failed = reminded.filter(status=Notice.Status.FAILED)
    return (
        Booking.objects.filter(
            status__in=Booking.REMINDABLE, slot__starts_at__gt=now, slot__starts_at__lte=now + window
        )
        .filter(~Exists(reminded) | Exists(failed))
        .select_related("user", "slot__offering__product", "slot__offering__partner")
        .order_by("slot__starts_at", "pk")
    )


def send_reminders(now=None, window=None):
    """Remind every due booking; returns how many messages went out (emails and SMS)."""
    sent = 0
    for booking in due_reminders(now, window):
        try:
            sent += len(notices.remind(booking))
        except notices.NoticeNotSent:
            continue  # written down as failed: the next run tries it again
    return sent

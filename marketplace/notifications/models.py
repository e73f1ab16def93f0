from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One message to a resident on one channel, written down before it is sent.

    The row is the claim: ``key`` names the occasion (this booking's reminder,
    its second change…), and only one row per occasion and channel can exist,
    so two workers, or a job run twice, never send the same message twice.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "booking_confirmed", _("Booking confirmed")
        REMINDER = "booking_reminder", _("Reminder")
        RESCHEDULED = "booking_rescheduled", _("Booking moved")
        CANCELLATION = "booking_cancellation", _("Booking cancelled")
        CANCELLED_BY_PROVIDER = "booking_cancelled", _("Booking cancelled by the provider")
        WAITLIST_OFFER = "waitlist_offer", _("Waiting-list offer")
        WAITLIST_ENDED = "waitlist_ended", _("Waiting list ended")
        REFUND = "booking_refunded", _("Refund")
        CASE_OPENED = "rating_case_opened", _("A poor rating awaits the provider's answer")
        CASE_ANSWERED = "rating_case_answered", _("The provider answered a rating")
        MATTER_UPDATE = "matter_update", _("A matter's progress")
        MATTER_NEW = "matter_new", _("A new matter for the organisation")
        MATTER_ESCALATED = "matter_escalated", _("A matter of the organisation was escalated")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("resident")
    )
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    key = models.CharField(_("occasion"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="notice_once_per_occasion_and_channel"),
        ]

    def __str__(self):
        return f"{self.key} ({self.channel})"


class SandboxSms(models.Model):
    """A text message the sandbox gateway kept instead of sending (no ``SMS_GATEWAY_URL``, ``DEBUG`` on),
    for the development page /dev/sms/: so that `make run` can be tried with sign-in codes.
    The number is kept masked only."""

    to = models.CharField(_("to (masked)"), max_length=11)
    text = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sandbox text message")
        verbose_name_plural = _("sandbox text messages")

    def __str__(self):
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.to}"

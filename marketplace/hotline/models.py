"""The 12348 hotline: the calls its operators take and the call-backs (回访) they promise.

Only what happened is kept here; every change goes through ``marketplace.hotline.services``.
A call is personal data (the caller's number and what they said): pages show the number masked
and every read of a call is recorded in the access log.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.users.models import mask_phone


class Call(models.Model):
    class Topic(models.TextChoices):
        BOOKING = "booking", _("Booking a service")
        LEGAL_QUESTION = "legal_question", _("A legal question")
        MEDIATION = "mediation", _("A dispute to mediate")
        LEGAL_AID = "legal_aid", _("Legal aid")
        INFORMATION = "information", _("Information about services")
        COMPLAINT = "complaint", _("A complaint")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered on the phone")
        BOOKED = "booked", _("Booked for the caller")
        MATTER = "matter", _("Recorded as a matter")
        CALL_BACK = "call_back", _("To be called back")
        REFERRED = "referred", _("Referred to another organisation")

    taken_at = models.DateTimeField(_("taken at"), default=timezone.now, db_index=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    phone = models.CharField(_("caller's phone"), max_length=20)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_calls",
        verbose_name=_("caller"),
    )
    topic = models.CharField(_("what it was about"), max_length=20, choices=Topic.choices)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking made"),
    )
    matter = models.ForeignKey(
        "matters.Matter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_calls",
        verbose_name=_("matter recorded"),
    )

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        permissions = [("take_calls", _("Can take calls at the 12348 hotline"))]

    def __str__(self):
        return f"{self.masked_phone} · {self.taken_at:%Y-%m-%d %H:%M}"

    @property
    def masked_phone(self):
        return mask_phone(self.phone)


class CallBack(models.Model):
    """A call-back promised to a caller (回访), due at a time; done once, or moved to another time."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="call_backs", verbose_name=_("call"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    result = models.CharField(_("result"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")

    def __str__(self):
        return f"{self.call} → {self.due_at:%Y-%m-%d %H:%M}"

    def is_overdue(self, now=None):
        return self.done_at is None and self.due_at < (now or timezone.now())

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WaitlistEntry(models.Model):
    """A resident waiting for a place on a full slot, first come, first served.

    An offered entry holds one of the slot's places (counted in ``num_booked``)
    until the resident accepts, declines, or the offer lapses.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Place offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", pgettext_lazy("waiting-list offer", "Declined")
        LAPSED = "lapsed", _("Offer lapsed")
        LEFT = "left", _("Left the waiting list")

    # Statuses still in the queue; an offered one also holds a place.
    IN_LINE = (Status.WAITING, Status.OFFERED)

    slot = models.ForeignKey(
        "partner.Slot", on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("slot")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("resident"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    offered_at = models.DateTimeField(_("place offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    booking = models.OneToOneField(
        "order.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("booking made from the offer"),
    )

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_entry_per_resident_and_slot",
            )
        ]
        indexes = [models.Index(fields=["slot", "status", "joined_at"], name="waitlist_queue_idx")]

    def __str__(self):
        return f"{self.slot} · {self.user_id} · {self.status}"

    @property
    def is_offered(self):
        return self.status == self.Status.OFFERED

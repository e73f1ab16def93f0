"""Ratings of visits (好差评): one per checked-in booking.

The follow-up case a poor one opens is a matter of kind ``follow_up``
(``marketplace.matters``, its ``rating``).

The rules (who may rate, until when, what a reply or a case answer may do)
live in ``ratings.services``; these models only keep what happened.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rating(models.Model):
    """A resident's stars, tags and comment on one visit they were checked in for."""

    class Tag(models.TextChoices):
        ON_TIME = "on_time", _("Served on time")
        FRIENDLY = "friendly", _("Friendly staff")
        KNOWLEDGEABLE = "knowledgeable", _("Knew the subject")
        CLEAR = "clear", _("Explained clearly")
        SOLVED = "solved", _("Problem solved")
        LONG_WAIT = "long_wait", _("Long wait")
        UNFRIENDLY = "unfriendly", _("Unfriendly staff")
        UNCLEAR = "unclear", _("Hard to understand")
        NOT_SOLVED = "not_solved", _("Problem not solved")
        HARD_TO_FIND = "hard_to_find", _("Hard to find the place")

    booking = models.OneToOneField(
        # Counted in the satisfaction figures and the street index: kept with the booking.
        "booking.Booking",
        on_delete=models.PROTECT,
        related_name="rating",
        verbose_name=_("booking"),
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1 (poor) to 5 (excellent)")
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    reply = models.TextField(_("provider's reply"), max_length=1000, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rating_replies",
        verbose_name=_("replied by"),
    )

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hidden_ratings",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        permissions = [("moderate_rating", _("Can hide and restore ratings"))]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"),
        ]
        indexes = [models.Index(fields=["created_at"], name="rating_created_idx")]

    def __str__(self):
        return f"{self.booking_id}: {self.stars}★"

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    def tag_labels(self):
        labels = dict(self.Tag.choices)
        return [labels[tag] for tag in self.tags if tag in labels]

from django.db import models
from django.db.models import F, Min, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner


class Street(models.Model):
    """A street (街道) of the district; the unit the district's index ranks."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self):
        return self.name


class Community(models.Model):
    """A community (社区) inside a street."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="communities", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["street__position", "pk"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_unique_name_per_street")]

    def __str__(self):
        return self.name


class Partner(AbstractPartner):
    """A provider organisation: a legal-service station, health centre, school…

    ``users`` (from Oscar) are its staff.
    """

    class Kind(models.TextChoices):
        LEGAL_STATION = "legal_station", _("Community legal-service station")
        HEALTH_CENTRE = "health_centre", _("Community health centre")
        SCHOOL = "school", _("School")
        SOCIAL_SECURITY = "social_security", _("Social-security office")
        LIBRARY = "library", _("Library")
        CULTURE_HALL = "culture_hall", _("Culture hall")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="providers", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name=_("community"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opening_notes = models.CharField(_("opening notes"), max_length=200, blank=True)


class SlotQuerySet(models.QuerySet):
    def open_future(self, now=None):
        now = now or timezone.now()
        return self.filter(is_open=True, starts_at__gt=now)

    def with_places(self):
        return self.filter(num_booked__lt=F("capacity"))

    def next_free_start(self, product, now=None):
        """Subquery: when the service ``product`` (an OuterRef) next has a free place."""
        return Subquery(
            self.open_future(now)
            .with_places()
            .filter(offering__product=product)
            .order_by()
            .values("offering__product")
            .annotate(first=Min("starts_at"))
            .values("first")
        )


class Slot(models.Model):
    """A bookable time of one offering (a provider's stock record of a service).

    ``num_booked`` is only ever changed by conditional updates in the booking
    service; the check constraint is the last line of defence against overbooking.
    """

    offering = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="slots", verbose_name=_("offering")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    num_booked = models.PositiveIntegerField(_("places booked"), default=0)
    is_open = models.BooleanField(_("open for booking"), default=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.CheckConstraint(condition=Q(num_booked__lte=F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.UniqueConstraint(fields=["offering", "starts_at"], name="slot_unique_start_per_offering"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="slot_starts_at_idx")]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.offering} {local:%Y-%m-%d %H:%M}"

    @property
    def remaining(self):
        return max(self.capacity - self.num_booked, 0)

    @property
    def is_full(self):
        return self.num_booked >= self.capacity

    @property
    def is_past(self):
        return self.starts_at <= timezone.now()


from oscar.apps.partner.models import *  # noqa: E402, F403

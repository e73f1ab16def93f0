"""Matters (事项): what takes longer than one appointment, and every step of it.

The kinds, their statuses and the steps allowed are data in
``marketplace.matters.kinds``; every change goes through
``marketplace.matters.services``. These models only keep what happened.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.matters import kinds
from marketplace.users.models import mask_phone


def private_storage():
    # Outside MEDIA_ROOT, with no URL: a material is served only by a view that checks who asks.
    return storages["matters"]


class Desk(models.Model):
    """An organisation that takes matters of one kind (a legal service station takes written questions)."""

    kind = models.CharField(_("kind of matter"), max_length=20, choices=[(k, v.name) for k, v in kinds.KINDS.items()])
    organisation = models.ForeignKey(
        "partner.Partner", on_delete=models.CASCADE, related_name="matter_desks", verbose_name=_("organisation")
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Takes the matters whose applicant chose no organisation.")
    )

    class Meta:
        ordering = ["kind", "-is_default", "organisation__name", "pk"]
        verbose_name = _("organisation taking matters")
        verbose_name_plural = _("organisations taking matters")
        constraints = [models.UniqueConstraint(fields=["kind", "organisation"], name="matter_desk_unique")]

    def __str__(self):
        return f"{self.organisation} · {kinds.KINDS[self.kind].name}"


class ReferenceCounter(models.Model):
    """The last number given out for one prefix and year: ZX-2026-000123."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="matter_reference_counter_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class Matter(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Website")
        API = "api", _("App (API)")
        COUNTER = "counter", _("Counter")
        HOTLINE = "hotline", _("Hotline")
        GRID = "grid", _("Grid worker")
        SYSTEM = "system", _("Opened by the system")

    class WaitsFor(models.TextChoices):
        STAFF = kinds.STAFF, _("The organisation")
        APPLICANT = kinds.APPLICANT, _("The applicant")
        OTHER_PARTY = kinds.OTHER_PARTY, _("The other party")
        NOBODY = "", _("Nobody (ended)")

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=[(k, v.name) for k, v in kinds.KINDS.items()])
    status = models.CharField(_("status"), max_length=24)
    waits_for = models.CharField(_("waiting for"), max_length=12, choices=WaitsFor.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="matters",
        verbose_name=_("applicant"),
    )
    dependant = models.ForeignKey(
        "users.Dependant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("on behalf of"),
    )
    organisation = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="matters", verbose_name=_("handled by")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_matters",
        verbose_name=_("handler"),
    )

    text = models.TextField(_("description"), max_length=4000, blank=True)
    fields = models.JSONField(_("details"), default=dict, blank=True)
    other_party_name = models.CharField(_("other party's name"), max_length=100, blank=True)
    other_party_phone = models.CharField(_("other party's mobile phone"), max_length=11, blank=True)
    other_party_invited_at = models.DateTimeField(_("other party asked at"), null=True, blank=True)
    follow_ups = models.PositiveSmallIntegerField(_("follow-up questions asked"), default=0)
    stars = models.PositiveSmallIntegerField(_("applicant's rating"), null=True, blank=True)
    # A follow-up case of a poor rating (kind "follow_up"): the rating that opened it.
    rating = models.OneToOneField(
        "ratings.Rating",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matter",
        verbose_name=_("rating"),
    )
    bookings = models.ManyToManyField(
        "booking.Booking", blank=True, related_name="matters", verbose_name=_("appointments")
    )
    # A lecture request's session (法律九进): a slot of the provider's offering made for this audience alone,
    # closed to online booking (services.schedule_session); its attendance once held.
    session = models.OneToOneField(
        "partner.Slot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_matter",
        verbose_name=_("session"),
    )
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status_since = models.DateTimeField(_("in this status since"), default=timezone.now)
    due_at = models.DateTimeField(_("current step due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when the retention period after closing ran out: text, parties and materials are gone.
    purged_at = models.DateTimeField(_("personal content removed at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [
            # The station's queue in services.filtered's order: open matters of an organisation first
            # (closed_at DESC puts NULLs first on PostgreSQL), the nearest deadline first.
            models.Index(
                fields=["organisation", "-closed_at", "due_at", "submitted_at", "id"], name="matter_queue_idx"
            ),
            models.Index(fields=["applicant", "-submitted_at"], name="matter_applicant_idx"),
            models.Index(fields=["closed_at", "due_at"], name="matter_open_due_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def kind_spec(self):
        return kinds.KINDS[self.kind]

    @property
    def status_spec(self):
        return self.kind_spec.status(self.status)

    @property
    def status_label(self):
        return self.status_spec.label

    @property
    def resident_status_label(self):
        return self.status_spec.resident_label

    @property
    def is_closed(self):
        return self.closed_at is not None

    def is_overdue(self, now=None):
        return self.waits_for == kinds.STAFF and self.due_at is not None and (now or timezone.now()) >= self.due_at

    def detail_rows(self):
        """The kind's details as (label, answer) in words (a choice's label, not its code), in the kind's order."""
        rows = []
        for field in self.kind_spec.fields:
            value = self.fields.get(field.name)
            if value in (None, ""):
                continue
            if field.kind == "choice":
                value = dict(field.choices).get(value, value)
            elif field.kind == "service":
                value = self.menu_title(value)
            elif field.kind == "phone":
                value = mask_phone(value)
            elif field.kind == "boolean":
                value = _("Yes") if value else _("No")
            rows.append((field.label, value))
        return rows

    def menu_title(self, slug):
        from catalog.models import Product

        product = Product.objects.filter(slug=slug).first()
        return product.display_title if product is not None else slug

    @property
    def person_served(self):
        return self.dependant.label if self.dependant_id else self.applicant.get_full_name()


class MatterStep(models.Model):
    """One line of a matter's timeline: who did what, when, and what they wrote."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="steps", verbose_name=_("matter"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("step"), max_length=24)
    status = models.CharField(_("status after"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    actor_kind = models.CharField(_("done by (kind)"), max_length=12)  # applicant, staff, other_party, system
    organisation = models.ForeignKey(
        "partner.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting for"),
    )
    text = models.TextField(_("text"), max_length=4000, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return f"{self.matter_id} {self.action} → {self.status}"


def material_path(material, filename):
    # The name the resident gave is kept in ``name``; the stored one says nothing about them.
    return f"{material.matter.reference}/{timezone.now():%Y%m%d%H%M%S}-{material.kind}"


class Material(models.Model):
    """An upload of a matter (ID card, evidence, an agreement): a private file."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="materials", verbose_name=_("matter"))
    kind = models.CharField(_("kind"), max_length=24)
    file = models.FileField(_("file"), storage=private_storage, upload_to=material_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    by_kind = models.CharField(_("uploaded by (kind)"), max_length=12)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return f"{self.matter_id} {self.kind} {self.name}"


class Supervisor(models.Model):
    """A supervisor (督办人) of matters: of one street (the street of the handling organisation), or of the
    whole district when no street is named. A street may have several; so may the district."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supervision_roles",
        verbose_name=_("supervisor"),
    )
    street = models.ForeignKey(
        "partner.Street",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervisors",
        verbose_name=_("street"),
        help_text=_("Leave empty for a supervisor of the whole district."),
    )

    class Meta:
        verbose_name = _("supervisor of matters")
        verbose_name_plural = _("supervisors of matters")
        constraints = [
            models.UniqueConstraint(fields=["user", "street"], name="matter_supervisor_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(street__isnull=True), name="matter_supervisor_district_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.street or _('District')}"


class Escalation(models.Model):
    """A matter gone up a level (督办): to its street's supervisors, then to the district's.

    One row per level reached; the open one (``closed_at`` empty) is in that level's queue until the
    supervisor closes it with a finding, the matter stops waiting for its organisation, or it goes up.
    """

    class Level(models.TextChoices):
        STREET = "street", _("Street")
        DISTRICT = "district", _("District")

    class Reason(models.TextChoices):
        LATE = "late", _("Past its deadline")
        UNRESOLVED = "unresolved", _("The resident said it is not resolved")

    class Outcome(models.TextChoices):
        RAISED = "raised", _("Went up to the district")
        FINDING = "finding", _("Closed by the supervisor with a finding")
        HANDLED = "handled", _("Handled by the organisation")
        CLOSED = "closed", _("The matter closed")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("matter"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    street = models.ForeignKey(
        "partner.Street",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
    )
    opened_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    due_at = models.DateTimeField(_("level's deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    finding = models.TextField(_("finding"), max_length=4000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [models.Index(fields=["level", "closed_at", "due_at"], name="escalation_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"], condition=models.Q(closed_at__isnull=True), name="escalation_one_open_per_matter"
            )
        ]

    def __str__(self):
        return f"{self.matter_id} {self.level} {self.reason}"

    @property
    def is_open(self):
        return self.closed_at is None

    def is_overdue(self, now=None):
        return self.closed_at is None and (now or timezone.now()) >= self.due_at

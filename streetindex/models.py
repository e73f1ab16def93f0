"""Snapshots the public index pages read: written by ``compute_index``, never by a page.

A run keeps the settings it was computed with (weights, minimum samples,
circle radius), so the page can print the formula that produced its numbers
even after the settings change.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from streetindex.periods import Period, local_today


class CoverageRun(models.Model):
    """One computation of the 10-minute service circle for every community and sector."""

    computed_at = models.DateTimeField(_("computed at"))
    radius_metres = models.PositiveIntegerField(_("radius (metres)"))
    days_ahead = models.PositiveSmallIntegerField(_("open slot within (days)"))

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"
        verbose_name = _("service-circle computation")
        verbose_name_plural = _("service-circle computations")

    def __str__(self):
        return str(self.computed_at)


class CoverageCell(models.Model):
    """Whether one community has one sector inside its circle, and the nearest provider that does it."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="cells")
    community = models.ForeignKey("partner.Community", on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("catalogue.Category", on_delete=models.CASCADE, related_name="+")
    covered = models.BooleanField(_("inside the circle"))
    # The nearest provider of the sector with an open slot in the window, wherever it is (null: none).
    nearest_partner = models.ForeignKey(
        "partner.Partner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    distance_metres = models.PositiveIntegerField(_("distance (metres)"), null=True, blank=True)
    providers_within = models.PositiveSmallIntegerField(_("providers inside the circle"), default=0)

    class Meta:
        ordering = ["community__street__position", "community_id", "sector__path"]
        constraints = [
            models.UniqueConstraint(fields=["run", "community", "sector"], name="coverage_cell_once_per_run"),
        ]

    def __str__(self):
        return f"{self.community_id}/{self.sector_id}: {self.covered}"


class FormulaVersion(models.Model):
    """The formula's weights and minimums as an administrator set them; the latest is the one in force.

    Never changed once written: each change is a new row, so the one before it holds the old values.
    Until the first change the formula comes from settings (``streetindex.publishing.current_formula``).
    """

    weights = models.JSONField(_("weights"))
    min_sample = models.PositiveSmallIntegerField(_("minimum ratings for an average"))
    min_bookings = models.PositiveSmallIntegerField(_("minimum ended bookings for a rank"))
    min_ranked_streets = models.PositiveSmallIntegerField(_("minimum streets with enough data"))
    case_target_hours = models.PositiveSmallIntegerField(_("case-closing target (hours)"))
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # The values this change replaced (from settings for the first change), kept with it for the record.
    previous = models.JSONField(_("values before the change"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = ["changed_at", "pk"]
        verbose_name = _("index formula")
        verbose_name_plural = _("index formulas")

    def __str__(self):
        return str(self.changed_at)

    MINIMUMS = ("min_sample", "min_bookings", "min_ranked_streets", "case_target_hours")

    def changes(self):
        """``[(label, old, new)]`` of each value this change set differently, weights first."""
        from streetindex.formula import COMPONENT_LABELS, COMPONENTS

        old = self.previous or {}
        rows = []
        old_weights = old.get("weights")
        for key in COMPONENTS:
            # A component added since the old values were written had no weight in them: 0, not unknown.
            before = None if old_weights is None else old_weights.get(key, 0)
            after = self.weights.get(key, 0)
            if before != after:
                rows.append((COMPONENT_LABELS[key], before, after))
        for name in self.MINIMUMS:
            before, after = old.get(name), getattr(self, name)
            if before != after:
                rows.append((self._meta.get_field(name).verbose_name, before, after))
        return rows


class IndexRun(models.Model):
    """The index of one period (a month or a quarter): a draft as last computed, or a published one.

    A published run is frozen: the nightly computation leaves a complete period alone once it is
    published, and a recomputation makes a new draft beside it that must be published again. The
    public sees the latest published run of each period; a period never published does not exist for it.
    """

    class Granularity(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")

    granularity = models.CharField(_("period"), max_length=10, choices=Granularity.choices)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    computed_at = models.DateTimeField(_("computed at"))
    # What the formula was computed with, copied from settings at the time.
    weights = models.JSONField(_("weights"))
    min_sample = models.PositiveSmallIntegerField(_("minimum ratings for an average"))
    min_bookings = models.PositiveSmallIntegerField(_("minimum ended bookings for a rank"))
    min_ranked_streets = models.PositiveSmallIntegerField(_("minimum streets with enough data"))
    case_target_hours = models.PositiveSmallIntegerField(_("case-closing target (hours)"))
    coverage_run = models.ForeignKey(
        CoverageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="index_runs"
    )
    ranked = models.BooleanField(_("ranked"), help_text=_("False when too few streets had enough data to rank."))
    # The administrators' formula the run was computed with (null: the one from settings).
    formula_version = models.ForeignKey(
        FormulaVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="runs"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-period_start", "granularity", "-published_at"]
        verbose_name = _("index period")
        verbose_name_plural = _("index periods")
        permissions = [("publish_index", _("Can review and publish the street index and change its formula"))]
        constraints = [
            models.UniqueConstraint(
                fields=["granularity", "period_start"],
                condition=models.Q(published_at__isnull=True),
                name="index_run_one_draft_per_period",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def period(self):
        return Period(self.granularity, self.period_start, self.period_end)

    @property
    def label(self):
        """``2026-11`` for a month, ``2026-Q4`` for a quarter: the ``period`` parameter of pages and API."""
        return self.period.label

    @property
    def is_published(self):
        return self.published_at is not None

    def is_complete(self, now=None):
        """Whether the period is over (a running month's figures still change every night)."""
        return local_today(now) > self.period_end


class IndexFigure(models.Model):
    """The inputs, components and score of one street, community or provider in one period."""

    class Level(models.TextChoices):
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")
        PROVIDER = "provider", _("Provider")

    class Unranked(models.TextChoices):
        # Codes from streetindex.formula.evaluate; the page says them in the reader's language.
        FEW_BOOKINGS = "few_bookings", _("Too few ended bookings in the period to rank")
        NO_POPULATION = "no_population", _("The number of residents is not known")
        NO_FIGURE = "no_figure", _("No figure could be computed")

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="figures")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    street = models.ForeignKey("partner.Street", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "partner.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    population = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    bookings = models.PositiveIntegerField(_("bookings"), default=0)  # not cancelled, slot in the period
    ended_bookings = models.PositiveIntegerField(_("ended bookings"), default=0)  # of those, slot already over
    # Places the provider itself cancelled (closures, staff absence), slot already over: unfulfilled
    # bookings that are no fault of the resident, so fulfilment counts them and the no-show rate does not.
    provider_cancelled = models.PositiveIntegerField(_("cancelled by the provider"), default=0)
    checked_in = models.PositiveIntegerField(_("checked in"), default=0)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)  # visible ratings of visits in the period
    distribution = models.JSONField(_("ratings by stars"), default=list)  # [n1, n2, n3, n4, n5]
    average_stars = models.DecimalField(_("average stars"), max_digits=3, decimal_places=2, null=True, blank=True)
    cases_opened = models.PositiveIntegerField(_("follow-up cases opened"), default=0)
    cases_closed = models.PositiveIntegerField(_("follow-up cases closed"), default=0)  # resolved or lapsed
    # Failures, counted in case_closing as 0: unanswered past the deadline, or closed as not resolved.
    cases_overdue = models.PositiveIntegerField(_("follow-up cases unanswered past the deadline"), default=0)
    cases_unresolved = models.PositiveIntegerField(_("follow-up cases not resolved"), default=0)
    median_close_hours = models.DecimalField(
        _("median hours to close a case"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    coverage_cells = models.PositiveIntegerField(_("community × sector cells"), default=0)
    covered_cells = models.PositiveIntegerField(_("cells inside the circle"), default=0)
    # Grid demands opened in the period by what they earn (streetindex.formula.demand_credit).
    demands_on_time = models.PositiveIntegerField(_("demands done on time"), default=0)
    demands_late = models.PositiveIntegerField(_("demands done late"), default=0)
    demands_returned = models.PositiveIntegerField(_("demands sent back"), default=0)
    demands_failed = models.PositiveIntegerField(_("demands left past their deadline"), default=0)
    matters_opened = models.PositiveIntegerField(_("matters opened"), default=0)
    matters_escalated = models.PositiveIntegerField(_("matters escalated"), default=0)

    components = models.JSONField(_("components (0–100)"), default=dict)  # {input: value or null}
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    unranked_reason = models.CharField(_("why not ranked"), max_length=20, choices=Unranked.choices, blank=True)

    class Meta:
        ordering = ["rank", "street__position", "pk"]
        indexes = [models.Index(fields=["run", "level"], name="figure_run_level_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "street"], condition=models.Q(level="street"), name="figure_one_per_street"
            ),
            models.UniqueConstraint(
                fields=["run", "community"], condition=models.Q(level="community"), name="figure_one_per_community"
            ),
            models.UniqueConstraint(
                fields=["run", "partner"], condition=models.Q(level="provider"), name="figure_one_per_provider"
            ),
        ]

    def __str__(self):
        return f"{self.run} {self.level} {self.partner_id or self.community_id or self.street_id}"

"""What the index pages, downloads and the API publish from compute_index's snapshots.

Read-only: every number here is either stored in a snapshot row or a ratio
of two stored counts (the same helpers the formula used), so a page never
recomputes the index and always agrees with its run.
"""

from dataclasses import dataclass

from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from streetindex import formula
from streetindex.models import CoverageCell, CoverageRun, IndexFigure, IndexRun
from streetindex.periods import MONTH, Period, parse_period

COMPONENT_EXPLANATIONS = {
    "bookings": _(
        "bookings per 1,000 residents, as a share of the highest at the same level among those with enough "
        "ended bookings (at most 100)"
    ),
    "fulfilment": _("checked-in visits / places booked (ended bookings and those the provider cancelled)"),
    "no_shows": _("1 − no-shows / ended bookings"),
    "satisfaction": _("(average stars − 1) / 4, only from the minimum number of ratings"),
    "case_closing": _(
        "the mean credit of every follow-up case opened: a closed one earns half for being closed and half "
        "× (1 − hours to close / target hours, at least 0); one still within its deadline, what it would if "
        "closed now; one unanswered past its deadline or not resolved, 0"
    ),
    "coverage": _("community × sector cells inside the 10-minute service circle / all cells"),
    "demands_on_time": _(
        "the mean credit of every grid demand opened: done within its deadlines (or still within them), 1; done "
        "late or sent back, ½; left open past its deadline or closed by a supervisor instead, 0"
    ),
    "escalations": _("1 − matters escalated by supervision / matters opened (each matter counted once)"),
}


class PeriodError(Exception):
    """``period`` names no period (``invalid``) or one that was never published (``not_computed``: to the public
    a period computed but not yet published does not exist)."""

    def __init__(self, code, label):
        super().__init__(label)
        self.code = code
        self.label = label


def public_runs():
    """What the public sees: the published runs (the latest publication of a period first)."""
    return IndexRun.objects.filter(published_at__isnull=False).select_related("coverage_run", "formula_version")


def run_for(label):
    """The published run named by ``label`` (``2026-11``, ``2026-Q4``); with no label, the latest published
    ranked period.

    Early in a month the running month has too little data to rank, so with no label the
    index opens on the latest ranked month, else the latest ranked quarter, and only when
    nothing published was ever ranked on the latest month (or quarter) published. ``None`` when
    nothing has been published yet; ``PeriodError`` for a bad or unpublished label.
    """
    if label is None or label == "":
        months_first = Case(When(granularity=MONTH, then=Value(0)), default=Value(1))
        return public_runs().order_by("-ranked", months_first, "-period_start", "-published_at").first()
    period = parse_period(label)
    if period is None:
        raise PeriodError("invalid", label)
    run = (
        public_runs()
        .filter(granularity=period.granularity, period_start=period.start)
        .order_by("-published_at", "-pk")
        .first()
    )
    if run is None:
        raise PeriodError("not_computed", period.label)
    return run


def computed_periods():
    """``(months, quarters)``: the labels of every published period, latest first (one query)."""
    months, quarters = [], []
    rows = public_runs().order_by("-period_start").values_list("granularity", "period_start", "period_end").distinct()
    for granularity, start, end in rows:
        (months if granularity == MONTH else quarters).append(Period(granularity, start, end).label)
    return months, quarters


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    explanation: str
    weight: object
    value: float | None
    missing: str | None = None  # a formula.MISSING_REASONS code when value is None

    @property
    def missing_reason(self):
        return formula.MISSING_REASONS.get(self.missing, "")


@dataclass(frozen=True)
class Readout:
    """One figure as published: each input beside the counts it was computed from."""

    figure: IndexFigure
    min_sample: int
    weights: dict

    @property
    def bookings_per_thousand(self):
        return formula.bookings_per_thousand(self.figure.bookings, self.figure.population)

    @property
    def fulfilment(self):
        return formula.fulfilment(self.figure.checked_in, self.figure.ended_bookings, self.figure.provider_cancelled)

    @property
    def places_booked(self):
        return formula.places_booked(self.figure.ended_bookings, self.figure.provider_cancelled)

    @property
    def no_show_rate(self):
        return formula.no_show_rate(self.figure.no_shows, self.figure.ended_bookings)

    @property
    def average_stars(self):
        # Below the minimum sample no average is published, whatever was stored.
        if self.figure.ratings < self.min_sample:
            return None
        return self.figure.average_stars

    @property
    def distribution(self):
        stored = list(self.figure.distribution or [])
        return (stored + [0] * 5)[:5]

    @property
    def coverage_share(self):
        return formula.coverage_share(self.figure.covered_cells, self.figure.coverage_cells)

    @property
    def fulfilment_percent(self):
        return percent(self.fulfilment)

    @property
    def no_show_percent(self):
        return percent(self.no_show_rate)

    @property
    def coverage_percent(self):
        return percent(self.coverage_share)

    @property
    def cases_pending(self):
        """Cases still within their deadline: open, or answered and awaiting the resident."""
        figure = self.figure
        return max(0, figure.cases_opened - figure.cases_closed - figure.cases_overdue - figure.cases_unresolved)

    @property
    def cases_failed(self):
        return self.figure.cases_overdue + self.figure.cases_unresolved

    @property
    def demands_opened(self):
        figure = self.figure
        return formula.demands_opened(
            figure.demands_on_time, figure.demands_late, figure.demands_returned, figure.demands_failed
        )

    @property
    def escalated_percent(self):
        return percent(formula.ratio(self.figure.matters_escalated, self.figure.matters_opened))

    def why_missing(self, key):
        figure = self.figure
        return formula.why_missing(
            key,
            population=figure.population,
            ended_bookings=figure.ended_bookings,
            places_booked=self.places_booked,
            ratings=figure.ratings,
            min_sample=self.min_sample,
            cases=figure.cases_opened,
            coverage_cells=figure.coverage_cells,
            demands=self.demands_opened,
            matters=figure.matters_opened,
            # A figure computed before a component existed has no entry for it at all.
            computed=key in (figure.components or {}),
        )

    @property
    def components(self):
        stored = self.figure.components or {}
        return [
            Component(
                key,
                formula.COMPONENT_LABELS[key],
                COMPONENT_EXPLANATIONS[key],
                self.weights.get(key, 0),
                value := stored.get(key),
                self.why_missing(key) if value is None else None,
            )
            for key in formula.COMPONENTS
        ]

    @property
    def unranked_reason(self):
        """Why the figure has no rank: its own reason, or the period's when the period is not ranked at all."""
        if self.figure.unranked_reason:
            return self.figure.get_unranked_reason_display()
        return _("Too few streets had enough data to rank this period")

    @property
    def distribution_bars(self):
        """[(stars, count, percent)] from 5 stars down."""
        counts = self.distribution
        total = sum(counts) or 1
        return [(stars, counts[stars - 1], 100 * counts[stars - 1] / total) for stars in (5, 4, 3, 2, 1)]

    def inputs(self):
        """The inputs with their sample sizes, as plain numbers (API and CSV)."""
        figure = self.figure
        return {
            "population": figure.population,
            "bookings": figure.bookings,
            "bookings_per_thousand": rounded(self.bookings_per_thousand, 2),
            "ended_bookings": figure.ended_bookings,
            "checked_in": figure.checked_in,
            "provider_cancelled": figure.provider_cancelled,
            "fulfilment": rounded(self.fulfilment, 4),
            "no_shows": figure.no_shows,
            "no_show_rate": rounded(self.no_show_rate, 4),
            "ratings": figure.ratings,
            "distribution": self.distribution,
            "average_stars": rounded(self.average_stars, 2),
            "cases_opened": figure.cases_opened,
            "cases_closed": figure.cases_closed,
            "cases_pending": self.cases_pending,
            "cases_overdue": figure.cases_overdue,
            "cases_unresolved": figure.cases_unresolved,
            "median_close_hours": rounded(figure.median_close_hours, 1),
            "coverage_cells": figure.coverage_cells,
            "covered_cells": figure.covered_cells,
            "coverage_share": rounded(self.coverage_share, 4),
            "demands_opened": self.demands_opened,
            "demands_on_time": figure.demands_on_time,
            "demands_late": figure.demands_late,
            "demands_returned": figure.demands_returned,
            "demands_failed": figure.demands_failed,
            "matters_opened": figure.matters_opened,
            "matters_escalated": figure.matters_escalated,
        }

    def component_values(self):
        return {component.key: rounded(component.value, 1) for component in self.components}

    def missing_components(self):
        """``{component: MISSING_REASONS code}`` of the components without a value."""
        return {component.key: component.missing for component in self.components if component.value is None}


def percent(share):
    return None if share is None else 100 * share


def rounded(value, places):
    return None if value is None else round(float(value), places)


def readouts(run, figures):
    return [Readout(figure, run.min_sample, run.weights) for figure in figures]


def figures_of(run, level, **where):
    """The run's figures at ``level``, ranked first, with what their names need (one query)."""
    return (
        IndexFigure.objects.filter(run=run, level=level, **where)
        .select_related("street", "community", "partner")
        .order_by("rank", "street__position", "community_id", "partner__name", "pk")
    )


def ranked_first(items):
    """Ranked figures by rank, then the unranked (a null rank sorts first on PostgreSQL, last on SQLite)."""
    return sorted(items, key=lambda item: (item.figure.rank is None, item.figure.rank or 0))


def best_first(items):
    """Communities and providers are not ranked: the highest score first reads best, the unscored last."""
    return sorted(items, key=lambda item: (item.figure.score is None, -(item.figure.score or 0)))


def figure_of(run, level, **where):
    figure = figures_of(run, level, **where).first()
    return Readout(figure, run.min_sample, run.weights) if figure is not None else None


def formula_of(run):
    """The run's formula, component by component, for printing beside its numbers."""
    return [
        Component(key, formula.COMPONENT_LABELS[key], COMPONENT_EXPLANATIONS[key], run.weights.get(key, 0), None)
        for key in formula.COMPONENTS
    ]


# The 10-minute service circle


def latest_coverage_run():
    return CoverageRun.objects.first()


@dataclass
class CommunityCoverage:
    community: object
    cells: list  # CoverageCell in sector order
    columns: list = None  # one per sector of the table, None where no cell was computed

    @property
    def covered_sectors(self):
        return sum(1 for cell in self.cells if cell.covered)


@dataclass
class StreetCoverage:
    street: object
    communities: list

    @property
    def cells(self):
        return sum(len(community.cells) for community in self.communities)

    @property
    def covered_cells(self):
        return sum(community.covered_sectors for community in self.communities)

    @property
    def share(self):
        return formula.coverage_share(self.covered_cells, self.cells)


@dataclass
class CoverageTable:
    run: CoverageRun
    sectors: list
    streets: list

    @property
    def communities(self):
        return [community for street in self.streets for community in street.communities]

    @property
    def gaps(self):
        return [cell for community in self.communities for cell in community.cells if not cell.covered]

    def summary(self):
        communities = self.communities
        cells = sum(len(community.cells) for community in communities)
        covered = sum(community.covered_sectors for community in communities)
        return {
            "communities": len(communities),
            "cells": cells,
            "covered_cells": covered,
            "share": rounded(formula.coverage_share(covered, cells), 4),
            "communities_fully_covered": sum(
                1 for community in communities if community.cells and community.covered_sectors == len(community.cells)
            ),
            "communities_with_gaps": sum(
                1 for community in communities if community.covered_sectors < len(community.cells)
            ),
        }


def coverage_table(run):
    """The run's cells grouped street → community, with the sectors as columns (one query)."""
    cells = list(
        CoverageCell.objects.filter(run=run)
        .select_related("community__street", "sector", "nearest_partner")
        .order_by("community__street__position", "community__street_id", "community_id", "sector__path")
    )
    sectors = {}
    streets = {}
    for cell in cells:
        sectors.setdefault(cell.sector_id, cell.sector)
        street = streets.setdefault(cell.community.street_id, StreetCoverage(cell.community.street, []))
        if not street.communities or street.communities[-1].community.pk != cell.community_id:
            street.communities.append(CommunityCoverage(cell.community, []))
        street.communities[-1].cells.append(cell)
    sectors = sorted(sectors.values(), key=lambda sector: sector.path)
    for street in streets.values():
        for community in street.communities:
            by_sector = {cell.sector_id: cell for cell in community.cells}
            # Every row has one entry per sector column, in the same order (None: no cell computed).
            community.cells = [by_sector[sector.pk] for sector in sectors if sector.pk in by_sector]
            community.columns = [by_sector.get(sector.pk) for sector in sectors]
    return CoverageTable(run, sectors, list(streets.values()))

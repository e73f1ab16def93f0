"""The street index and the 10-minute service circle, read from compute_index's snapshots."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from marketplace.api.errors import ApiError, not_found
from marketplace.api.schemas import Error, Place, local
from streetindex import readouts
from streetindex.models import IndexFigure

router = Router(tags=["index"])


class IndexInputs(Schema):
    population: int | None = Field(description="Residents of the street (null: not known).")
    bookings: int = Field(description="Bookings (not cancelled) of slots in the period.")
    bookings_per_thousand: float | None = Field(description="Bookings per 1,000 residents; null without residents.")
    ended_bookings: int = Field(description="Of those bookings, the ones whose slot is over: the sample below.")
    checked_in: int
    provider_cancelled: int = Field(description="Bookings of ended slots that the provider cancelled.")
    fulfilment: float | None = Field(
        description="checked_in / (ended_bookings + provider_cancelled), from 0 to 1: a provider's own "
        "cancellations count against it, a resident's do not."
    )
    no_shows: int
    no_show_rate: float | None = Field(description="no_shows / ended_bookings, from 0 to 1.")
    ratings: int = Field(description="Visible ratings of visits in the period.")
    distribution: list[int] = Field(description="Ratings with 1, 2, 3, 4 and 5 stars.")
    average_stars: float | None = Field(description="Null below min_sample ratings.")
    cases_opened: int = Field(description="Follow-up cases opened: every one counts in case_closing.")
    cases_closed: int = Field(description="Closed (resolved, or lapsed unconfirmed): the sample of median_close_hours.")
    cases_pending: int = Field(
        description="Still within their deadline (open, or answered and awaiting the resident): credited as if "
        "closed at the computation."
    )
    cases_overdue: int = Field(description="Unanswered past their deadline: failures, credited 0.")
    cases_unresolved: int = Field(description="Closed as not resolved by the resident: not closed, credited 0.")
    median_close_hours: float | None
    coverage_cells: int = Field(description="Community × sector cells of the street.")
    covered_cells: int = Field(description="Of those, the cells inside the 10-minute service circle.")
    coverage_share: float | None = Field(description="covered_cells / coverage_cells, from 0 to 1.")
    demands_opened: int = Field(
        description="Grid demands given to the street's organisations in the period: every one counts in "
        "demands_on_time."
    )
    demands_on_time: int = Field(description="Done within their deadlines, or still within them: credited 1.")
    demands_late: int = Field(description="Escalated for lateness, then done or given a new deadline: credited ½.")
    demands_returned: int = Field(description="Sent back by the organisation: credited ½.")
    demands_failed: int = Field(
        description="Open past their deadline, or closed by a supervisor's finding: failures, credited 0."
    )
    matters_opened: int = Field(description="Matters of every kind given to the street's organisations in the period.")
    matters_escalated: int = Field(description="Of those, the ones supervision escalated at least once.")


class Components(Schema):
    bookings: float | None
    fulfilment: float | None
    no_shows: float | None
    satisfaction: float | None
    case_closing: float | None
    coverage: float | None
    demands_on_time: float | None
    escalations: float | None


class StreetFigure(Schema):
    rank: int | None = Field(description="Equal scores share a rank; null when not ranked.")
    street: Place
    score: float | None = Field(description="Weighted mean of the components that have a value, 0–100, one decimal.")
    inputs: IndexInputs
    components: Components = Field(
        description="Each input as a component from 0 to 100; null: there is nothing to measure (see missing)."
    )
    missing: dict[str, str] = Field(
        description="Why each null component has no value: no_population, no_bookings, no_ended_bookings, "
        "few_ratings, no_cases, no_cells, no_demands, no_matters, or not_in_formula (a period computed before "
        "the component existed). A missing component's weight is left out of the score; nothing a "
        "street leaves undone makes one missing (an unanswered case counts as a failure)."
    )
    unranked_reason: str | None = Field(
        description="few_bookings, no_population or no_figure; null for a ranked street or an unranked period."
    )


class StreetIndex(Schema):
    period: str = Field(description="2026-11 for a month, 2026-Q4 for a quarter.")
    granularity: str = Field(description="month or quarter.")
    period_start: date
    period_end: date
    complete: bool = Field(description="False while the period is still running (figures change every night).")
    computed_at: datetime
    published_at: datetime = Field(description="When the district published this period's figures.")
    ranked: bool = Field(description="False when too few streets had enough data: no street then has a rank.")
    weights: dict[str, float] = Field(
        description="The weight of each component (bookings, fulfilment, no_shows, satisfaction, case_closing, "
        "coverage, demands_on_time, escalations) this period was computed with."
    )
    min_sample: int = Field(description="Ratings needed before an average of stars is published.")
    min_bookings: int = Field(description="Ended bookings a street needs to be ranked.")
    min_ranked_streets: int = Field(description="Streets that must qualify for the period to be ranked.")
    case_target_hours: int = Field(
        description="A case closed this long or longer after it opened earns only the credit for being closed."
    )
    streets: list[StreetFigure] = Field(description="Ranked streets by rank, then the unranked.")


class SectorRef(Schema):
    slug: str
    name: str


class ProviderRef(Schema):
    id: int
    name: str


class CoverageCellOut(Schema):
    sector: str = Field(description="The sector's slug.")
    covered: bool = Field(description="A provider of the sector with an open slot is inside the circle.")
    distance_metres: int | None = Field(description="To the nearest such provider, wherever it is; null: none.")
    nearest_provider: ProviderRef | None
    providers_within: int = Field(description="Providers of the sector with an open slot inside the circle.")


class CommunityCoverage(Schema):
    slug: str
    name: str
    street: Place
    latitude: float | None = Field(description="The community's centre (WGS-84).")
    longitude: float | None
    covered_sectors: int
    cells: list[CoverageCellOut]


class CoverageSummary(Schema):
    communities: int
    cells: int
    covered_cells: int
    share: float | None = Field(description="covered_cells / cells, from 0 to 1.")
    communities_fully_covered: int
    communities_with_gaps: int


class Coverage(Schema):
    computed_at: datetime
    radius_metres: int
    days_ahead: int = Field(description="A provider counts when it has an open slot within this many days.")
    sectors: list[SectorRef]
    communities: list[CommunityCoverage]
    summary: CoverageSummary


def run_or_error(label):
    try:
        run = readouts.run_for(label)
    except readouts.PeriodError as error:
        if error.code == "invalid":
            raise ApiError(
                400,
                "invalid_period",
                _("“period” must be a month like 2026-11 or a quarter like 2026-Q4."),
            ) from error
        raise not_found(_("The index of %(period)s has not been computed.") % {"period": error.label}) from error
    if run is None:
        raise not_found(_("The index has not been computed yet."))
    return run


def street_json(run, readout):
    figure = readout.figure
    return {
        "rank": figure.rank if run.ranked else None,
        "street": {"slug": figure.street.slug, "name": figure.street.name},
        "score": figure.score,
        "inputs": readout.inputs(),
        "components": readout.component_values(),
        "missing": readout.missing_components(),
        "unranked_reason": figure.unranked_reason or None,
    }


@router.get("/index/streets", response={200: StreetIndex, frozenset({400, 404}): Error}, auth=None)
def street_index(
    request,
    period: str | None = Query(
        None,
        description="A month like 2026-11 or a quarter like 2026-Q4; default: the latest published period (the "
        "latest published ranked month, else quarter), as /index/ opens on. A period the district has not "
        "published answers 404 not_found, as one never computed.",
    ),
):
    """The 12 streets' index for one published period (``?period=2026-11`` or ``2026-Q4``; default: the latest
    published ranked month, as the index page opens on), with every input's sample size and the formula's
    weights. Only periods the district has published are answered."""
    run = run_or_error(period)
    rows = readouts.ranked_first(readouts.readouts(run, readouts.figures_of(run, IndexFigure.Level.STREET)))
    return {
        "period": run.label,
        "granularity": run.granularity,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "complete": run.is_complete(),
        "computed_at": local(run.computed_at),
        "published_at": local(run.published_at),
        "ranked": run.ranked,
        "weights": run.weights,
        "min_sample": run.min_sample,
        "min_bookings": run.min_bookings,
        "min_ranked_streets": run.min_ranked_streets,
        "case_target_hours": run.case_target_hours,
        "streets": [street_json(run, row) for row in rows],
    }


@router.get("/coverage", response={200: Coverage, 404: Error}, auth=None)
def coverage(request):
    """The 10-minute service circle, as last computed: for each community and sector, whether a provider with an
    open slot in the next days is within the radius of the community's centre."""
    run = readouts.latest_coverage_run()
    if run is None:
        raise not_found(_("The service circle has not been computed yet."))
    table = readouts.coverage_table(run)
    return {
        "computed_at": local(run.computed_at),
        "radius_metres": run.radius_metres,
        "days_ahead": run.days_ahead,
        "sectors": [{"slug": sector.slug, "name": sector.name} for sector in table.sectors],
        "communities": [
            {
                "slug": item.community.slug,
                "name": item.community.name,
                "street": {"slug": item.community.street.slug, "name": item.community.street.name},
                "latitude": item.community.latitude,
                "longitude": item.community.longitude,
                "covered_sectors": item.covered_sectors,
                "cells": [
                    {
                        "sector": cell.sector.slug,
                        "covered": cell.covered,
                        "distance_metres": cell.distance_metres,
                        "nearest_provider": (
                            {"id": cell.nearest_partner.pk, "name": cell.nearest_partner.name}
                            if cell.nearest_partner
                            else None
                        ),
                        "providers_within": cell.providers_within,
                    }
                    for cell in item.cells
                ],
            }
            for item in table.communities
        ],
        "summary": table.summary(),
    }

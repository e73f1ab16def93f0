"""Snapshot rows as compute_index would write them, for the index pages and the API.

The pages only read snapshots, so their tests write them directly: the
numbers here are chosen, not computed, and each test says what it expects.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from providers.models import Community, Street
from streetindex.models import CoverageCell, CoverageRun, IndexFigure, IndexRun
from streetindex.periods import MONTH, QUARTER, month_of, quarter_of

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

COMPUTED_AT = timezone.make_aware(datetime(2026, 11, 2, 2, 0))


def make_street(position, slug=None, name=None):
    return Street.objects.create(slug=slug or f"street-{position}", name=name or f"第{position}街道", position=position)


def make_community(street, number, latitude=None, longitude=None, population=5000):
    return Community.objects.create(
        street=street,
        slug=f"{street.slug}-c{number}",
        name=f"{street.name}{number}社区",
        population=population,
        latitude=latitude,
        longitude=longitude,
    )


def make_provider(street, community, name=None):
    code = f"{community.slug}-p{Partner.objects.count()}"
    return Partner.objects.create(name=name or f"{community.name}服务站", code=code, street=street, community=community)


def make_run(label="2026-10", ranked=True, weights=None, computed_at=COMPUTED_AT, **fields):
    granularity = QUARTER if "Q" in label else MONTH
    year, part = label.split("-")
    period = (
        quarter_of(date(int(year), int(part[1]) * 3 - 2, 1))
        if granularity == QUARTER
        else month_of(date(int(year), int(part), 1))
    )
    return IndexRun.objects.create(
        granularity=granularity,
        period_start=period.start,
        period_end=period.end,
        computed_at=computed_at,
        weights=weights or dict(settings.INDEX_WEIGHTS),
        min_sample=fields.pop("min_sample", 10),
        min_bookings=fields.pop("min_bookings", 20),
        min_ranked_streets=fields.pop("min_ranked_streets", 3),
        case_target_hours=fields.pop("case_target_hours", 72),
        ranked=ranked,
        # The pages show published runs only; a test of a draft says published_at=None.
        published_at=fields.pop("published_at", computed_at),
        **fields,
    )


COMPONENTS = {
    "bookings": 80.0,
    "fulfilment": 90.0,
    "no_shows": 95.0,
    "satisfaction": 75.0,
    "case_closing": 50.0,
    "coverage": 60.0,
    "demands_on_time": 70.0,
    "escalations": 90.0,
}


def make_figure(run, level, street, community=None, partner=None, **fields):
    values = {
        "population": 12000,
        "bookings": 240,
        "ended_bookings": 200,
        "checked_in": 180,
        "no_shows": 10,
        "ratings": 40,
        "distribution": [2, 3, 5, 10, 20],
        "average_stars": Decimal("4.08"),
        "cases_opened": 5,
        "cases_closed": 3,
        "cases_overdue": 1,
        "median_close_hours": Decimal("36.0"),
        "coverage_cells": 20,
        "covered_cells": 12,
        # 6 × 1 + (1 late + 1 sent back) × ½ + 1 failed = 7 / 10 → 70; 2 escalated / 20 matters → 90.
        "demands_on_time": 6,
        "demands_late": 1,
        "demands_returned": 1,
        "demands_failed": 2,
        "matters_opened": 20,
        "matters_escalated": 2,
        "components": dict(COMPONENTS),
        "score": Decimal("77.5"),
    }
    values.update(fields)
    return IndexFigure.objects.create(
        run=run, level=level, street=street, community=community, partner=partner, **values
    )


def make_ranked_streets(run, count, with_children=True):
    """``count`` streets with falling scores (rank 1 first), each with a community and a provider."""
    figures = []
    for position in range(1, count + 1):
        street = make_street(position)
        figures.append(
            make_figure(
                run,
                IndexFigure.Level.STREET,
                street,
                score=Decimal(90 - position),
                rank=position if run.ranked else None,
            )
        )
        if with_children:
            community = make_community(street, 1)
            provider = make_provider(street, community)
            make_figure(run, IndexFigure.Level.COMMUNITY, street, community=community, score=Decimal("70.0"))
            make_figure(
                run, IndexFigure.Level.PROVIDER, street, community=community, partner=provider, score=Decimal("65.0")
            )
    return figures


def make_sector(slug, name):
    return Category.add_root(name=name, slug=slug)


def make_coverage_run(computed_at=COMPUTED_AT, radius_metres=800, days_ahead=7):
    return CoverageRun.objects.create(computed_at=computed_at, radius_metres=radius_metres, days_ahead=days_ahead)


def make_cell(run, community, sector, covered, partner=None, distance_metres=None, providers_within=None):
    return CoverageCell.objects.create(
        run=run,
        community=community,
        sector=sector,
        covered=covered,
        nearest_partner=partner,
        distance_metres=distance_metres,
        providers_within=providers_within if providers_within is not None else int(covered),
    )

"""The 10-minute service circle: a provider of the sector within 800 m with an open slot in 7 days."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from providers.geo import great_circle_metres
from streetindex.coverage import compute_coverage, prune_coverage_runs
from streetindex.models import CoverageCell, CoverageRun
from tests.streetindex.circle_factories import CENTRE, make_community, make_provider, north_of, offer

Category = get_model("catalogue", "Category")


@pytest.fixture
def centre_community(street):
    return make_community(street, "jinma", CENTRE)


@pytest.fixture
def health(db):
    return Category.add_root(name="医疗健康", slug="health")


def cell(run, community, sector):
    return CoverageCell.objects.get(run=run, community=community, sector=sector)


def test_the_factory_places_providers_at_the_distance_asked():
    assert great_circle_metres(*CENTRE, *north_of(CENTRE, 790)) == pytest.approx(790, abs=0.2)


@pytest.mark.parametrize(("metres", "covered"), [(790, True), (810, False)])
def test_the_circle_is_800_m_from_the_centre(street, centre_community, sector, make_slot, metres, covered):
    provider = make_provider(street, "station", north_of(CENTRE, metres))
    make_slot(offer(provider, sector))
    found = cell(compute_coverage(), centre_community, sector)
    assert found.covered is covered
    assert found.providers_within == (1 if covered else 0)
    # The nearest provider is recorded with its distance even outside the circle.
    assert (found.nearest_partner, found.distance_metres) == (provider, metres)


def test_counts_every_provider_inside_and_keeps_the_nearest(street, centre_community, sector, make_slot):
    for code, metres in (("a", 500), ("b", 120), ("c", 790), ("d", 2000)):
        make_slot(offer(make_provider(street, code, north_of(CENTRE, metres)), sector))
    inside = cell(compute_coverage(), centre_community, sector)
    assert inside.providers_within == 3
    assert (inside.nearest_partner.code, inside.distance_metres) == ("b", 120)


@pytest.mark.parametrize(
    "slot_fields",
    [
        {"starts_in": timedelta(days=8)},  # beyond the 7 days
        {"starts_in": -timedelta(hours=1)},  # already started
        {"capacity": 2, "num_booked": 2},  # full
        {"capacity": 2, "counter_capacity": 2},  # every place held for the counter: none online
        {"is_open": False},  # closed by the provider
    ],
    ids=["after-7-days", "started", "full", "counter-only", "closed"],
)
def test_a_provider_without_an_open_slot_with_room_soon_does_not_count(
    street, centre_community, sector, make_slot, slot_fields
):
    make_slot(offer(make_provider(street, "near", north_of(CENTRE, 100)), sector), **slot_fields)
    inside = cell(compute_coverage(), centre_community, sector)
    assert not inside.covered
    assert inside.nearest_partner is None and inside.distance_metres is None


def test_a_slot_on_the_seventh_day_counts(street, centre_community, sector, make_slot):
    make_slot(
        offer(make_provider(street, "near", north_of(CENTRE, 100)), sector), starts_in=timedelta(days=6, hours=23)
    )
    assert cell(compute_coverage(), centre_community, sector).covered


def test_a_provider_covers_only_its_own_sectors(street, centre_community, sector, health, make_slot):
    make_slot(offer(make_provider(street, "clinic", north_of(CENTRE, 100)), health))
    run = compute_coverage()
    assert cell(run, centre_community, health).covered
    assert not cell(run, centre_community, sector).covered


def test_a_service_filed_under_a_subcategory_counts_for_its_sector(street, centre_community, sector, make_slot):
    family_law = sector.add_child(name="婚姻家庭", slug="family-law")
    make_slot(offer(make_provider(street, "near", north_of(CENTRE, 100)), family_law))
    run = compute_coverage()
    assert cell(run, centre_community, sector).covered
    # Only sectors (root categories) are cells.
    assert not CoverageCell.objects.filter(run=run, sector=family_law).exists()


def test_providers_without_coordinates_do_not_count(street, centre_community, sector, make_slot):
    make_slot(offer(make_provider(street, "nowhere"), sector))
    assert not cell(compute_coverage(), centre_community, sector).covered


def test_every_community_with_a_centre_gets_a_cell_per_sector(street, centre_community, sector, health):
    make_community(street, "no-centre", centre=None)
    make_community(street, "east", (CENTRE[0], CENTRE[1] + 1))
    run = compute_coverage()
    assert run.cells.count() == 2 * 2
    assert not run.cells.filter(community__slug="no-centre").exists()
    assert (run.radius_metres, run.days_ahead) == (800, 7)


def test_the_run_keeps_the_settings_it_used(settings, street, centre_community, sector, make_slot):
    settings.SERVICE_CIRCLE_METRES = 1000
    settings.SERVICE_CIRCLE_DAYS = 10
    make_slot(offer(make_provider(street, "near", north_of(CENTRE, 900)), sector), starts_in=timedelta(days=9))
    run = compute_coverage()
    assert (run.radius_metres, run.days_ahead) == (1000, 10)
    assert cell(run, centre_community, sector).covered


def test_queries_do_not_grow_with_providers_or_communities(
    street, sector, health, make_slot, django_assert_max_num_queries
):
    def add(count, start):
        for number in range(start, start + count):
            community = make_community(street, f"c{number}", (CENTRE[0], CENTRE[1] + Decimal(number) / 100))
            provider = make_provider(street, f"p{number}", (community.latitude, community.longitude))
            make_slot(offer(provider, sector))
            make_slot(offer(provider, health))

    add(2, 0)
    with django_assert_max_num_queries(12) as small:
        compute_coverage()
    add(20, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        run = compute_coverage()
    assert run.cells.filter(covered=True).count() == 22 * 2


def test_prune_keeps_the_newest_circle_and_the_ones_periods_refer_to(street, centre_community, sector):
    from streetindex.models import IndexRun

    old, referred, newest = (compute_coverage(timezone.now() - timedelta(days=days)) for days in (3, 2, 0))
    IndexRun.objects.create(
        granularity="month",
        period_start="2026-10-01",
        period_end="2026-10-31",
        computed_at=timezone.now(),
        weights={},
        min_sample=10,
        min_bookings=20,
        min_ranked_streets=3,
        case_target_hours=72,
        coverage_run=referred,
        ranked=False,
    )
    prune_coverage_runs(keep=newest)
    assert set(CoverageRun.objects.values_list("pk", flat=True)) == {referred.pk, newest.pk}
    assert not CoverageCell.objects.filter(run_id=old.pk).exists()

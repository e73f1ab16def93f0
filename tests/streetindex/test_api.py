"""GET /api/v1/index/streets and GET /api/v1/coverage: the snapshots as JSON, errors in the API's style."""

from decimal import Decimal

import pytest

from streetindex.models import IndexFigure
from tests.streetindex.page_factories import (
    COMPONENTS,
    make_cell,
    make_community,
    make_coverage_run,
    make_figure,
    make_provider,
    make_ranked_streets,
    make_run,
    make_sector,
    make_street,
)

Level = IndexFigure.Level
pytestmark = pytest.mark.django_db


def test_without_a_period_the_latest_ranked_month_as_the_page_opens_on(client):
    make_run("2026-11")
    make_run("2026-12", ranked=False)

    response = client.get("/api/v1/index/streets")

    assert response.status_code == 200
    assert (response.json()["period"], response.json()["ranked"]) == ("2026-11", True)
    assert client.get("/api/v1/index/streets", {"period": "2026-12"}).json()["ranked"] is False


def test_streets_of_the_latest_month_with_inputs_and_sample_sizes(client):
    make_run("2026-09")
    run = make_run(
        "2026-10",
        weights={"bookings": 1, "fulfilment": 2, "no_shows": 3, "satisfaction": 4, "case_closing": 5, "coverage": 6},
    )
    make_run("2026-Q4")
    make_ranked_streets(run, 3, with_children=False)
    quiet = make_street(9, slug="quiet", name="安静街道")
    make_figure(
        run,
        Level.STREET,
        quiet,
        ended_bookings=4,
        ratings=2,
        distribution=[0, 0, 0, 1, 1],
        average_stars=None,
        score=Decimal("50.0"),
        unranked_reason="few_bookings",
    )
    response = client.get("/api/v1/index/streets")
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == "2026-10"
    assert data["granularity"] == "month"
    assert data["period_start"] == "2026-10-01"
    assert data["period_end"] == "2026-10-31"
    assert data["complete"] is True
    assert data["ranked"] is True
    assert data["computed_at"] == "2026-11-02T02:00:00+08:00"
    assert data["weights"] == {
        "bookings": 1,
        "fulfilment": 2,
        "no_shows": 3,
        "satisfaction": 4,
        "case_closing": 5,
        "coverage": 6,
    }
    assert (data["min_sample"], data["min_bookings"], data["min_ranked_streets"]) == (10, 20, 3)
    assert [(item["rank"], item["street"]["slug"]) for item in data["streets"]] == [
        (1, "street-1"),
        (2, "street-2"),
        (3, "street-3"),
        (None, "quiet"),
    ]
    first = data["streets"][0]
    assert first["score"] == 89.0
    assert first["unranked_reason"] is None
    assert first["inputs"] == {
        "population": 12000,
        "bookings": 240,
        "bookings_per_thousand": 20.0,
        "ended_bookings": 200,
        "checked_in": 180,
        "provider_cancelled": 0,
        "fulfilment": 0.9,
        "no_shows": 10,
        "no_show_rate": 0.05,
        "ratings": 40,
        "distribution": [2, 3, 5, 10, 20],
        "average_stars": 4.08,
        "cases_opened": 5,
        "cases_closed": 3,
        "cases_pending": 1,
        "cases_overdue": 1,
        "cases_unresolved": 0,
        "median_close_hours": 36.0,
        "coverage_cells": 20,
        "covered_cells": 12,
        "coverage_share": 0.6,
        "demands_opened": 10,
        "demands_on_time": 6,
        "demands_late": 1,
        "demands_returned": 1,
        "demands_failed": 2,
        "matters_opened": 20,
        "matters_escalated": 2,
    }
    assert first["components"] == {
        "bookings": 80.0,
        "fulfilment": 90.0,
        "no_shows": 95.0,
        "satisfaction": 75.0,
        "case_closing": 50.0,
        "coverage": 60.0,
        "demands_on_time": 70.0,
        "escalations": 90.0,
    }
    assert first["missing"] == {}
    last = data["streets"][-1]
    assert last["unranked_reason"] == "few_bookings"
    assert last["inputs"]["average_stars"] is None
    assert last["inputs"]["ratings"] == 2


def test_a_quarter_and_an_unranked_period(client):
    make_run("2026-10")
    quarter = make_run("2026-Q3", ranked=False)
    make_ranked_streets(quarter, 2, with_children=False)
    data = client.get("/api/v1/index/streets", {"period": "2026-q3"}).json()
    assert data["period"] == "2026-Q3"
    assert data["granularity"] == "quarter"
    assert data["period_end"] == "2026-09-30"
    assert data["ranked"] is False
    assert [item["rank"] for item in data["streets"]] == [None, None]


@pytest.mark.parametrize("period", ["2026-13", "2026-Q0", "last month", "2026-1", "x" * 500])
def test_malformed_period_is_400(client, period):
    make_run("2026-10")
    response = client.get("/api/v1/index/streets", {"period": period})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period"
    assert response.json()["detail"]


def test_uncomputed_period_is_404(client):
    make_run("2026-10")
    response = client.get("/api/v1/index/streets", {"period": "2024-02"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "2024-02" in response.json()["detail"]


def test_nothing_computed_yet_is_404(client):
    response = client.get("/api/v1/index/streets")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = client.get("/api/v1/coverage")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_streets_queries_do_not_grow_with_streets(client, django_assert_max_num_queries):
    run = make_run("2026-10")
    make_ranked_streets(run, 2, with_children=False)
    with django_assert_max_num_queries(3):
        client.get("/api/v1/index/streets")
    for position in range(3, 13):
        make_figure(run, Level.STREET, make_street(position), rank=position)
    with django_assert_max_num_queries(3):
        data = client.get("/api/v1/index/streets").json()
    assert len(data["streets"]) == 12


def test_coverage(client):
    older = make_coverage_run()
    from datetime import timedelta

    run = make_coverage_run(computed_at=older.computed_at + timedelta(days=1), radius_metres=800, days_ahead=7)
    legal, health = make_sector("legal", "法律服务"), make_sector("health", "医疗健康")
    street = make_street(1, slug="tuodong", name="拓东街道")
    community = make_community(street, 1, latitude=Decimal("25.043210"), longitude=Decimal("102.712345"))
    station = make_provider(street, community, name="拓东服务站")
    make_cell(run, community, legal, True, station, 240, providers_within=2)
    make_cell(run, community, health, False, station, 1500)
    make_cell(older, community, legal, False)
    response = client.get("/api/v1/coverage")
    assert response.status_code == 200
    data = response.json()
    assert data["radius_metres"] == 800
    assert data["days_ahead"] == 7
    assert data["sectors"] == [{"slug": "legal", "name": "法律服务"}, {"slug": "health", "name": "医疗健康"}]
    assert data["communities"] == [
        {
            "slug": community.slug,
            "name": community.name,
            "street": {"slug": "tuodong", "name": "拓东街道"},
            "latitude": 25.04321,
            "longitude": 102.712345,
            "covered_sectors": 1,
            "cells": [
                {
                    "sector": "legal",
                    "covered": True,
                    "distance_metres": 240,
                    "nearest_provider": {"id": station.pk, "name": "拓东服务站"},
                    "providers_within": 2,
                },
                {
                    "sector": "health",
                    "covered": False,
                    "distance_metres": 1500,
                    "nearest_provider": {"id": station.pk, "name": "拓东服务站"},
                    "providers_within": 0,
                },
            ],
        }
    ]
    assert data["summary"] == {
        "communities": 1,
        "cells": 2,
        "covered_cells": 1,
        "share": 0.5,
        "communities_fully_covered": 0,
        "communities_with_gaps": 1,
    }


def test_coverage_queries_do_not_grow_with_communities(client, django_assert_max_num_queries):
    run = make_coverage_run()
    legal = make_sector("legal", "法律服务")
    street = make_street(1)
    make_cell(run, make_community(street, 1), legal, True)
    with django_assert_max_num_queries(2):
        client.get("/api/v1/coverage")
    for number in range(2, 20):
        make_cell(run, make_community(street, number), legal, False)
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/coverage").json()["communities"]) == 19


def test_openapi_documents_both_paths(client):
    schema = client.get("/api/v1/openapi.json").json()
    streets = schema["paths"]["/api/v1/index/streets"]["get"]
    assert [parameter["name"] for parameter in streets["parameters"]] == ["period"]
    assert {"200", "400", "404"} <= set(streets["responses"])
    assert "/api/v1/coverage" in schema["paths"]
    components = schema["components"]["schemas"]
    assert "description" in components["StreetIndex"]["properties"]["ranked"]
    assert "description" in components["Coverage"]["properties"]["days_ahead"]


def test_openapi_describes_the_period_parameter(client):
    schema = client.get("/api/v1/openapi.json").json()
    [parameter] = schema["paths"]["/api/v1/index/streets"]["get"]["parameters"]
    assert parameter["in"] == "query"
    assert parameter["required"] is False
    assert "2026-Q4" in parameter["description"]


def test_a_component_without_data_is_null_with_the_reason(client):
    run = make_run("2026-10")
    quiet = make_street(9, slug="quiet", name="安静街道")
    make_figure(
        run,
        Level.STREET,
        quiet,
        population=None,
        ratings=3,
        distribution=[0, 0, 1, 1, 1],
        average_stars=None,
        cases_opened=0,
        cases_closed=0,
        cases_overdue=0,
        median_close_hours=None,
        coverage_cells=0,
        covered_cells=0,
        components={
            "bookings": None,
            "fulfilment": 90.0,
            "no_shows": 95.0,
            "satisfaction": None,
            "case_closing": None,
            "coverage": None,
            "demands_on_time": None,
            "escalations": None,
        },
        demands_on_time=0,
        demands_late=0,
        demands_returned=0,
        demands_failed=0,
        matters_opened=0,
        matters_escalated=0,
        unranked_reason="no_population",
    )

    [street] = client.get("/api/v1/index/streets").json()["streets"]

    assert street["components"]["case_closing"] is None
    assert street["missing"] == {
        "bookings": "no_population",
        "satisfaction": "few_ratings",
        "case_closing": "no_cases",
        "coverage": "no_cells",
        "demands_on_time": "no_demands",
        "escalations": "no_matters",
    }


def test_a_case_left_unanswered_is_a_failure_not_a_missing_component(client):
    run = make_run("2026-10")
    street = make_street(9, slug="slow", name="慢街道")
    make_figure(
        run,
        Level.STREET,
        street,
        cases_opened=15,
        cases_closed=0,
        cases_overdue=15,
        median_close_hours=None,
        components={
            **dict.fromkeys(("bookings", "fulfilment", "no_shows", "satisfaction", "coverage"), 80.0),
            "case_closing": 0.0,
            "demands_on_time": 70.0,
            "escalations": 90.0,
        },
    )

    [figure] = client.get("/api/v1/index/streets").json()["streets"]

    assert figure["components"]["case_closing"] == 0.0
    assert figure["missing"] == {}
    assert (figure["inputs"]["cases_overdue"], figure["inputs"]["cases_pending"]) == (15, 0)


def test_demands_left_past_their_deadline_are_failures_and_escalations_count_against_matters(client):
    run = make_run("2026-10")
    street = make_street(9, slug="slow", name="慢街道")
    make_figure(
        run,
        Level.STREET,
        street,
        demands_on_time=0,
        demands_late=0,
        demands_returned=0,
        demands_failed=4,
        matters_opened=8,
        matters_escalated=6,
        components={**COMPONENTS, "demands_on_time": 0.0, "escalations": 25.0},
    )

    data = client.get("/api/v1/index/streets").json()
    [figure] = data["streets"]

    assert (figure["components"]["demands_on_time"], figure["components"]["escalations"]) == (0.0, 25.0)
    assert figure["missing"] == {}
    inputs = figure["inputs"]
    assert (inputs["demands_opened"], inputs["demands_failed"]) == (4, 4)
    assert (inputs["matters_opened"], inputs["matters_escalated"]) == (8, 6)
    assert data["weights"]["demands_on_time"] == 10 and data["weights"]["escalations"] == 5


def test_a_period_computed_before_the_new_components_says_they_were_not_in_its_formula(client):
    old_weights = {
        "bookings": 15,
        "fulfilment": 20,
        "no_shows": 10,
        "satisfaction": 25,
        "case_closing": 10,
        "coverage": 20,
    }
    run = make_run("2026-10", weights=old_weights)
    old_components = {key: value for key, value in COMPONENTS.items() if key not in ("demands_on_time", "escalations")}
    make_figure(run, Level.STREET, make_street(1), components=old_components)

    data = client.get("/api/v1/index/streets").json()
    [figure] = data["streets"]

    assert data["weights"] == old_weights
    assert figure["components"]["demands_on_time"] is None
    assert figure["missing"] == {"demands_on_time": "not_in_formula", "escalations": "not_in_formula"}

"""The public index pages read compute_index's snapshots: ranking, drill-down, downloads, service circle."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext, ngettext

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


def page(client, name, *args, status=200, **query):
    response = client.get(reverse(f"streetindex:{name}", args=args), query)
    assert response.status_code == status, response.content[:500]
    return response


def html(response):
    return response.content.decode()


# The ranking page


def test_no_run_yet_says_so(client):
    response = page(client, "streets")
    assert 'id="not-computed"' in html(response)


def test_ranking_lists_streets_by_rank_with_sample_sizes(client):
    run = make_run("2026-10")
    figures = make_ranked_streets(run, 3, with_children=False)
    response = page(client, "streets")
    body = html(response)
    assert response.context["run"] == run
    assert [row.figure for row in response.context["ranked_rows"]] == figures
    ranking = body.split('id="ranking"')[1].split("</table>")[0]
    assert ranking.index("第1街道") < ranking.index("第2街道") < ranking.index("第3街道")
    # Every input shows the counts it came from.
    assert gettext("%(checked_in)s checked in / %(booked)s booked") % {"checked_in": 180, "booked": 200} in body
    assert gettext("%(no_shows)s no-shows / %(ended)s ended") % {"no_shows": 10, "ended": 200} in body
    assert gettext("%(covered)s / %(cells)s cells covered") % {"covered": 12, "cells": 20} in body
    assert "90.0%" in body  # fulfilment 180 / 200
    assert "5.0%" in body  # no-shows 10 / 200
    assert "20.0" in body  # 240 bookings per 12,000 residents


def test_satisfaction_below_the_minimum_sample_shows_no_average(client):
    run = make_run("2026-10", min_sample=10)
    street = make_street(1)
    make_figure(run, Level.STREET, street, rank=1, ratings=7, distribution=[0, 0, 1, 2, 4], average_stars=None)
    body = html(page(client, "streets"))
    assert "★" not in body.split('id="ranking"')[1].split("</table>")[0]
    assert (
        ngettext("fewer than %(minimum)s rating (%(ratings)s)", "fewer than %(minimum)s ratings (%(ratings)s)", 10)
        % {"minimum": 10, "ratings": 7}
        in body
    )


def test_weights_printed_are_the_runs_not_the_settings(client, settings):
    weights = {"bookings": 1, "fulfilment": 2, "no_shows": 3, "satisfaction": 4, "case_closing": 5, "coverage": 6}
    settings.INDEX_WEIGHTS = {key: 99 for key in weights}
    run = make_run("2026-10", weights=weights, min_sample=12, min_bookings=33)
    make_ranked_streets(run, 3, with_children=False)
    body = html(page(client, "streets"))
    for key, weight in weights.items():
        assert f'<tr id="weight-{key}">' in body
        row = body.split(f'<tr id="weight-{key}">')[1].split("</tr>")[0]
        assert f'<td class="num weight">{weight}</td>' in row
    assert "99" not in body.split('id="formula-heading"')[1]
    line = body.split('id="formula-line"')[1].split("</p>")[0]
    assert all(f"{weight} × " in line for weight in weights.values())
    minimums = body.split('class="formula-minimums"')[1].split("</ul>")[0]
    assert "12" in minimums.split('id="min-sample"')[1].split("</li>")[0]
    assert "33" in minimums.split('id="min-bookings"')[1].split("</li>")[0]


def test_unranked_period_says_too_little_data_and_shows_no_ranks(client):
    run = make_run("2026-10", ranked=False)
    make_ranked_streets(run, 2, with_children=False)
    response = page(client, "streets")
    body = html(response)
    assert 'id="too-little-data"' in body
    assert 'id="ranking"' not in body
    assert response.context["ranked_rows"] == []
    assert len(response.context["unranked_rows"]) == 2


def test_unranked_streets_come_after_the_ranked_with_their_reason(client):
    run = make_run("2026-10")
    make_ranked_streets(run, 3, with_children=False)
    quiet = make_street(9, slug="quiet", name="安静街道")
    make_figure(run, Level.STREET, quiet, ended_bookings=4, score=Decimal("95.0"), unranked_reason="few_bookings")
    response = page(client, "streets")
    body = html(response)
    unranked = body.split('id="unranked"')[1].split("</table>")[0]
    assert "安静街道" in unranked
    assert str(IndexFigure.Unranked.FEW_BOOKINGS.label) in unranked
    assert "安静街道" not in body.split('id="ranking"')[1].split("</table>")[0]


def test_default_period_is_the_latest_computed_month_and_the_chooser_lists_every_run(client):
    make_run("2026-09")
    latest_month = make_run("2026-10")
    make_run("2026-Q3")
    response = page(client, "streets")
    assert response.context["run"] == latest_month
    body = html(response)
    assert '<label for="period-choice">' in body
    for label in ("2026-09", "2026-10", "2026-Q3"):
        assert f'<option value="{label}"' in body
    assert '<option value="2026-10" selected>' in body


def test_early_in_a_month_the_index_opens_on_the_latest_ranked_month_and_says_so(client):
    ranked = make_run("2026-11")
    make_ranked_streets(ranked, 3, with_children=False)
    make_run("2026-12", ranked=False)
    make_run("2026-Q4")

    response = page(client, "streets")
    body = html(response)

    assert response.context["run"] == ranked
    assert 'id="too-little-data"' not in body
    assert 'id="ranking"' in body
    note = body.split('id="newer-unranked"')[1].split("</p>")[0]
    assert "2026-12" in note and 'href="?period=2026-12"' in note
    # Asked for by name, the running month is still there, unranked, without the note.
    chosen = html(page(client, "streets", period="2026-12"))
    assert 'id="too-little-data"' in chosen and 'id="newer-unranked"' not in chosen


def test_without_a_ranked_month_the_latest_ranked_quarter_then_the_latest_month(client):
    make_run("2026-11", ranked=False)
    make_run("2026-10", ranked=False)
    quarter = make_run("2026-Q3")
    assert page(client, "streets").context["run"] == quarter
    quarter.delete()
    make_run("2026-Q4", ranked=False)
    assert page(client, "streets").context["run"].label == "2026-11"
    assert 'id="newer-unranked"' not in html(page(client, "streets"))


def test_choosing_a_quarter_shows_that_quarter(client):
    make_run("2026-10")
    quarter = make_run("2026-Q3")
    response = page(client, "streets", period="2026-Q3")
    assert response.context["run"] == quarter
    assert '<option value="2026-Q3" selected>' in html(response)


@pytest.mark.parametrize("period", ["2026-13", "November", "2026-Q5", "<script>", "9" * 300, "2026-10-01"])
def test_malformed_period_is_a_404_that_says_so(client, period):
    make_run("2026-10")
    response = page(client, "streets", status=404, period=period)
    body = html(response)
    assert 'id="not-found-message"' in body
    assert "<script>" not in body.split('id="not-found-message"')[1].split("</p>")[0]


def test_uncomputed_period_is_a_404(client):
    make_run("2026-10")
    response = page(client, "streets", status=404, period="2025-01")
    assert 'id="not-found-message"' in html(response)
    assert "2025-01" in html(response)


def test_running_period_says_it_is_still_running(client):
    from django.utils import timezone

    from streetindex.periods import local_today

    run = make_run(f"{local_today():%Y-%m}", computed_at=timezone.now())
    response = page(client, "streets")
    assert response.context["run"] == run
    assert response.context["complete"] is False
    past = make_run("2025-06")
    response = page(client, "streets", period="2025-06")
    assert response.context["run"] == past
    assert response.context["complete"] is True


def test_score_chart_writes_each_rank_name_and_score_beside_its_bar(client):
    run = make_run("2026-10")
    make_ranked_streets(run, 3, with_children=False)
    body = html(page(client, "streets"))
    chart = body.split('id="score-chart"')[1].split("</figure>")[0]
    ranked = chart.split('class="score-chart__rows"')[1].split("</ol>")[0]
    rows = ranked.split("<li ")[1:]
    assert [row.split('data-street="')[1].split('"')[0] for row in rows] == ["street-1", "street-2", "street-3"]
    for rank, (row, score) in enumerate(zip(rows, ("89.0", "88.0", "87.0"), strict=True), start=1):
        assert gettext("No. %(rank)s") % {"rank": rank} in row
        assert f'<span class="score-row__value">{score}</span>' in row
        # The bar is drawn to scale and hidden from screen readers: its number is the text beside it.
        assert f'<rect class="score-row__fill" width="{score}"' in row
        assert 'aria-hidden="true"' in row.split("<svg")[1].split(">")[0]
    assert 'id="score-chart-unranked"' not in chart
    assert "<script" not in body.lower().split("<main")[1].split("</main>")[0]


def test_unranked_streets_are_drawn_apart_in_the_chart_with_their_reason(client):
    run = make_run("2026-10")
    make_ranked_streets(run, 3, with_children=False)
    quiet = make_street(9, slug="quiet", name="安静街道")
    make_figure(run, Level.STREET, quiet, ended_bookings=4, score=Decimal("95.0"), unranked_reason="few_bookings")
    unknown = make_street(10, slug="unknown", name="未知街道")
    make_figure(run, Level.STREET, unknown, score=None, unranked_reason="no_population")
    body = html(page(client, "streets"))
    chart = body.split('id="score-chart"')[1].split("</figure>")[0]
    ranked = chart.split('aria-labelledby="score-chart-ranked"')[1].split("</ol>")[0]
    apart = chart.split('aria-labelledby="score-chart-unranked"')[1].split("</ul>")[0]

    # The best score of the period is not ranked: it is not among the ranking's bars, nor drawn like them.
    assert "安静街道" not in ranked and "安静街道" in apart
    quiet_row = apart.split('data-street="quiet"')[1].split("</li>")[0]
    assert "score-row--unranked" in apart.split('data-street="quiet"')[0].rsplit("<li", 1)[1]
    assert '<span class="score-row__value">95.0</span>' in quiet_row
    assert str(IndexFigure.Unranked.FEW_BOOKINGS.label) in quiet_row
    unknown_row = apart.split('data-street="unknown"')[1].split("</li>")[0]
    assert gettext("no score") in unknown_row and str(IndexFigure.Unranked.NO_POPULATION.label) in unknown_row


def test_in_an_unranked_period_every_street_is_drawn_apart_with_the_periods_reason(client):
    run = make_run("2026-10", ranked=False)
    make_ranked_streets(run, 2, with_children=False)
    body = html(page(client, "streets"))
    chart = body.split('id="score-chart"')[1].split("</figure>")[0]
    assert 'id="score-chart-ranked"' not in chart
    apart = chart.split('aria-labelledby="score-chart-unranked"')[1].split("</ul>")[0]
    assert apart.count("score-row--unranked") == 2
    assert gettext("Too few streets had enough data to rank this period") in apart


def test_names_in_the_chart_are_escaped(client):
    run = make_run("2026-10")
    street = make_street(1, slug="evil", name='<script>alert("x")</script>')
    make_figure(run, Level.STREET, street, rank=1)
    make_ranked_streets_offset(run)
    body = html(page(client, "streets"))
    assert '<script>alert("x")</script>' not in body
    chart = body.split('id="score-chart"')[1].split("</figure>")[0]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in chart


def make_ranked_streets_offset(run):
    for position in (2, 3):
        make_figure(run, Level.STREET, make_street(position), rank=position)


def test_a_distribution_chart_per_street(client):
    run = make_run("2026-10")
    make_ranked_streets(run, 2, with_children=False)
    body = html(page(client, "streets"))
    chart = body.split('id="distribution-street-1"')[1].split("</svg>")[0]
    assert ">20 (50%)</text>" in chart  # 20 of 40 ratings with 5 stars
    assert ">2 (5%)</text>" in chart


def test_ranking_page_queries_do_not_grow_with_streets(client, django_assert_max_num_queries):
    run = make_run("2026-10")
    make_ranked_streets(run, 3)
    client.get(reverse("streetindex:streets"))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("streetindex:streets"))
    run12 = make_run("2026-09")
    make_ranked_streets_more(run12, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("streetindex:streets"), {"period": "2026-09"})
    assert len(response.context["ranked_rows"]) == 12


def make_ranked_streets_more(run, count):
    for position in range(1, count + 1):
        street = make_street(100 + position)
        make_figure(run, Level.STREET, street, rank=position, score=Decimal(90 - position))


# Drilling down


@pytest.fixture
def street_with_children():
    run = make_run("2026-10")
    street = make_street(1, slug="tuodong", name="拓东街道")
    figure = make_figure(run, Level.STREET, street, rank=2, score=Decimal("81.3"))
    communities = [make_community(street, number, population=3000) for number in (1, 2)]
    providers = [make_provider(street, community) for community in communities]
    for community, provider in zip(communities, providers, strict=True):
        make_figure(run, Level.COMMUNITY, street, community=community, score=Decimal("70.1"), bookings=33)
        make_figure(
            run,
            Level.PROVIDER,
            street,
            community=community,
            partner=provider,
            score=Decimal("64.2"),
            ratings=3,
            distribution=[0, 1, 0, 1, 1],
            average_stars=None,
        )
    return run, figure, communities, providers


def test_street_page_breaks_the_score_down_with_communities_and_providers(client, street_with_children):
    run, figure, communities, providers = street_with_children
    response = page(client, "street", "tuodong", period="2026-10")
    body = html(response)
    breakdown = body.split('id="figure-breakdown"')[1].split("</table>")[0]
    for key, value in figure.components.items():
        row = breakdown.split(f'data-component="{key}"')[1].split("</tr>")[0]
        assert f'<td class="num component-value">{value:.1f}</td>' in row
    assert '<td class="num score">81.3</td>' in breakdown
    assert 'id="distribution-chart"' in body
    communities_table = body.split('id="communities"')[1].split("</table>")[0]
    assert all(community.name in communities_table for community in communities)
    assert reverse("streetindex:community", args=[communities[0].slug]) + "?period=2026-10" in communities_table
    providers_table = body.split('id="providers"')[1].split("</table>")[0]
    assert all(provider.name in providers_table for provider in providers)
    assert reverse("streetindex:provider", args=[providers[0].pk]) in providers_table


def test_a_component_without_data_says_why_and_unanswered_cases_show_as_overdue(client):
    run = make_run("2026-10")
    street = make_street(1, slug="quiet", name="安静街道")
    make_figure(
        run,
        Level.STREET,
        street,
        cases_opened=0,
        cases_closed=0,
        cases_overdue=0,
        median_close_hours=None,
        components={
            **dict.fromkeys(("bookings", "fulfilment", "no_shows", "satisfaction", "coverage"), 80.0),
            "case_closing": None,
        },
    )
    slow = make_street(2, slug="slow", name="慢街道")
    make_figure(run, Level.STREET, slow, cases_opened=15, cases_closed=0, cases_overdue=15, median_close_hours=None)

    body = html(page(client, "street", "quiet", period="2026-10"))
    row = body.split('id="figure-breakdown"')[1].split('data-component="case_closing"')[1].split("</tr>")[0]
    assert gettext("no follow-up case was opened") in row
    ranking = html(page(client, "streets", period="2026-10"))
    # The components table: the street's last row on the page.
    cell = ranking.split('<tr data-street="quiet">')[-1].split('data-component="case_closing"')[1].split("</td>")[0]
    assert gettext("no follow-up case was opened") in cell
    assert 'id="formula-missing"' in ranking

    body = html(page(client, "street", "slow", period="2026-10"))
    row = body.split('id="figure-breakdown"')[1].split('data-component="case_closing"')[1].split("</tr>")[0]
    assert "15" in row and gettext("no follow-up case was opened") not in row
    assert (
        gettext(
            "%(closed)s closed, %(pending)s within the deadline, %(overdue)s unanswered past the deadline, "
            "%(unresolved)s not resolved"
        )
        % {"closed": 0, "pending": 0, "overdue": 15, "unresolved": 0}
        in row
    )


def test_community_page_and_provider_page(client, street_with_children):
    run, figure, communities, providers = street_with_children
    response = page(client, "community", communities[0].slug, period="2026-10")
    assert response.context["readout"].figure.community == communities[0]
    body = html(response)
    assert providers[0].name in body.split('id="providers"')[1]
    assert providers[1].name not in body
    response = page(client, "provider", providers[1].pk, period="2026-10")
    body = html(response)
    assert providers[1].name in body
    # Three ratings are too few for an average; the count is still shown.
    breakdown = body.split('id="figure-breakdown"')[1].split("</table>")[0]
    assert "★" not in breakdown
    assert 'id="distribution-chart"' in body


@pytest.mark.parametrize(
    "name,arg",
    [("street", "nowhere"), ("community", "nowhere"), ("provider", 999999), ("provider", 2**70)],
)
def test_unknown_slug_or_id_is_a_404(client, street_with_children, name, arg):
    response = client.get(reverse(f"streetindex:{name}", args=[arg]), {"period": "2026-10"})
    assert response.status_code == 404
    assert 'id="not-found-message"' in html(response)


def test_no_figure_in_that_period_is_a_404(client, street_with_children):
    make_run("2026-09")
    page(client, "street", "tuodong", status=404, period="2026-09")
    page(client, "street", "tuodong", status=404, period="bad")


def test_street_page_queries_do_not_grow_with_communities(client, street_with_children, django_assert_max_num_queries):
    run, figure, communities, providers = street_with_children
    client.get(reverse("streetindex:street", args=["tuodong"]))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("streetindex:street", args=["tuodong"]))
    for number in range(3, 13):
        community = make_community(figure.street, number)
        make_figure(run, Level.COMMUNITY, figure.street, community=community)
        make_figure(
            run, Level.PROVIDER, figure.street, community=community, partner=make_provider(figure.street, community)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("streetindex:street", args=["tuodong"]))
    assert len(response.context["community_rows"]) == 12


# Downloads


def read_csv(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_streets_csv_has_every_input_component_score_and_rank(client):
    run = make_run("2026-10")
    make_ranked_streets(run, 3, with_children=False)
    response = page(client, "streets_csv", period="2026-10")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row["street_slug"] for row in rows] == ["street-1", "street-2", "street-3"]
    first = rows[0]
    assert first["rank"] == "1"
    assert first["score"] == "89.0"
    assert first["bookings"] == "240"
    assert first["population"] == "12000"
    assert first["bookings_per_thousand"] == "20.0"
    assert first["fulfilment"] == "0.9"
    assert first["no_show_rate"] == "0.05"
    assert first["stars_5"] == "20"
    assert first["average_stars"] == "4.08"
    assert first["cases_closed"] == "3"
    assert first["coverage_share"] == "0.6"
    assert first["component_satisfaction"] == "75.0"


def test_csv_of_a_bad_period_is_a_404(client):
    make_run("2026-10")
    page(client, "streets_csv", status=404, period="2026-99")


def test_csv_neutralises_formulas_in_names(client):
    run = make_run("2026-10")
    make_figure(run, Level.STREET, make_street(1, name="=HYPERLINK(1)"), rank=1)
    rows = read_csv(page(client, "streets_csv"))
    assert rows[0]["street"] == "'=HYPERLINK(1)"


def test_street_communities_and_providers_csv(client, street_with_children):
    run, figure, communities, providers = street_with_children
    rows = read_csv(page(client, "street_communities_csv", "tuodong", period="2026-10"))
    assert {row["community_slug"] for row in rows} == {community.slug for community in communities}
    rows = read_csv(page(client, "street_providers_csv", "tuodong", period="2026-10"))
    assert {row["provider_id"] for row in rows} == {str(provider.pk) for provider in providers}
    assert rows[0]["ratings"] == "3"
    assert rows[0]["average_stars"] == ""
    page(client, "street_providers_csv", "nowhere", status=404)


# The 10-minute service circle


@pytest.fixture
def circle():
    run = make_coverage_run()
    legal, health = make_sector("legal", "法律服务"), make_sector("health", "医疗健康")
    near = make_street(1, slug="near", name="近街道")
    far = make_street(2, slug="far", name="远街道")
    inside = make_community(near, 1, latitude=Decimal("25.05"), longitude=Decimal("102.72"))
    outside = make_community(far, 1, latitude=Decimal("25.10"), longitude=Decimal("102.76"))
    station = make_provider(near, inside, name="近社区服务站")
    make_cell(run, inside, legal, True, station, 120)
    make_cell(run, inside, health, True, station, 300)
    make_cell(run, outside, legal, False, station, 6400)
    make_cell(run, outside, health, False, None, None)
    return run, inside, outside, station


def test_coverage_not_computed_yet(client):
    response = page(client, "coverage")
    assert 'id="not-computed"' in html(response)


def test_coverage_table_by_street_with_marks_and_distances(client, circle):
    run, inside, outside, station = circle
    body = html(page(client, "coverage"))
    table = body.split('id="coverage-table"')[1].split("</table>")[0]
    near_rows = table.split('data-street="near"')[1].split("</tbody>")[0]
    assert "✓" in near_rows and "120" in near_rows and "300" in near_rows
    far_rows = table.split('data-street="far"')[1].split("</tbody>")[0]
    assert "✗" in far_rows and "6400" in far_rows
    assert gettext("%(covered)s / %(cells)s cells covered") % {"covered": 2, "cells": 2} in near_rows
    assert gettext("%(covered)s / %(cells)s cells covered") % {"covered": 0, "cells": 2} in far_rows
    assert "800" in body.split('id="run-status"')[1].split("</p>")[0]


def test_coverage_map_is_tiles_labelled_by_street_and_community_not_colour_alone(client, circle):
    run, inside, outside, station = circle
    response = page(client, "coverage")
    body = html(response)
    tiles = body.split('id="coverage-map"')[1].split("</ol>")[0]
    near = tiles.split('data-street="near"')[1].split("</ul>")[0]
    far = tiles.split('data-street="far"')[1].split("</ul>")[0]
    assert "<h3" in near and "近街道" in near.split("</h3>")[0]
    assert "远街道" in far.split("</h3>")[0]
    inside_tile = near.split(f'data-community="{inside.slug}"')[1].split("</li>")[0]
    assert inside.name in inside_tile
    assert gettext("%(covered)s of %(total)s sectors") % {"covered": 2, "total": 2} in inside_tile
    outside_tile = far.split(f'data-community="{outside.slug}"')[1].split("</li>")[0]
    assert gettext("%(covered)s of %(total)s sectors") % {"covered": 0, "total": 2} in outside_tile
    assert 'id="map-legend"' in body
    # North first: the far street's community lies north of the near one's.
    assert tiles.index('data-street="far"') < tiles.index('data-street="near"')
    assert "<circle" not in body.split('id="map-heading"')[1].split("</section>")[0]


def test_coverage_gaps_only_for_staff(client, circle, make_user, admin_user):
    run, inside, outside, station = circle
    body = html(page(client, "coverage"))
    assert 'id="gaps"' not in body
    client.force_login(make_user())
    assert 'id="gaps"' not in html(page(client, "coverage"))
    page(client, "coverage_gaps_csv", status=403)
    client.force_login(admin_user)
    body = html(page(client, "coverage"))
    gaps = body.split('id="gaps-table"')[1].split("</table>")[0]
    assert outside.name in gaps and station.name in gaps and "6400" in gaps
    assert inside.name not in gaps
    rows = read_csv(page(client, "coverage_gaps_csv"))
    assert [(row["community_slug"], row["nearest_provider"]) for row in rows] == [
        (outside.slug, station.name),
        (outside.slug, ""),
    ]


def test_anonymous_cannot_download_gaps(client, circle):
    page(client, "coverage_gaps_csv", status=403)


def test_coverage_page_queries_do_not_grow_with_communities(client, circle, django_assert_max_num_queries):
    run, inside, outside, station = circle
    client.get(reverse("streetindex:coverage"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("streetindex:coverage"))
    legal = make_sector("culture", "文化")
    for number in range(2, 12):
        community = make_community(inside.street, number, latitude=Decimal("25.0"), longitude=Decimal("102.7"))
        make_cell(run, community, legal, False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("streetindex:coverage"))


def test_the_two_index_pages_link_to_each_other(client, circle):
    run = make_run("2026-10")
    make_ranked_streets(run, 1, with_children=False)
    assert f'href="{reverse("streetindex:coverage")}"' in html(page(client, "streets"))
    assert f'href="{reverse("streetindex:streets")}"' in html(page(client, "coverage"))


# With compute_index's own snapshots


def test_pages_show_what_compute_index_counted(client, provider, community, offering, make_slot, resident, slot):
    from django.utils import timezone

    from streetindex.compute import compute_index
    from streetindex.periods import month_of
    from streetindex.publishing import publish_by_system
    from tests.conftest import ended_booking

    type(community).objects.filter(pk=community.pk).update(
        population=4000, latitude=Decimal("25.040000"), longitude=Decimal("102.710000")
    )
    type(provider).objects.filter(pk=provider.pk).update(latitude=Decimal("25.041000"), longitude=Decimal("102.711000"))
    booking = ended_booking(resident, make_slot, offering, status="checked_in")
    period = month_of(timezone.localtime(booking.slot.starts_at).date())
    _coverage, [run] = compute_index([period])
    publish_by_system(run)  # the public pages show published periods only

    response = page(client, "streets", period=period.label)
    body = html(response)
    assert 'id="too-little-data"' in body  # one street cannot be ranked
    [row] = response.context["unranked_rows"]
    assert (row.figure.bookings, row.figure.checked_in, row.figure.population) == (1, 1, 4000)
    assert gettext("%(checked_in)s checked in / %(booked)s booked") % {"checked_in": 1, "booked": 1} in body
    street_page = html(page(client, "street", community.street.slug, period=period.label))
    assert community.name in street_page.split('id="communities"')[1]
    assert provider.name in street_page.split('id="providers"')[1]

    coverage = page(client, "coverage")
    [street] = coverage.context["table"].streets
    cell = street.communities[0].cells[0]
    assert cell.covered and cell.nearest_partner == provider
    assert f'data-community="{community.slug}"' in html(coverage)


def test_a_streets_communities_read_best_score_first(client, street_with_children):
    run, figure, communities, providers = street_with_children
    IndexFigure.objects.filter(run=run, community=communities[1], level=Level.COMMUNITY).update(score=Decimal("88.8"))
    IndexFigure.objects.filter(run=run, community=communities[0], level=Level.COMMUNITY).update(score=None)
    response = page(client, "street", "tuodong")
    assert [row.figure.community for row in response.context["community_rows"]] == [communities[1], communities[0]]


def _street_at(slug, *centres):
    from types import SimpleNamespace

    communities = [
        SimpleNamespace(
            community=SimpleNamespace(
                slug=f"{slug}-{number}",
                latitude=None if latitude is None else Decimal(str(latitude)),
                longitude=None if longitude is None else Decimal(str(longitude)),
            ),
            covered_sectors=number,
        )
        for number, (latitude, longitude) in enumerate(centres)
    ]
    return SimpleNamespace(
        street=SimpleNamespace(pk=slug, slug=slug), communities=communities, covered_cells=0, cells=0
    )


def test_tile_map_reads_north_to_south_in_rows_west_to_east_and_keeps_unplaced_last():
    from streetindex.charts import coverage_tile_map

    # A square district of four streets: two rows of two.
    streets = [
        _street_at("south-east", (25.00, 102.80)),
        _street_at("north-west", (25.10, 102.70)),
        _street_at("nowhere", (None, None)),
        _street_at("south-west", (25.00, 102.70)),
        _street_at("north-east", (25.10, 102.80)),
    ]
    drawn = coverage_tile_map(streets, 5)
    assert [tile.street.slug for tile in drawn.streets] == [
        "north-west",
        "north-east",
        "south-west",
        "south-east",
        "nowhere",
    ]
    assert drawn.columns == 2


def test_a_tall_narrow_district_gets_fewer_columns_than_a_wide_one():
    from streetindex.charts import coverage_tile_map

    tall = [_street_at(f"s{number}", (25.0 + number * 0.05, 102.70 + (number % 2) * 0.01)) for number in range(12)]
    wide = [_street_at(f"s{number}", (25.0 + (number % 2) * 0.01, 102.70 + number * 0.05)) for number in range(12)]
    assert coverage_tile_map(tall, 5).columns < coverage_tile_map(wide, 5).columns
    [community] = coverage_tile_map(tall, 5).streets[0].communities
    assert (community.covered, community.total) == (0, 5)


def test_the_demands_and_escalations_components_show_their_counts_weights_and_missing_reason(client):
    run = make_run("2026-10")
    street = make_street(1, slug="busy", name="忙街道")
    make_figure(run, Level.STREET, street)  # 6 on time, 1 late, 1 sent back, 2 past the deadline; 2 of 20 escalated
    quiet = make_street(2, slug="quiet", name="安静街道")
    make_figure(
        run,
        Level.STREET,
        quiet,
        demands_on_time=0,
        demands_late=0,
        demands_returned=0,
        demands_failed=0,
        matters_opened=0,
        matters_escalated=0,
        components={**COMPONENTS, "demands_on_time": None, "escalations": None},
    )

    body = html(page(client, "street", "busy", period="2026-10"))
    breakdown = body.split('id="figure-breakdown"')[1]
    demands = breakdown.split('data-component="demands_on_time"')[1].split("</tr>")[0]
    assert gettext("Demands closed on time") in demands
    assert (
        gettext("%(on_time)s on time, %(late)s late, %(returned)s sent back, %(failed)s past the deadline")
        % {"on_time": 6, "late": 1, "returned": 1, "failed": 2}
        in demands
    )
    assert "70.0" in demands
    escalations = breakdown.split('data-component="escalations"')[1].split("</tr>")[0]
    assert (
        gettext("%(escalated)s escalated / %(opened)s matters opened") % {"escalated": 2, "opened": 20} in escalations
    )
    assert "90.0" in escalations

    body = html(page(client, "street", "quiet", period="2026-10"))
    breakdown = body.split('id="figure-breakdown"')[1]
    demands = breakdown.split('data-component="demands_on_time"')[1].split("</tr>")[0]
    assert gettext("no demand was opened") in demands
    escalations = breakdown.split('data-component="escalations"')[1].split("</tr>")[0]
    assert gettext("no matter was opened") in escalations

    ranking = html(page(client, "streets", period="2026-10"))
    for key, weight in (("demands_on_time", 10), ("escalations", 5)):
        row = ranking.split(f'<tr id="weight-{key}">')[1].split("</tr>")[0]
        assert f'<td class="num weight">{weight}</td>' in row
    line = ranking.split('id="formula-line"')[1].split("</p>")[0]
    assert f"10 × {gettext('Demands closed on time')}" in line and f"5 × {gettext('Few escalations')}" in line

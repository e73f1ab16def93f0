"""The published formula on small data computed by hand (the arithmetic is in the comments)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from streetindex.formula import (
    COMPONENTS,
    MISSING_REASONS,
    Formula,
    Inputs,
    components,
    evaluate,
    round_half_up,
    score,
    shared_ranks,
    why_missing,
)

# Round weights so the hand arithmetic stays readable; the same shape as settings.INDEX_WEIGHTS.
WEIGHTS = {"bookings": 20, "fulfilment": 20, "no_shows": 10, "satisfaction": 30, "case_closing": 10, "coverage": 10}
FORMULA = Formula(weights=WEIGHTS, min_sample=10, min_bookings=20, min_ranked_streets=3, case_target_hours=72)


def street(bookings=40, ended=40, checked_in=36, no_shows=4, distribution=(0, 0, 2, 4, 4), close_hours=(), **extra):
    return Inputs(
        open_hours=extra.pop("open_hours", ()),
        failed_cases=extra.pop("failed_cases", 0),
        bookings=bookings,
        ended_bookings=ended,
        checked_in=checked_in,
        no_shows=no_shows,
        distribution=distribution,
        close_hours=close_hours,
        population=extra.pop("population", 8000),
        coverage_cells=extra.pop("coverage_cells", 10),
        covered_cells=extra.pop("covered_cells", 7),
    )


def test_each_component_from_its_inputs():
    inputs = street(close_hours=(12, 36, 60))
    parts = components(inputs, FORMULA, best_bookings_per_thousand=10)
    # 40 bookings / 8,000 residents × 1,000 = 5 per 1,000; the best is 10 → 5 / 10 = 50
    assert parts["bookings"] == pytest.approx(50)
    # 36 checked in / 40 ended = 0.9 → 90
    assert parts["fulfilment"] == pytest.approx(90)
    # 1 − 4 no-shows / 40 ended = 0.9 → 90
    assert parts["no_shows"] == pytest.approx(90)
    # 10 ratings: (3·2 + 4·4 + 5·4) / 10 = 4.2 stars; (4.2 − 1) / 4 = 0.8 → 80
    assert parts["satisfaction"] == pytest.approx(80)
    # each case closed earns ½ + ½ × (1 − hours / 72): 12 h → 0.9167, 36 h → 0.75, 60 h → 0.5833;
    # their mean is 0.75 → 75
    assert parts["case_closing"] == pytest.approx(75)
    # 7 covered / 10 cells → 70
    assert parts["coverage"] == pytest.approx(70)


def test_score_is_the_weighted_mean_of_the_components():
    parts = {"bookings": 50, "fulfilment": 90, "no_shows": 90, "satisfaction": 80, "case_closing": 50, "coverage": 70}
    # (20·50 + 20·90 + 10·90 + 30·80 + 10·50 + 10·70) / 100 = (1000 + 1800 + 900 + 2400 + 500 + 700) / 100 = 73.0
    assert score(parts, WEIGHTS) == Decimal("73.0")


def test_a_missing_component_leaves_its_weight_out():
    # No follow-up case opened: case_closing is missing, not 0.
    parts = {"bookings": 50, "fulfilment": 90, "no_shows": 90, "satisfaction": 80, "case_closing": None, "coverage": 70}
    # (1000 + 1800 + 900 + 2400 + 700) / 90 = 6800 / 90 = 75.555… → 75.6
    assert score(parts, WEIGHTS) == Decimal("75.6")


def test_no_component_at_all_gives_no_score():
    assert score(dict.fromkeys(WEIGHTS), WEIGHTS) is None


def test_scores_round_half_up_to_one_decimal():
    # 0.25 and 0.35 are not exact in binary; the published rule is half up on the decimal value.
    assert round_half_up(72.25) == Decimal("72.3")
    assert round_half_up(72.35) == Decimal("72.4")
    assert round_half_up(72.24) == Decimal("72.2")
    # (1·10 + 1·20.5) / 2 = 15.25 → 15.3
    assert score({"no_shows": 10, "case_closing": 20.5}, WEIGHTS) == Decimal("15.3")


def test_equal_scores_share_a_rank_and_the_next_one_skips():
    ranks = shared_ranks({"a": Decimal("80.0"), "b": Decimal("75.5"), "c": Decimal("75.5"), "d": Decimal("60.1")})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_satisfaction_below_the_minimum_sample_is_no_component():
    # 9 ratings < 10: no average, so no satisfaction component (and not a 0).
    parts = components(street(distribution=(0, 0, 0, 0, 9)), FORMULA, best_bookings_per_thousand=5)
    assert parts["satisfaction"] is None
    # 10 five-star ratings: (5 − 1) / 4 → 100
    parts = components(street(distribution=(0, 0, 0, 0, 10)), FORMULA, best_bookings_per_thousand=5)
    assert parts["satisfaction"] == pytest.approx(100)


def test_a_case_closed_late_earns_only_the_credit_for_closing_it():
    # 100 h > 72 h target: ½ + ½ × max(0, 1 − 100 / 72) = ½ → 50
    parts = components(street(close_hours=(100,)), FORMULA, best_bookings_per_thousand=5)
    assert parts["case_closing"] == 50


def test_an_unanswered_overdue_case_or_one_not_resolved_is_a_failure_not_missing():
    # 2 failures and one case closed in 0 h: (0 + 0 + 1) / 3 → 33.3
    parts = components(street(close_hours=(0,), failed_cases=2), FORMULA, best_bookings_per_thousand=5)
    assert parts["case_closing"] == pytest.approx(100 / 3)
    # Only failures: 0, a component that exists (its weight counts).
    parts = components(street(failed_cases=15), FORMULA, best_bookings_per_thousand=5)
    assert parts["case_closing"] == 0


def test_a_case_within_its_deadline_counts_as_if_it_closed_at_the_computation():
    # open 36 h, not yet due: ½ + ½ × (1 − 36 / 72) = 0.75 → 75, as if it had closed now
    parts = components(street(open_hours=(36,)), FORMULA, best_bookings_per_thousand=5)
    assert parts["case_closing"] == pytest.approx(75)


def test_no_case_opened_is_the_only_way_case_closing_is_missing():
    parts = components(street(), FORMULA, best_bookings_per_thousand=5)
    assert parts["case_closing"] is None
    assert why_missing("case_closing", **COUNTS, cases=0) == "no_cases"
    assert why_missing("case_closing", **COUNTS, cases=1) is None


COUNTS = {
    "population": 8000,
    "ended_bookings": 40,
    "places_booked": 40,
    "ratings": 10,
    "min_sample": 10,
    "coverage_cells": 10,
}


def test_every_missing_component_has_a_reason():
    none = {
        "population": None,
        "ended_bookings": 0,
        "places_booked": 0,
        "ratings": 3,
        "min_sample": 10,
        "coverage_cells": 0,
        "cases": 0,
    }
    assert {key: why_missing(key, **none) for key in COMPONENTS} == {
        "bookings": "no_population",
        "fulfilment": "no_ended_bookings",
        "no_shows": "no_ended_bookings",
        "satisfaction": "few_ratings",
        "case_closing": "no_cases",
        "coverage": "no_cells",
        "demands_on_time": "no_demands",
        "escalations": "no_matters",
    }
    assert set(MISSING_REASONS) >= {why_missing(key, **none) for key in COMPONENTS}
    # A period computed before a component existed says so, whatever its counts.
    assert why_missing("escalations", **none, computed=False) == "not_in_formula"
    assert "not_in_formula" in MISSING_REASONS


def test_demands_on_time_is_the_mean_credit_of_every_demand_opened():
    # 6 on time × 1 + (1 late + 1 sent back) × ½ + 2 past their deadline × 0 = 7, over 10 demands → 70
    inputs = replace(street(), demands_on_time=6, demands_late=1, demands_returned=1, demands_failed=2)
    assert components(inputs, FORMULA, best_bookings_per_thousand=5)["demands_on_time"] == pytest.approx(70)
    # Every demand left past its deadline: 0, a failure, not a missing component.
    failed = replace(street(), demands_failed=3)
    assert components(failed, FORMULA, best_bookings_per_thousand=5)["demands_on_time"] == 0
    assert why_missing("demands_on_time", **COUNTS, cases=0, demands=3) is None
    # No demand opened at all: the only way it is missing.
    assert components(street(), FORMULA, best_bookings_per_thousand=5)["demands_on_time"] is None
    assert why_missing("demands_on_time", **COUNTS, cases=0, demands=0) == "no_demands"


def test_escalations_is_one_minus_the_share_of_matters_escalated():
    # 3 escalated of 12 matters opened: 1 − 3 / 12 = 0.75 → 75
    inputs = replace(street(), matters_opened=12, matters_escalated=3)
    assert components(inputs, FORMULA, best_bookings_per_thousand=5)["escalations"] == pytest.approx(75)
    # Every matter escalated: 0.
    every = replace(street(), matters_opened=2, matters_escalated=2)
    assert components(every, FORMULA, best_bookings_per_thousand=5)["escalations"] == 0
    # No matter opened: missing, and said why.
    assert components(street(), FORMULA, best_bookings_per_thousand=5)["escalations"] is None
    assert why_missing("escalations", **COUNTS, cases=0, matters=0) == "no_matters"


def test_the_new_components_weigh_in_the_score():
    weights = {**WEIGHTS, "demands_on_time": 10, "escalations": 10}
    formula = replace(FORMULA, weights=weights)
    inputs = replace(
        street(close_hours=(12, 36, 60)),
        demands_on_time=6,
        demands_late=1,
        demands_returned=1,
        demands_failed=2,
        matters_opened=12,
        matters_escalated=3,
    )
    results, _ranked = evaluate({"a": inputs}, formula, rank=False)
    # Components: bookings 100 (the best), fulfilment 90, no-shows 90, satisfaction 80, cases 75,
    # coverage 70, demands 70, escalations 75; weights 20, 20, 10, 30, 10, 10, 10, 10 (sum 120):
    # (2000 + 1800 + 900 + 2400 + 750 + 700 + 700 + 750) / 120 = 10000 / 120 = 83.33 → 83.3
    assert results["a"].score == Decimal("83.3")


# The issue's two streets (issue 22): the same in everything but their 15 follow-up cases.
ISSUE_WEIGHTS = {
    "bookings": 15,
    "fulfilment": 20,
    "no_shows": 10,
    "satisfaction": 25,
    "case_closing": 10,
    "coverage": 20,
}


def issue_street(**cases):
    # bookings 100 (both are the best), fulfilment 160 / 200 = 80, no-shows 1 − 20 / 200 = 90,
    # satisfaction 4.0 stars = 75, coverage 311 / 500 = 62.2: weighted (1500 + 1600 + 900 + 1875 + 1244)
    # = 7119 over the 90 of the other weights = 79.1.
    return Inputs(
        bookings=200,
        ended_bookings=200,
        checked_in=160,
        no_shows=20,
        distribution=(0, 0, 5, 10, 5),
        population=10000,
        coverage_cells=500,
        covered_cells=311,
        **cases,
    )


def test_the_street_that_answered_all_15_cases_late_ranks_above_the_one_that_answered_none():
    # Before: the unanswered cases dropped out (7119 / 90 = 79.1) while 15 answered after 100 h scored
    # case_closing 0 (7119 / 100 = 71.2), so answering none ranked first.
    formula = Formula(weights=ISSUE_WEIGHTS, min_sample=10, min_bookings=20, min_ranked_streets=2, case_target_hours=72)
    results, ranked = evaluate(
        {"none": issue_street(failed_cases=15), "all_late": issue_street(close_hours=(100,) * 15)}, formula
    )
    # none: 15 failures → case_closing 0, which counts: 7119 / 100 = 71.19 → 71.2
    assert results["none"].components["case_closing"] == 0
    assert results["none"].score == Decimal("71.2")
    # all late: each earns ½ for being closed → 50: (7119 + 500) / 100 = 76.19 → 76.2
    assert results["all_late"].score == Decimal("76.2")
    assert ranked
    assert (results["all_late"].rank, results["none"].rank) == (1, 2)


def test_evaluate_scores_bookings_against_the_best_street_and_ranks():
    inputs = {
        # 80 / 8,000 × 1,000 = 10 per 1,000 (the best) → bookings 100
        "a": street(bookings=80, ended=40, checked_in=40, no_shows=0, distribution=(0, 0, 0, 0, 10), covered_cells=10),
        # 40 / 8,000 × 1,000 = 5 per 1,000 → 50
        "b": street(bookings=40),
        # 20 / 4,000 × 1,000 = 5 per 1,000 → 50; the same inputs as b otherwise
        "c": street(bookings=20, population=4000),
    }
    results, ranked = evaluate(inputs, FORMULA)
    assert ranked
    # a: bookings 100, fulfilment 100, no_shows 100, satisfaction 100, no case, coverage 100 → 100.0
    assert results["a"].score == Decimal("100.0")
    # b and c: 50, 90, 90, 80, no case, 70 → 6800 / 90 = 75.6 (as above), so they share rank 2
    assert results["b"].score == results["c"].score == Decimal("75.6")
    assert [results[key].rank for key in "abc"] == [1, 2, 2]
    assert results["b"].components["bookings"] == pytest.approx(50)


def test_fulfilment_counts_the_providers_cancellations_and_the_no_show_rate_does_not():
    inputs = Inputs(bookings=10, ended_bookings=10, checked_in=8, no_shows=2, provider_cancelled=2)
    parts = components(inputs, FORMULA, best_bookings_per_thousand=None)
    # 8 checked in / (10 ended + 2 the provider cancelled) = 0.666… → 66.7
    assert parts["fulfilment"] == pytest.approx(100 * 8 / 12)
    # 1 − 2 no-shows / 10 ended = 0.8 → 80: the provider's cancellations are not the residents' absence
    assert parts["no_shows"] == pytest.approx(80)


def test_a_small_street_below_the_minimum_sample_does_not_set_the_bar_for_bookings():
    inputs = {
        # 40 / 8,000 × 1,000 = 5 per 1,000: the best among streets with 20 or more ended bookings → 100
        "a": street(bookings=40),
        # 20 / 8,000 × 1,000 = 2.5 per 1,000 → 2.5 / 5 = 50
        "b": street(bookings=20, ended=20, checked_in=18, no_shows=2),
        # 14 / 1,000 × 1,000 = 14 per 1,000, but only 14 ended bookings: not the bar, and capped at 100
        "small": street(bookings=14, ended=14, checked_in=14, no_shows=0, population=1000),
    }
    results, _ranked = evaluate(inputs, FORMULA)
    assert results["a"].components["bookings"] == pytest.approx(100)
    assert results["b"].components["bookings"] == pytest.approx(50)
    assert results["small"].components["bookings"] == pytest.approx(100)
    assert results["small"].unranked_reason == "few_bookings"


def test_a_street_with_few_ended_bookings_or_unknown_population_is_not_ranked():
    inputs = {
        "a": street(),
        "b": street(),
        "c": street(),
        "few": street(bookings=19, ended=19, checked_in=19, no_shows=0),  # 19 < 20 ended bookings
        "nobody": street(population=None),
    }
    results, ranked = evaluate(inputs, FORMULA)
    assert ranked
    assert results["few"].rank is None and results["few"].unranked_reason == "few_bookings"
    assert results["nobody"].rank is None and results["nobody"].unranked_reason == "no_population"
    # Unknown population: no bookings component, but the other components still give a score.
    assert results["nobody"].components["bookings"] is None
    assert results["nobody"].score is not None
    assert {results[key].rank for key in "abc"} == {1}


def test_too_few_streets_with_enough_data_rank_nobody():
    inputs = {"a": street(), "b": street(), "few": street(ended=5, checked_in=5, no_shows=0)}
    results, ranked = evaluate(inputs, FORMULA)
    # Only 2 streets qualify, fewer than 3: the period is not ranked at all.
    assert not ranked
    assert all(result.rank is None for result in results.values())
    # The figures are still computed so the page can show them with their sample sizes.
    assert results["a"].score is not None


def test_without_ranking_every_key_keeps_its_score_and_no_rank():
    results, ranked = evaluate({"p": street(population=None)}, FORMULA, rank=False)
    assert not ranked
    assert results["p"].rank is None and results["p"].unranked_reason == ""
    assert results["p"].score is not None


def test_nothing_ended_yet_gives_no_fulfilment_or_no_show_component():
    parts = components(street(ended=0, checked_in=0, no_shows=0), FORMULA, best_bookings_per_thousand=5)
    assert parts["fulfilment"] is None and parts["no_shows"] is None


def test_formula_from_settings_copies_the_published_weights(settings):
    settings.INDEX_WEIGHTS = {"fulfilment": 1}
    settings.INDEX_MIN_BOOKINGS = 7
    formula = Formula.from_settings()
    assert formula.weights == {"fulfilment": 1}
    assert formula.min_bookings == 7

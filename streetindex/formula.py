"""The street index formula, as pure functions of counted inputs.

Nothing here reads the database, so every number on the index page can be
recomputed by hand from the inputs printed beside it (and the unit tests do
exactly that). Each input becomes a component from 0 to 100:

- ``bookings``: bookings per 1,000 residents, as a share of the best at the same level among
  those with the minimum ended bookings (at most 100);
- ``fulfilment``: checked in / places booked (ended bookings plus those the provider cancelled);
- ``no_shows``: 1 − no-shows / ended bookings;
- ``satisfaction``: (average stars − 1) / 4, only from the minimum sample on;
- ``case_closing``: the mean credit of every follow-up case opened (``case_credit``): work
  that is owed counts as owed. A case closed (resolved, or answered and left unconfirmed
  until it lapsed) after ``h`` hours earns ``CLOSING_CREDIT`` for being closed plus the rest
  times (1 − h / target hours, at least 0); a case still within its deadline (open, or
  answered and awaiting the resident) earns what it would if it closed at the computation;
  a case unanswered past its deadline, or one the resident says was not resolved, is a
  failure and earns 0 (``not resolved`` is not closed);
- ``coverage``: cells inside the 10-minute circle / community × sector cells;
- ``demands_on_time``: the mean credit of every grid demand (a ``demand`` matter recorded by a grid
  worker) opened in the period (``demand_credit``): done within every deadline it was given earns 1;
  done late (escalated by supervision for lateness), or sent back by the organisation (not done by
  whom it was sent to), earns ``DEMAND_LATE_CREDIT``; one still within its deadline earns what it
  would if done at the computation; one open past its deadline, or closed by a supervisor's finding
  instead of by the organisation, is a failure and earns 0. So doing a demand, or doing it in time,
  never earns less than sending it back or leaving it;
- ``escalations``: 1 − matters escalated by supervision (督办) / matters opened. Both are counted over
  the same matters: every matter (of any kind) given to the street's organisations in the period, each
  counted once however many levels it went up and whatever became of it (done, sent back, still open).
  So each matter handled without escalation raises the component and each escalation lowers it: a
  street cannot raise it by taking fewer matters (one fewer handled well lowers it), nor by sending
  them back (they stay in the count). Against matters, not per resident or per street, so a busy
  street is not punished for its volume.

The score is the weighted mean of the components that exist, rounded to one
decimal. A component is missing only when there is nothing to measure
(``MISSING_REASONS``: the number of residents is unknown, no booking has ended,
fewer ratings than the minimum sample, no follow-up case was opened, no cell of
the service circle, no demand or no matter was opened; or, for a period computed
before the component existed, it was not part of the formula); its weight is then
left out rather than counting as 0. Nothing a street leaves undone makes a
component missing: a case it never answers stays in ``case_closing`` as a failure,
a demand it leaves past its deadline in ``demands_on_time``. So, all else equal,
answering a case, answering it sooner, checking a resident in, or doing a demand
(or doing it sooner) never lowers a street's score, and an escalation never raises
it (tests/streetindex/test_formula_properties.py). Ranks are shared on equal
scores (1, 2, 2, 4).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ratings.satisfaction import average_stars

COMPONENTS = (
    "bookings",
    "fulfilment",
    "no_shows",
    "satisfaction",
    "case_closing",
    "coverage",
    "demands_on_time",
    "escalations",
)

COMPONENT_LABELS = {
    "bookings": _("Bookings per 1,000 residents"),
    "fulfilment": _("Fulfilment"),
    "no_shows": _("Showing up"),
    "satisfaction": _("Satisfaction"),
    "case_closing": _("Closing follow-up cases"),
    "coverage": _("10-minute service circle"),
    "demands_on_time": _("Demands closed on time"),
    "escalations": _("Few escalations"),
}

# A closed follow-up case earns this share of its credit for being closed at all, the rest for how fast.
CLOSING_CREDIT = 0.5
# A grid demand done late, or sent back, earns this; done within its deadlines, 1; left past them, 0.
DEMAND_LATE_CREDIT = 0.5

# Why a component has no value: the only reasons there are, none of them something a street left undone.
MISSING_REASONS = {
    "no_population": _("the number of residents is not known"),
    "no_bookings": _("no street at this level has bookings to compare with"),
    "no_ended_bookings": _("no booking has ended in the period"),
    "few_ratings": _("fewer ratings than the minimum sample"),
    "no_cases": _("no follow-up case was opened"),
    "no_cells": _("the service circle has not been computed"),
    "no_demands": _("no demand was opened"),
    "no_matters": _("no matter was opened"),
    "not_in_formula": _("not part of the formula when this period was computed"),
}


@dataclass(frozen=True)
class Formula:
    weights: dict
    min_sample: int
    min_bookings: int
    min_ranked_streets: int
    case_target_hours: int

    @classmethod
    def from_settings(cls):
        return cls(
            weights=dict(settings.INDEX_WEIGHTS),
            min_sample=settings.SATISFACTION_MIN_SAMPLE,
            min_bookings=settings.INDEX_MIN_BOOKINGS,
            min_ranked_streets=settings.INDEX_MIN_RANKED_STREETS,
            case_target_hours=settings.INDEX_CASE_TARGET_HOURS,
        )

    @classmethod
    def of_run(cls, run):
        """The formula a stored run was computed with."""
        return cls(
            weights=dict(run.weights),
            min_sample=run.min_sample,
            min_bookings=run.min_bookings,
            min_ranked_streets=run.min_ranked_streets,
            case_target_hours=run.case_target_hours,
        )


@dataclass(frozen=True)
class Inputs:
    """What was counted for one street, community or provider in one period."""

    bookings: int = 0
    ended_bookings: int = 0
    checked_in: int = 0
    no_shows: int = 0
    provider_cancelled: int = 0  # places of ended slots the provider cancelled
    distribution: tuple = (0, 0, 0, 0, 0)  # visible ratings with 1, 2, 3, 4, 5 stars
    close_hours: tuple = ()  # hours each closed follow-up case (resolved or lapsed) took
    open_hours: tuple = ()  # hours each case still within its deadline has been open, at the computation
    failed_cases: int = 0  # cases unanswered past their deadline, or closed as not resolved
    population: int | None = None
    coverage_cells: int = 0
    covered_cells: int = 0
    # Grid demands opened in the period, by what each earns (``demand_credit``).
    demands_on_time: int = 0  # done within its deadlines, or still within them and never late
    demands_late: int = 0  # done late, or still within a new deadline after being late
    demands_returned: int = 0  # sent back by the organisation
    demands_failed: int = 0  # open past its deadline, or closed by a supervisor's finding
    matters_opened: int = 0  # matters of any kind given to the organisations in the period
    matters_escalated: int = 0  # of those, the ones supervision escalated at least once


@dataclass
class Result:
    components: dict = field(default_factory=dict)
    score: Decimal | None = None
    rank: int | None = None
    unranked_reason: str = ""  # an IndexFigure.Unranked code


def ratio(part, whole):
    return part / whole if whole else None


def bookings_per_thousand(bookings, population):
    return 1000 * bookings / population if population else None


def places_booked(ended_bookings, provider_cancelled=0):
    """Fulfilment's denominator: a resident's own cancellation is their choice, the provider's is not."""
    return ended_bookings + provider_cancelled


def fulfilment(checked_in, ended_bookings, provider_cancelled=0):
    return ratio(checked_in, places_booked(ended_bookings, provider_cancelled))


def no_show_rate(no_shows, ended_bookings):
    return ratio(no_shows, ended_bookings)


def ratings_count(distribution):
    return sum(distribution)


def median_close_hours(close_hours):
    return median(close_hours) if close_hours else None


def case_credit(hours, target_hours):
    """What one follow-up case closed after ``hours`` earns, from ``CLOSING_CREDIT`` (closed, however late)
    to 1 (closed at once); a failed case earns 0."""
    return CLOSING_CREDIT + (1 - CLOSING_CREDIT) * max(0, 1 - hours / target_hours)


def case_closing(close_hours, open_hours, failed_cases, target_hours):
    """The mean credit of every case opened (0 to 1), ``None`` when none was: closed ones by their hours,
    those still within their deadline as if they closed now, failed ones 0."""
    count = len(close_hours) + len(open_hours) + failed_cases
    if not count:
        return None
    return sum(case_credit(hours, target_hours) for hours in (*close_hours, *open_hours)) / count


def demands_opened(on_time, late, returned, failed):
    return on_time + late + returned + failed


def demand_credit(on_time, late, returned, failed):
    """The mean credit of every grid demand opened (0 to 1), ``None`` when none was: 1 each done (or still
    within its deadlines) never late, ``DEMAND_LATE_CREDIT`` each done late or sent back, 0 each failed."""
    count = demands_opened(on_time, late, returned, failed)
    if not count:
        return None
    return (on_time + DEMAND_LATE_CREDIT * (late + returned)) / count


def not_escalated(matters_opened, matters_escalated):
    """1 − escalated / opened, over the same matters (so at least 0); ``None`` when no matter was opened."""
    share = ratio(matters_escalated, matters_opened)
    return None if share is None else 1 - min(1, share)


def why_missing(
    key,
    *,
    population,
    ended_bookings,
    places_booked,
    ratings,
    min_sample,
    cases,
    coverage_cells,
    demands=0,
    matters=0,
    computed=True,
):
    """The ``MISSING_REASONS`` code of a component that has no value, from the counts it is computed from
    (``computed``: whether the component was part of the formula the figure was computed with)."""
    if not computed:
        return "not_in_formula"
    """The ``MISSING_REASONS`` code of a component that has no value, from the counts it is computed from."""
    if key == "bookings":
        return "no_population" if not population else "no_bookings"
    if key == "fulfilment":
        return "no_ended_bookings" if not places_booked else None
    if key == "no_shows":
        return "no_ended_bookings" if not ended_bookings else None
    if key == "satisfaction":
        return "few_ratings" if not ratings or ratings < min_sample else None
    if key == "case_closing":
        return "no_cases" if not cases else None
    if key == "coverage":
        return "no_cells" if not coverage_cells else None
    if key == "demands_on_time":
        return "no_demands" if not demands else None
    if key == "escalations":
        return "no_matters" if not matters else None
    return None


def coverage_share(covered_cells, coverage_cells):
    return ratio(covered_cells, coverage_cells)


def round_half_up(value, places="0.1"):
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def components(inputs, formula, best_bookings_per_thousand):
    """Each component from 0 to 100, or ``None`` when its input does not exist."""

    def percent(value):
        return None if value is None else 100 * value

    per_thousand = bookings_per_thousand(inputs.bookings, inputs.population)
    shown_rate = no_show_rate(inputs.no_shows, inputs.ended_bookings)
    stars = average_stars(inputs.distribution, formula.min_sample)
    closing = case_closing(inputs.close_hours, inputs.open_hours, inputs.failed_cases, formula.case_target_hours)
    return {
        "bookings": percent(
            min(1, per_thousand / best_bookings_per_thousand)
            if per_thousand is not None and best_bookings_per_thousand
            else None
        ),
        "fulfilment": percent(fulfilment(inputs.checked_in, inputs.ended_bookings, inputs.provider_cancelled)),
        "no_shows": percent(None if shown_rate is None else 1 - shown_rate),
        "satisfaction": percent(None if stars is None else (stars - 1) / 4),
        "case_closing": percent(closing),
        "coverage": percent(coverage_share(inputs.covered_cells, inputs.coverage_cells)),
        "demands_on_time": percent(
            demand_credit(inputs.demands_on_time, inputs.demands_late, inputs.demands_returned, inputs.demands_failed)
        ),
        "escalations": percent(not_escalated(inputs.matters_opened, inputs.matters_escalated)),
    }


def score(parts, weights):
    """The weighted mean of the components that exist, to one decimal; ``None`` if none does."""
    present = [(weights.get(name, 0), value) for name, value in parts.items() if value is not None]
    total_weight = sum(weight for weight, _value in present)
    if not total_weight:
        return None
    return round_half_up(sum(weight * value for weight, value in present) / total_weight)


def shared_ranks(scores):
    """``{key: rank}`` from ``{key: score}``, highest first; equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in scores.items()}


def evaluate(inputs_by_key, formula, rank=True):
    """Components, score and (for streets) rank of every key; and whether the period could be ranked.

    A key is ranked only with at least ``formula.min_bookings`` ended bookings
    and a known population; the period is ranked only when at least
    ``formula.min_ranked_streets`` keys are. Bookings per 1,000 residents is
    scored against the best of the keys given that have the minimum ended
    bookings (a key above that best scores 100), so evaluate peers together.
    """
    # The best is taken among keys with the minimum sample, so a street with a handful of
    # bookings and few residents cannot set the bar for everyone (the rest, if none qualifies).
    per_thousand = {
        key: bookings_per_thousand(inputs.bookings, inputs.population) for key, inputs in inputs_by_key.items()
    }
    known = {key: value for key, value in per_thousand.items() if value is not None}
    sampled = [value for key, value in known.items() if inputs_by_key[key].ended_bookings >= formula.min_bookings]
    best = max(sampled or known.values(), default=None)
    results = {}
    for key, inputs in inputs_by_key.items():
        parts = components(inputs, formula, best)
        results[key] = Result(components=parts, score=score(parts, formula.weights))
    if not rank:
        return results, False
    eligible = {}
    for key, inputs in inputs_by_key.items():
        result = results[key]
        if inputs.ended_bookings < formula.min_bookings:
            result.unranked_reason = "few_bookings"
        elif not inputs.population:
            result.unranked_reason = "no_population"
        elif result.score is None:
            result.unranked_reason = "no_figure"
        else:
            eligible[key] = result.score
    ranked = len(eligible) >= formula.min_ranked_streets
    if ranked:
        for key, position in shared_ranks(eligible).items():
            results[key].rank = position
    return results, ranked

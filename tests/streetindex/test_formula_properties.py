"""Property-based: no street gains by doing less (issue 22 item 3).

All else equal, answering a follow-up case, answering it sooner, checking a
resident in, or doing a grid demand (or doing it in time) never lowers a street's
score; an escalation never raises it, and neither does taking fewer matters.
Deterministic (derandomized) and modest, so it runs in seconds.
"""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streetindex.formula import Formula, Inputs, evaluate

FORMULA = Formula(
    weights={
        "bookings": 15,
        "fulfilment": 15,
        "no_shows": 10,
        "satisfaction": 20,
        "case_closing": 10,
        "coverage": 15,
        "demands_on_time": 10,
        "escalations": 5,
    },
    min_sample=3,
    min_bookings=5,
    min_ranked_streets=2,
    case_target_hours=72,
)
PROPERTY = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOURS = st.floats(min_value=0, max_value=300, allow_nan=False, allow_infinity=False)

# Two neighbours the street is scored beside (bookings per 1,000 is against the best of the level).
PEERS = {
    "peer_a": Inputs(
        bookings=30,
        ended_bookings=30,
        checked_in=25,
        no_shows=3,
        distribution=(1, 1, 2, 3, 4),
        close_hours=(20, 90),
        population=6000,
        coverage_cells=8,
        covered_cells=5,
        demands_on_time=4,
        demands_failed=1,
        matters_opened=9,
        matters_escalated=1,
    ),
    "peer_b": Inputs(
        bookings=12,
        ended_bookings=10,
        checked_in=9,
        no_shows=1,
        failed_cases=1,
        population=3000,
        coverage_cells=4,
        covered_cells=4,
    ),
}


@st.composite
def streets(draw):
    ended = draw(st.integers(0, 60))
    checked_in = draw(st.integers(0, ended))
    no_shows = draw(st.integers(0, ended - checked_in))
    cells = draw(st.integers(0, 12))
    return Inputs(
        bookings=ended + draw(st.integers(0, 10)),
        ended_bookings=ended,
        checked_in=checked_in,
        no_shows=no_shows,
        provider_cancelled=draw(st.integers(0, 5)),
        distribution=tuple(draw(st.lists(st.integers(0, 6), min_size=5, max_size=5))),
        close_hours=tuple(draw(st.lists(HOURS, max_size=6))),
        open_hours=tuple(draw(st.lists(HOURS, max_size=4))),
        failed_cases=draw(st.integers(0, 5)),
        population=draw(st.one_of(st.none(), st.integers(500, 20000))),
        coverage_cells=cells,
        covered_cells=draw(st.integers(0, cells)),
        demands_on_time=draw(st.integers(0, 6)),
        demands_late=draw(st.integers(0, 4)),
        demands_returned=draw(st.integers(0, 3)),
        demands_failed=draw(st.integers(0, 4)),
        matters_opened=(matters := draw(st.integers(0, 20))),
        matters_escalated=draw(st.integers(0, matters)),
    )


def score_of(street):
    results, _ranked = evaluate({**PEERS, "street": street}, FORMULA)
    return results["street"].score


def assert_not_lower(before, after):
    old, new = score_of(before), score_of(after)
    assert old is None or (new is not None and new >= old), (before, after, old, new)


@PROPERTY
@given(streets(), HOURS)
def test_answering_a_case_left_unanswered_past_its_deadline_never_lowers_the_score(street, hours):
    if not street.failed_cases:
        street = replace(street, failed_cases=1)
    answered = replace(street, failed_cases=street.failed_cases - 1, close_hours=(*street.close_hours, hours))
    assert_not_lower(street, answered)


@PROPERTY
@given(streets(), st.data())
def test_answering_a_case_within_its_deadline_never_lowers_the_score(street, data):
    if not street.open_hours:
        street = replace(street, open_hours=(data.draw(HOURS),))
    index = data.draw(st.integers(0, len(street.open_hours) - 1))
    waited = street.open_hours[index]
    # It closes at the latest now, so after at most the hours it has been open.
    took = data.draw(st.floats(min_value=0, max_value=waited, allow_nan=False))
    rest = street.open_hours[:index] + street.open_hours[index + 1 :]
    assert_not_lower(street, replace(street, open_hours=rest, close_hours=(*street.close_hours, took)))


@PROPERTY
@given(streets(), st.data())
def test_answering_a_case_sooner_never_lowers_the_score(street, data):
    if not street.close_hours:
        street = replace(street, close_hours=(data.draw(HOURS),))
    index = data.draw(st.integers(0, len(street.close_hours) - 1))
    sooner = data.draw(st.floats(min_value=0, max_value=street.close_hours[index], allow_nan=False))
    close_hours = list(street.close_hours)
    close_hours[index] = sooner
    assert_not_lower(street, replace(street, close_hours=tuple(close_hours)))


@PROPERTY
@given(streets(), st.booleans())
def test_checking_a_resident_in_never_lowers_the_score(street, was_marked_no_show):
    if was_marked_no_show and street.no_shows:
        # A visit marked a no-show by mistake, corrected: checked in.
        checked = replace(street, checked_in=street.checked_in + 1, no_shows=street.no_shows - 1)
    elif street.checked_in + street.no_shows < street.ended_bookings:
        # A visit left unmarked, checked in.
        checked = replace(street, checked_in=street.checked_in + 1)
    else:
        return
    assert_not_lower(street, checked)


@PROPERTY
@given(streets(), st.booleans())
def test_doing_a_demand_left_past_its_deadline_never_lowers_the_score(street, in_time_after_all):
    if not street.demands_failed:
        street = replace(street, demands_failed=1)
    # Done late (escalated for lateness) or, with a new deadline from the supervisor, in time.
    done = replace(street, demands_failed=street.demands_failed - 1)
    if in_time_after_all:
        done = replace(done, demands_on_time=done.demands_on_time + 1)
    else:
        done = replace(done, demands_late=done.demands_late + 1)
    assert_not_lower(street, done)


@PROPERTY
@given(streets())
def test_doing_a_demand_in_time_rather_than_late_never_lowers_the_score(street):
    if not street.demands_late:
        street = replace(street, demands_late=1)
    sooner = replace(street, demands_late=street.demands_late - 1, demands_on_time=street.demands_on_time + 1)
    assert_not_lower(street, sooner)


@PROPERTY
@given(streets(), st.sampled_from(["demands_late", "demands_on_time"]))
def test_doing_a_demand_never_scores_below_sending_it_back(street, done_as):
    if not street.demands_returned:
        street = replace(street, demands_returned=1)
    done = replace(street, demands_returned=street.demands_returned - 1, **{done_as: getattr(street, done_as) + 1})
    assert_not_lower(street, done)


@PROPERTY
@given(streets())
def test_an_escalation_never_raises_the_score(street):
    if street.matters_escalated >= street.matters_opened:
        street = replace(street, matters_opened=street.matters_escalated + 1)
    escalated = replace(street, matters_escalated=street.matters_escalated + 1)
    assert_not_lower(escalated, street)


@PROPERTY
@given(streets())
def test_a_matter_handled_without_escalation_never_lowers_the_score(street):
    # So a street never gains by taking fewer matters: one more, not escalated, can only help.
    assert_not_lower(street, replace(street, matters_opened=street.matters_opened + 1))

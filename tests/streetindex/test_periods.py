from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from streetindex.periods import MONTH, QUARTER, default_periods, local_today, month_of, parse_period, quarter_of


def local(*args):
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


def test_a_month_and_its_label():
    period = parse_period("2026-02")
    assert (period.granularity, period.start, period.end, period.label) == (
        MONTH,
        date(2026, 2, 1),
        date(2026, 2, 28),
        "2026-02",
    )
    assert parse_period("2028-02").end == date(2028, 2, 29)
    assert parse_period("2026-12").end == date(2026, 12, 31)


def test_a_quarter_and_its_label():
    period = parse_period("2026-q4")
    assert (period.granularity, period.start, period.end, period.label) == (
        QUARTER,
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026-Q4",
    )
    assert parse_period(" 2026-Q1 ").end == date(2026, 3, 31)


@pytest.mark.parametrize(
    "text", ["", None, "2026", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "1999-01", "26-11", "2026-11-01", "abc"]
)
def test_anything_else_is_no_period(text):
    assert parse_period(text) is None


def test_bounds_are_local_midnights():
    start, end = parse_period("2026-11").bounds()
    assert start == local(2026, 11, 1)
    assert end == local(2026, 12, 1)
    # Kunming keeps Beijing time (UTC+8): the month starts at 16:00 UTC on the last day before it.
    assert start == datetime(2026, 10, 31, 16, tzinfo=UTC)


def test_previous_crosses_the_year():
    assert month_of(date(2026, 1, 15)).previous().label == "2025-12"
    assert quarter_of(date(2026, 2, 1)).previous().label == "2025-Q4"


def test_default_periods_are_the_running_and_previous_month_and_quarter():
    labels = [period.label for period in default_periods(local(2026, 11, 27, 2, 30))]
    assert labels == ["2026-11", "2026-10", "2026-Q4", "2026-Q3"]


def test_today_is_the_local_day():
    # 23:30 UTC on 30 Nov is already 1 Dec in Kunming (UTC+8).
    assert local_today(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)

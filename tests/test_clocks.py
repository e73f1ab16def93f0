"""The clocks the tests run on instead of skipping: ``daytime`` for the tests of "today", and the live
app's (tests/browser/clock.py), pinned to a working day's morning by the official calendar."""

import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.browser import clock
from tests.conftest import later_today

ZONE = clock.ZONE


def test_daytime_is_ten_in_the_morning_of_today_and_runs_on(daytime):
    first = timezone.localtime(timezone.now(), ZONE)
    time.sleep(0.01)

    assert (first.hour, first.minute) == (10, 0)
    assert timezone.now() > first
    assert timezone.localtime(timezone.now(), ZONE).date() == first.date()
    assert later_today() == timedelta(hours=1)


def test_later_today_late_in_the_evening_fails_and_names_the_fixture_instead_of_skipping():
    with time_machine.travel(datetime(2026, 12, 4, 23, 50, tzinfo=ZONE)):
        with pytest.raises(pytest.fail.Exception, match="daytime"):
            later_today()


def test_the_live_app_runs_on_today_when_it_is_a_working_day():
    assert clock.working_day(date(2026, 12, 4)) == date(2026, 12, 4)  # a Friday
    assert clock.working_day(date(2026, 2, 14)) == date(2026, 2, 14)  # a Saturday, a make-up workday (调休)


def test_else_on_the_next_working_day():
    assert clock.working_day(date(2026, 12, 5)) == date(2026, 12, 7)  # Saturday: the Monday after
    assert clock.working_day(date(2026, 2, 15)) == date(2026, 2, 24)  # 春节 2026 (15–23 Feb)
    assert clock.working_day(date(2026, 10, 1)) == date(2026, 10, 8)  # 国庆节 (1–7 Oct)


def test_the_clock_is_pinned_to_ten_in_the_morning_local_time():
    late_on_friday = datetime(2026, 12, 4, 23, 50, tzinfo=ZONE).timestamp()
    on_new_years_day = datetime(2027, 1, 1, 0, 5, tzinfo=ZONE).timestamp()  # 元旦, a Friday

    assert clock.pinned_offset(late_on_friday) == -timedelta(hours=13, minutes=50).total_seconds()
    pinned = datetime.fromtimestamp(on_new_years_day + clock.pinned_offset(on_new_years_day), ZONE)
    assert pinned == datetime(2027, 1, 4, 10, tzinfo=ZONE)


def test_a_command_runs_on_the_pinned_clock(tmp_path):
    script = tmp_path / "now.py"
    script.write_text("import sys, time\nprint(time.time(), sys.argv[1:])\n")
    offset = -timedelta(hours=13, minutes=50).total_seconds()

    before = time.time()
    printed = subprocess.run(
        [sys.executable, "-m", "tests.browser.clock", repr(offset), str(script), "--an", "argument"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(" ", 1)
    after = time.time()

    assert before + offset <= float(printed[0]) <= after + offset
    assert printed[1].strip() == "['--an', 'argument']"

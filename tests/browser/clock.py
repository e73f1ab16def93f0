"""The live app's clock: 10:00 in Asia/Shanghai on a working day, whenever the browser tests run.

The journeys book a slot later today and check it in. Late in the evening there
is no "later today", and on a public holiday the weekly plans make no slots at
all, so the live app does not read the real clock: the migration and seeding
(``live_app.build``), each server and its task worker (``live_app.serve``) and
the test itself (``travel``) run on one clock, ``offset`` seconds from the real
one, chosen once per run by ``pinned_offset``: 10:00 local time on today's date
if the official calendar makes today a working day, else on the next working
day, and running on from there as any clock does.

    python -m tests.browser.clock OFFSET manage.py runserver …

runs a command of the project on that clock (time-machine moves the process's
clock; a child process it starts would read the real one).
"""

import runpy
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Asia/Shanghai")
OPENING = 10  # o'clock: the demo's services are open, and most of their day is still ahead
SATURDAY = 5


def official_calendar():
    """{date: (kind, weekday it works as)} of the holidays and make-up workdays (调休) the demo database
    knows: its calendar comes from this migration, the product's own data."""
    days = import_module("providers.migrations.0010_official_calendar_2026_2027").DAYS
    return {day: (kind, weekday) for day, kind, weekday, _name in days}


def working_day(day, calendar=None):
    """``day`` if it is a working day, else the next one: Monday to Friday unless a public holiday,
    and the make-up workdays that fall on a weekend."""
    calendar = official_calendar() if calendar is None else calendar
    while True:
        kind, _works_as = calendar.get(day, (None, None))
        if kind == "makeup_workday" or (kind != "holiday" and day.weekday() < SATURDAY):
            return day
        day += timedelta(days=1)


def pinned_offset(now=None):
    """Seconds from the real clock (``now``, a timestamp) to 10:00 local time on the working day of today."""
    now = time.time() if now is None else now
    day = working_day(datetime.fromtimestamp(now, ZONE).date())
    return datetime(day.year, day.month, day.day, OPENING, tzinfo=ZONE).timestamp() - now


@contextmanager
def travel(offset):
    """This process on the clock ``offset`` seconds from the real one, until the block ends."""
    with time_machine.travel(time.time() + offset, tick=True):
        # time-machine sets its clock running at the first reading: now, so that it keeps pace with the others.
        time.time()
        yield


def main(offset, *command):
    """Run ``command`` (a script of the project and its arguments) as ``python`` would, on the clock ``offset``."""
    sys.argv = list(command)
    sys.path.insert(0, str(ROOT))
    with travel(float(offset)):
        runpy.run_path(command[0], run_name="__main__")


if __name__ == "__main__":
    main(*sys.argv[1:])

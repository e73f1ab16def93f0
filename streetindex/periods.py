"""Index periods: a calendar month (``2026-11``) or quarter (``2026-Q4``) in the site's time zone."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MONTH = "month"
QUARTER = "quarter"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    granularity: str
    start: date  # first day
    end: date  # last day

    @property
    def label(self):
        if self.granularity == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    def bounds(self):
        """[start, end) as aware datetimes at local midnight."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    def previous(self):
        return (
            month_of(self.start - timedelta(days=1))
            if self.granularity == MONTH
            else quarter_of(self.start - timedelta(days=1))
        )


def _last_day(year, month):
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_of(day):
    return Period(MONTH, day.replace(day=1), _last_day(day.year, day.month))


def quarter_of(day):
    first_month = (day.month - 1) // 3 * 3 + 1
    return Period(QUARTER, date(day.year, first_month, 1), _last_day(day.year, first_month + 2))


def parse_period(text):
    """The period named ``2026-11`` or ``2026-Q4``; ``None`` for anything else."""
    text = (text or "").strip()
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        return month_of(date(year, month, 1)) if 1 <= month <= 12 and year >= 2000 else None
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        return quarter_of(date(year, quarter * 3 - 2, 1)) if year >= 2000 else None
    return None


def local_today(now=None):
    return timezone.localtime(now or timezone.now(), timezone.get_default_timezone()).date()


def default_periods(now=None):
    """What the nightly run computes: the running and the previous month and quarter."""
    today = local_today(now)
    month, quarter = month_of(today), quarter_of(today)
    return [month, month.previous(), quarter, quarter.previous()]

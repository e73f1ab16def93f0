"""Working days (工作日) by the official calendar: weekends off, public holidays off, make-up workdays on.

A matter's deadline is "N working days": the end of the N-th working day after
the day the clock starts (the law's "自收到申请之日起七个工作日内": the day of
receipt is not counted). Holidays and make-up workdays (调休) are data, the
``CalendarDay`` rows an administrator enters each year.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from providers.models import CalendarDay

# Wider than any run of non-working days the calendar can hold (the longest, 春节 with its
# weekends, is 9 days): a window this size always holds the N working days looked for.
SLACK_DAYS = 21


def local_zone():
    return timezone.get_default_timezone()


def local_day(moment):
    return timezone.localtime(moment, local_zone()).date()


def calendar_between(first, last):
    """The special days from ``first`` to ``last``, by date."""
    return {day.date: day.kind for day in CalendarDay.objects.filter(date__gte=first, date__lte=last)}


def is_working_day(day, calendar):
    kind = calendar.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.MAKEUP_WORKDAY:
        return True
    return day.weekday() < 5


def nth_working_day_after(day, count, calendar=None):
    """The ``count``-th working day after ``day`` (``day`` itself not counted); ``count`` 0 is ``day``."""
    if count <= 0:
        return day
    if calendar is None:
        calendar = calendar_between(day, day + timedelta(days=count * 2 + SLACK_DAYS))
    found = 0
    while True:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            found += 1
            if found == count:
                return day


def end_of(day):
    """The deadline at the end of ``day``: the first moment of the next local day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone())


def deadline(start, working_days, calendar=None):
    """The moment ``working_days`` working days after ``start`` (a datetime) end."""
    return end_of(nth_working_day_after(local_day(start), working_days, calendar))


def working_days_between(first, last, calendar=None):
    """How many working days lie after ``first`` up to and including ``last`` (dates); 0 if none."""
    if last <= first:
        return 0
    if calendar is None:
        calendar = calendar_between(first, last)
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day, calendar)
    return count

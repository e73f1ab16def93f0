"""Working days (工作日) by the official calendar: weekends off, public holidays off, make-up workdays on.

A matter's deadline is "N working days": the end of the N-th working day after
the day the clock starts (the law's "自收到申请之日起七个工作日内": the day of
receipt is not counted). Holidays and make-up workdays (调休) are data, the
``CalendarDay`` rows an administrator enters each year.

The calendar is read one year at a time and kept in the default cache
(``calendar_of_year``): a deadline costs no query once its years have been
read. Saving or deleting a ``CalendarDay`` forgets its year at once (and again
when the transaction commits); another process whose cache is its own (the
default local-memory cache) reads the change within ``CALENDAR_CACHE_SECONDS``.
``QuerySet.update()`` and ``bulk_create()`` send no signals: after them, call
``forget_calendar()``.
"""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from providers.models import CalendarDay

# How long a process may keep a year of the calendar it read: the longest another process's
# change takes to reach it when the cache is per process (a shared cache forgets at once).
CALENDAR_CACHE_SECONDS = 300

# Wider than any run of non-working days the calendar can hold (the longest, 春节 with its
# weekends, is 9 days): a window this size always holds the N working days looked for.
SLACK_DAYS = 21


def local_zone():
    return timezone.get_default_timezone()


def local_day(moment):
    return timezone.localtime(moment, local_zone()).date()


def _cache_key(year):
    return f"matters:workdays:calendar:{year}"


def calendar_from_database(first, last):
    """The special days from ``first`` to ``last``, by date, read now (one query)."""
    return dict(CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "kind"))


def calendar_of_year(year):
    """The special days of ``year``, by date: one query, then from the cache."""
    key = _cache_key(year)
    days = cache.get(key)
    if days is None:
        first = datetime(year, 1, 1).date()
        days = calendar_from_database(first, first.replace(month=12, day=31))
        cache.set(key, days, CALENDAR_CACHE_SECONDS)
    return days


def calendar_between(first, last):
    """The special days of the years from ``first`` to ``last`` (at least those between them), by date."""
    calendar = {}
    for year in range(first.year, last.year + 1):
        calendar.update(calendar_of_year(year))
    return calendar


def forget_calendar(*years):
    """Read these years (every year cached, if none is named) again from the database next time."""
    if years:
        cache.delete_many([_cache_key(year) for year in years])
    else:
        cache.delete_many([_cache_key(year) for year in range(1990, 2100)])


def _forget_day(sender, instance, **kwargs):
    years = {instance.date.year} if hasattr(instance.date, "year") else set()
    years.update(getattr(instance, "_workdays_old_years", ()))
    if not years:
        forget_calendar()
        return
    forget_calendar(*years)
    # A reader in another thread may cache the old rows before this transaction commits.
    transaction.on_commit(lambda: forget_calendar(*years), using=kwargs.get("using"))


def _remember_old_year(sender, instance, **kwargs):
    """A day moved to another date: its old year must be forgotten too."""
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).values_list("date", flat=True).first()
        instance._workdays_old_years = {old.year} if old is not None else set()


def connect_signals():
    """Called from the app's ready(): the calendar's changes reach every process that computes deadlines."""
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(_remember_old_year, sender=CalendarDay, dispatch_uid="matters-workdays-old-year")
    post_save.connect(_forget_day, sender=CalendarDay, dispatch_uid="matters-workdays-save")
    post_delete.connect(_forget_day, sender=CalendarDay, dispatch_uid="matters-workdays-delete")


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


def last_day(deadline_moment):
    """The day to print for a deadline: the last day it allows (a deadline is the first moment after it)."""
    return local_day(deadline_moment - timedelta(microseconds=1)) if deadline_moment else None


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

"""Working-day deadlines by the official calendar (holidays and make-up workdays as data)."""

from datetime import date, datetime

import pytest

from marketplace.matters import workdays
from providers.models import CalendarDay

pytestmark = pytest.mark.django_db


def holiday(day, name="节"):
    CalendarDay.objects.update_or_create(date=day, defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": name})


def makeup(day, weekday):
    CalendarDay.objects.update_or_create(
        date=day, defaults={"kind": CalendarDay.Kind.MAKEUP_WORKDAY, "works_as_weekday": weekday, "name": "调休"}
    )


def test_a_week_without_special_days_skips_the_weekend():
    CalendarDay.objects.all().delete()
    # Thursday 2030-01-10: 3 working days later is Tuesday (Fri, Mon, Tue).
    assert workdays.nth_working_day_after(date(2030, 1, 10), 3) == date(2030, 1, 15)


def test_the_day_the_clock_starts_is_not_counted_even_on_a_working_day():
    CalendarDay.objects.all().delete()
    assert workdays.nth_working_day_after(date(2030, 1, 7), 1) == date(2030, 1, 8)


def test_holidays_are_skipped_and_make_up_workdays_count():
    CalendarDay.objects.all().delete()
    for day in range(1, 4):  # Tue 1 Oct to Thu 3 Oct off
        holiday(date(2030, 10, day))
    makeup(date(2030, 10, 5), weekday=3)  # Saturday works as a Thursday
    # From Monday 30 Sep: 4 Oct (Fri), 5 Oct (Sat, make-up), 7 Oct (Mon).
    assert workdays.nth_working_day_after(date(2030, 9, 30), 3) == date(2030, 10, 7)


def test_across_the_year_end_with_new_year_off():
    CalendarDay.objects.all().delete()
    holiday(date(2030, 1, 1))
    # From Friday 27 Dec 2029: Mon 30, Tue 31, (1 Jan off), Thu 2, Fri 3, Mon 6, Tue 7, Wed 8.
    assert workdays.nth_working_day_after(date(2029, 12, 27), 7) == date(2030, 1, 8)


def test_the_deadline_is_the_end_of_the_last_working_day_in_local_time():
    CalendarDay.objects.all().delete()
    zone = workdays.local_zone()
    # Submitted on a Saturday evening: Monday is the first working day counted.
    due = workdays.deadline(datetime(2030, 1, 12, 22, 30, tzinfo=zone), 1)
    assert due == datetime(2030, 1, 15, 0, 0, tzinfo=zone)


def test_counting_working_days_between_two_dates():
    CalendarDay.objects.all().delete()
    holiday(date(2030, 1, 1))
    assert workdays.working_days_between(date(2029, 12, 27), date(2030, 1, 8)) == 7
    assert workdays.working_days_between(date(2030, 1, 8), date(2030, 1, 8)) == 0


def test_a_deadline_reads_the_calendar_once_per_year_then_asks_the_database_nothing(django_assert_num_queries):
    workdays.forget_calendar()
    with django_assert_num_queries(2):  # from Christmas 2026, the window reaches into 2027
        workdays.deadline(datetime(2026, 12, 24, 10, tzinfo=workdays.local_zone()), 7)
    with django_assert_num_queries(0):
        for day in range(1, 32):
            workdays.deadline(datetime(2026, 12, day, 10, tzinfo=workdays.local_zone()), 7)
        assert workdays.working_days_between(date(2026, 12, 1), date(2027, 1, 31)) > 0


def test_a_holiday_entered_after_the_year_was_read_moves_the_next_deadline():
    CalendarDay.objects.all().delete()
    monday = datetime(2030, 6, 3, 10, tzinfo=workdays.local_zone())
    assert workdays.nth_working_day_after(date(2030, 6, 3), 1) == date(2030, 6, 4)  # the year is read and kept
    holiday(date(2030, 6, 4), "端午节")
    assert workdays.deadline(monday, 1) == datetime(2030, 6, 6, tzinfo=workdays.local_zone())  # Wednesday's end
    CalendarDay.objects.filter(date=date(2030, 6, 4)).delete()
    assert workdays.nth_working_day_after(date(2030, 6, 3), 1) == date(2030, 6, 4)


def test_a_day_moved_to_another_year_is_forgotten_in_both():
    CalendarDay.objects.all().delete()
    holiday(date(2030, 6, 4), "端午节")
    assert workdays.nth_working_day_after(date(2030, 6, 3), 1) == date(2030, 6, 5)
    assert workdays.nth_working_day_after(date(2031, 6, 2), 1) == date(2031, 6, 3)
    day = CalendarDay.objects.get(date=date(2030, 6, 4))
    day.date = date(2031, 6, 3)
    day.save()
    assert workdays.nth_working_day_after(date(2030, 6, 3), 1) == date(2030, 6, 4)
    assert workdays.nth_working_day_after(date(2031, 6, 2), 1) == date(2031, 6, 4)


def test_the_official_calendar_across_national_day_the_spring_festival_and_the_year_end():
    # Migration providers 0010 loads the State Council's 2026 notice (and 1 Jan 2027).
    assert workdays.nth_working_day_after(date(2026, 9, 30), 7) == date(2026, 10, 15)  # Sat 10 Oct works
    assert workdays.nth_working_day_after(date(2026, 2, 13), 1) == date(2026, 2, 14)  # Sat 14 Feb works
    assert workdays.nth_working_day_after(date(2026, 2, 13), 7) == date(2026, 3, 2)  # 15–23 Feb off, 28 Feb works
    assert workdays.nth_working_day_after(date(2026, 12, 30), 7) == date(2027, 1, 11)  # 1 Jan 2027 off

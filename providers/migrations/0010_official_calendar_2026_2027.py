"""China's official public holidays and make-up workdays (调休) for 2026, and what is certain of 2027.

2026: the State Council General Office notice 国务院办公厅关于2026年部分节假日安排的通知
of 4 November 2025 (Xinhua, as reprinted by politics.gmw.cn/2025-11/04/content_38391083.htm),
checked day by day against the list below:
元旦 1–3 Jan, work Sun 4 Jan; 春节 15–23 Feb, work Sat 14 Feb and Sat 28 Feb;
清明节 4–6 Apr; 劳动节 1–5 May, work Sat 9 May; 端午节 19–21 Jun;
中秋节 25–27 Sep; 国庆节 1–7 Oct, work Sun 20 Sep and Sat 10 Oct.

The notice does not say which weekday's timetable a make-up workday follows.
``works_as_weekday`` is our choice: the weekday whose working day the make-up
day pays back (e.g. Sun 4 Jan stands in for Fri 2 Jan). Administrators can
change it in the admin.

2027: UNVERIFIED — the 2027 notice could not be found. Only the fixed-date
statutory days are loaded: 元旦 1 Jan, 劳动节 1 May, 国庆节 1–3 Oct. The lunar
holidays, the bridging days and the make-up workdays of 2027 must be entered
when the notice is published. (Since 2025 the national rules also make 2 May a
statutory day; it is not loaded here because it was not verified.)

Idempotent (update_or_create by date) and reversible (deletes exactly these dates).
"""

from datetime import date, timedelta

from django.db import migrations

HOLIDAY, MAKEUP = "holiday", "makeup_workday"
MON, TUE, WED, THU, FRI = range(5)


def span(first, last, name):
    day = first
    while day <= last:
        yield day, HOLIDAY, None, name
        day += timedelta(days=1)


DAYS = [
    # 2026, verified
    *span(date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 1, 4), MAKEUP, FRI, "元旦调休上班"),
    (date(2026, 2, 14), MAKEUP, FRI, "春节调休上班"),
    *span(date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 2, 28), MAKEUP, MON, "春节调休上班"),
    *span(date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    *span(date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 5, 9), MAKEUP, TUE, "劳动节调休上班"),
    *span(date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 20), MAKEUP, TUE, "国庆节调休上班"),
    *span(date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    *span(date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
    (date(2026, 10, 10), MAKEUP, WED, "国庆节调休上班"),
    # 2027, fixed statutory dates only (the notice is not verified)
    (date(2027, 1, 1), HOLIDAY, None, "元旦"),
    (date(2027, 5, 1), HOLIDAY, None, "劳动节"),
    *span(date(2027, 10, 1), date(2027, 10, 3), "国庆节"),
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("partner", "CalendarDay")
    for day, kind, weekday, name in DAYS:
        CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "works_as_weekday": weekday, "name": name}
        )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("partner", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, *_rest in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("partner", "0009_schedule_rule_calendar_day")]

    operations = [migrations.RunPython(load, unload)]

"""The booking's calendar file, read back as a calendar app would (RFC 5545)."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from catalog.services import add_offering, create_service
from marketplace.booking import services
from marketplace.notifications import ics
from providers.models import Slot


def unfold(text):
    """Content lines, unfolded and split into (name, value); checks the line rules on the way."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert "\n" not in "".join(physical) and "\r" not in "".join(physical)
    assert all(len(line.encode()) <= 75 for line in physical), [len(line.encode()) for line in physical]
    logical = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [tuple(line.split(":", 1)) for line in logical]


def unescape(value):
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            char = next(chars)
            out.append("\n" if char in "nN" else char)
        else:
            out.append(char)
    return "".join(out)


def event_of(text):
    lines = unfold(text)
    assert lines[0] == ("BEGIN", "VCALENDAR") and lines[-1] == ("END", "VCALENDAR")
    start, end = lines.index(("BEGIN", "VEVENT")), lines.index(("END", "VEVENT"))
    return dict(lines[:start]), {name: unescape(value) for name, value in lines[start + 1 : end]}


def utc(value):
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_a_booking_is_one_event_at_its_time_in_utc(settings, resident, morning_slot):
    settings.SITE_URL = "https://fuwu.panlong.example"
    booking = services.book(resident, morning_slot.pk)

    calendar, event = event_of(ics.booking_calendar(booking, url="https://fuwu.panlong.example/b/"))

    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert event["UID"] == f"{booking.code}@fuwu.panlong.example"
    assert event["SEQUENCE"] == "0"
    # 09:30 in Kunming (Asia/Shanghai, UTC+8) is 01:30 UTC the same day.
    local = timezone.localtime(morning_slot.starts_at, timezone.get_default_timezone())
    assert (local.hour, local.minute) == (9, 30)
    assert utc(event["DTSTART"]) == morning_slot.starts_at
    assert (utc(event["DTSTART"]).hour, utc(event["DTSTART"]).minute) == (1, 30)
    assert utc(event["DTEND"]) - utc(event["DTSTART"]) == timedelta(minutes=45)
    assert event["SUMMARY"] == "免费法律咨询"
    assert event["LOCATION"] == "拓东街道公共法律服务工作站, 盘龙区拓东路 12 号"
    assert booking.code in event["DESCRIPTION"]
    assert event["URL"] == "https://fuwu.panlong.example/b/"
    assert "DTSTAMP" in event


def test_commas_semicolons_backslashes_and_long_chinese_text_survive_the_round_trip(
    resident, sector, provider, make_slot
):
    title = "法律咨询; 调解, 公证\\继承：" + "婚姻家庭劳动争议邻里纠纷" * 3
    provider.address = "盘龙区拓东路 12 号, 金马社区; 二楼\\东侧"
    provider.save()
    slot = make_slot(add_offering(create_service(title, sector), provider))
    booking = services.book(resident, slot.pk)

    text = ics.booking_calendar(booking)
    _calendar, event = event_of(text)

    assert event["SUMMARY"] == title
    assert event["LOCATION"] == f"{provider.name}, {provider.address}"
    # Folding never cuts a Chinese character in two: every physical line is valid UTF-8 on its own.
    for line in text.split("\r\n"):
        line.encode().decode()
    assert "\r\n " in text


def test_a_moved_booking_keeps_its_uid_with_a_higher_sequence(resident, slot, make_slot, offering):
    booking = services.book(resident, slot.pk)
    _calendar, first = event_of(ics.booking_calendar(booking))
    later = make_slot(offering, starts_in=timedelta(days=2))
    booking.slot = Slot.objects.get(pk=later.pk)

    _calendar, moved = event_of(ics.booking_calendar(booking, sequence=7))

    assert moved["UID"] == first["UID"]
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    assert utc(moved["DTSTART"]) == later.starts_at

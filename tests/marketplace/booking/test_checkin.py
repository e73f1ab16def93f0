import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from marketplace.answers import status_for
from marketplace.booking import services
from marketplace.booking.models import Booking
from tests.conftest import ended_booking, needs_postgres

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


def test_check_in_on_the_day_shows_in_the_order(staff, today_booking):
    booking = services.check_in(staff, today_booking.code)

    assert booking.status == "checked_in"
    today_booking.refresh_from_db()
    assert today_booking.status == "checked_in"
    assert today_booking.line.status == "checked_in"
    assert today_booking.order.status == "checked_in"
    assert today_booking.order.status_changes.filter(new_status="checked_in").count() == 1


def test_code_is_found_whatever_the_case_and_spaces(staff, today_booking):
    typed = f" {today_booking.code[:4].lower()} {today_booking.code[4:]} "

    assert services.check_in(staff, typed).pk == today_booking.pk


def test_checking_in_twice_is_harmless(staff, today_booking):
    services.check_in(staff, today_booking.code)
    booking = services.check_in(staff, today_booking.code)

    assert booking.status == "checked_in"
    assert booking.order.status_changes.filter(new_status="checked_in").count() == 1


def test_confirmed_booking_can_be_checked_in(staff, today_booking):
    Booking.objects.filter(pk=today_booking.pk).update(status=Booking.Status.CONFIRMED)

    assert services.check_in(staff, today_booking.code).status == "checked_in"


def booking_starting_in(resident, make_slot, offering, ahead):
    return services.book(resident, make_slot(offering, starts_in=ahead).pk)


def test_check_in_hours_before_the_slot_the_same_day_is_refused(staff, resident, make_slot, offering):
    # 10:00 on the daytime clock: the slot at 12:00 is today, but the resident is not due yet.
    booking = booking_starting_in(resident, make_slot, offering, timedelta(hours=2))

    with pytest.raises(services.CheckInNotOpen) as refused:
        services.check_in(staff, booking.code)

    assert status_for(refused.value) == 409 and refused.value.code == "check_in_not_open"
    opens = timezone.localtime(booking.slot.starts_at - timedelta(minutes=60), timezone.get_default_timezone())
    assert f"{opens:%H:%M}" in refused.value.message
    booking.refresh_from_db()
    assert booking.status == "booked"
    assert booking.order.status == "booked"


@pytest.mark.parametrize(("opens_minutes", "before", "allowed"), [(60, 60, True), (60, 61, False), (15, 20, False)])
def test_check_in_opens_the_configured_minutes_before_the_slot(
    settings, staff, resident, make_slot, offering, opens_minutes, before, allowed
):
    settings.CHECK_IN_OPENS_MINUTES = opens_minutes
    booking = booking_starting_in(resident, make_slot, offering, timedelta(days=2))
    at = booking.slot.starts_at - timedelta(minutes=before)

    if allowed:
        assert services.check_in(staff, booking.code, now=at).status == "checked_in"
    else:
        with pytest.raises(services.CheckInNotOpen):
            services.check_in(staff, booking.code, now=at)
        booking.refresh_from_db()
        assert booking.status == "booked"


def test_check_in_until_the_slot_ends_and_not_after(staff, resident, make_slot, offering):
    late = booking_starting_in(resident, make_slot, offering, timedelta(days=2))
    ended = booking_starting_in(resident, make_slot, offering, timedelta(days=3))

    checked = services.check_in(staff, late.code, now=late.slot.ends_at - timedelta(minutes=1))
    with pytest.raises(services.CheckInClosed) as refused:
        services.check_in(staff, ended.code, now=ended.slot.ends_at)

    assert checked.status == "checked_in"
    assert status_for(refused.value) == 409 and refused.value.code == "check_in_closed"
    ended.refresh_from_db()
    assert ended.status == "booked"


def test_the_clerk_is_told_the_local_time_check_in_opens_in_both_languages(staff, resident, make_slot, offering):
    # 07:30 in Kunming is 23:30 UTC the day before: the message speaks of the local day and time.
    slot = make_slot(offering, starts_in=timedelta(days=2))
    local_start = timezone.localtime(slot.starts_at, timezone.get_default_timezone())
    slot.starts_at = local_start.replace(hour=7, minute=30)
    slot.ends_at = slot.starts_at + timedelta(minutes=30)
    slot.save()
    booking = services.book(resident, slot.pk)
    too_early = slot.starts_at - timedelta(hours=3)

    with translation.override("zh-hans"), pytest.raises(services.CheckInNotOpen) as chinese:
        services.check_in(staff, booking.code, now=too_early)
    with translation.override("en"), pytest.raises(services.CheckInNotOpen) as english:
        services.check_in(staff, booking.code, now=too_early)

    day = f"{local_start:%Y-%m-%d}"
    assert "签到" in chinese.value.message and f"{day} 06:30" in chinese.value.message
    assert "Check-in opens 60 minutes before" in english.value.message and f"{day} 06:30" in english.value.message
    assert services.check_in(staff, booking.code, now=slot.starts_at - timedelta(minutes=20)).status == "checked_in"


def test_another_providers_staff_cannot_see_the_booking(other_staff, today_booking):
    with pytest.raises(services.BookingNotFound) as refused:
        services.check_in(other_staff, today_booking.code)

    assert status_for(refused.value) == 404 and refused.value.code == "not_found"
    today_booking.refresh_from_db()
    assert today_booking.status == "booked"
    assert today_booking.order.status == "booked"


def test_unknown_code_is_not_found(staff, today_booking):
    with pytest.raises(services.BookingNotFound):
        services.check_in(staff, "ZZZZZZZZ")


def test_a_resident_cannot_check_in(resident, today_booking):
    with pytest.raises(services.NotStaff) as refused:
        services.check_in(resident, today_booking.code)

    assert status_for(refused.value) == 403 and refused.value.code == "not_staff"
    today_booking.refresh_from_db()
    assert today_booking.status == "booked"


def test_staff_isolation_of_the_booking_list(staff, other_staff, resident, today_booking, other_provider, service):
    from catalog.services import add_offering
    from providers.models import Slot

    other_offering = add_offering(service, other_provider, today_booking.line.line_price_incl_tax)
    starts_at = today_booking.slot.starts_at
    other_slot = Slot.objects.create(
        offering=other_offering, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=1
    )
    other_booking = services.book(resident, other_slot.pk)

    assert list(services.bookings_at_providers_of(staff)) == [today_booking]
    assert list(services.bookings_at_providers_of(other_staff)) == [other_booking]
    assert not services.bookings_at_providers_of(resident).exists()


def test_cancelled_booking_cannot_be_checked_in(staff, today_booking):
    services.cancel_booking(today_booking, by=Booking.CancelledBy.PROVIDER)

    with pytest.raises(services.NotCheckable) as refused:
        services.check_in(staff, today_booking.code)

    assert status_for(refused.value) == 409 and refused.value.code == "not_checkable"
    today_booking.refresh_from_db()
    assert today_booking.status == "cancelled"


def test_no_show_booking_cannot_be_checked_in(staff, today_booking):
    Booking.objects.filter(pk=today_booking.pk).update(status=Booking.Status.NO_SHOW)

    with pytest.raises(services.NotCheckable):
        services.check_in(staff, today_booking.code)


def test_no_show_before_the_end_is_refused(staff, today_booking):
    with pytest.raises(services.NotEnded) as refused:
        services.mark_no_show(staff, today_booking.code)

    assert status_for(refused.value) == 409 and refused.value.code == "not_ended"
    today_booking.refresh_from_db()
    assert today_booking.status == "booked"


def test_no_show_after_the_end_is_recorded_and_mirrored(staff, resident, make_slot, offering):
    booking = ended_booking(resident, make_slot, offering)

    marked = services.mark_no_show(staff, booking.code)
    again = services.mark_no_show(staff, booking.code)

    assert marked.status == again.status == "no_show"
    booking.refresh_from_db()
    assert booking.status == "no_show"
    assert booking.line.status == "no_show"
    assert booking.order.status == "no_show"
    assert booking.order.status_changes.filter(new_status="no_show").count() == 1


def test_checked_in_booking_cannot_be_marked_a_no_show(staff, today_booking):
    services.check_in(staff, today_booking.code)

    with pytest.raises(services.NotMarkable):
        services.mark_no_show(staff, today_booking.code, now=today_booking.slot.ends_at + timedelta(minutes=1))


def test_another_providers_staff_cannot_mark_a_no_show(other_staff, resident, make_slot, offering):
    booking = ended_booking(resident, make_slot, offering)

    with pytest.raises(services.BookingNotFound):
        services.mark_no_show(other_staff, booking.code)

    booking.refresh_from_db()
    assert booking.status == "booked"


@pytest.fixture
def mixed_bookings(make_user, make_slot, offering, today_booking):
    """Bookings in every state, on ended and future slots."""
    people = iter(make_user(email=f"p{i}@example.com", phone=f"1390000{i:04d}") for i in range(8))
    ended = {
        status: ended_booking(next(people), make_slot, offering, ended_ago=timedelta(hours=3 + i), status=status)
        for i, status in enumerate(
            [
                Booking.Status.BOOKED,
                Booking.Status.CONFIRMED,
                Booking.Status.CHECKED_IN,
                Booking.Status.CANCELLED,
                Booking.Status.NO_SHOW,
            ]
        )
    }
    # A second booked one on an ended slot, and one whose slot has begun but not ended.
    ended["booked_too"] = ended_booking(next(people), make_slot, offering, ended_ago=timedelta(hours=10))
    running = ended_booking(
        next(people), make_slot, offering, ended_ago=timedelta(minutes=10), status=Booking.Status.BOOKED
    )
    return ended, running, today_booking


def test_mark_no_shows_marks_only_ended_expected_bookings(mixed_bookings):
    ended, running, upcoming = mixed_bookings

    assert services.mark_no_shows() == 3
    assert services.mark_no_shows() == 0

    statuses = {key: Booking.objects.get(pk=booking.pk).status for key, booking in ended.items()}
    assert statuses == {
        "booked": "no_show",
        "confirmed": "no_show",
        "checked_in": "checked_in",
        "cancelled": "cancelled",
        "no_show": "no_show",
        "booked_too": "no_show",
    }
    for booking in (ended["booked"], ended["confirmed"], ended["booked_too"]):
        booking.refresh_from_db()
        assert booking.line.status == "no_show"
        assert booking.order.status == "no_show"
    running.refresh_from_db()
    upcoming.refresh_from_db()
    assert running.status == "booked"
    assert upcoming.status == "booked"


def test_mark_no_shows_in_batches(mixed_bookings, monkeypatch):
    monkeypatch.setattr(services, "NO_SHOW_BATCH", 2)

    assert services.mark_no_shows() == 3
    assert Booking.objects.filter(status="no_show").count() == 4


def test_mark_no_shows_later_includes_the_running_slot(mixed_bookings):
    _ended, running, _upcoming = mixed_bookings

    assert services.mark_no_shows(now=running.slot.ends_at + timedelta(seconds=1)) == 4


def test_the_command_prints_the_count(mixed_bookings, capsys):
    call_command("mark_no_shows")
    call_command("mark_no_shows")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "3" in lines[0] and "3" not in lines[1]
    assert "0" in lines[1]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_check_ins_record_the_visit_once(staff, today_booking):
    """Two counters scanning the same code at once: one check-in, one status change."""
    racers = 8
    barrier = threading.Barrier(racers)
    results = []
    lock = threading.Lock()

    def scan():
        try:
            barrier.wait(timeout=30)
            booking = services.check_in(staff, today_booking.code)
            with lock:
                results.append(booking.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == ["checked_in"] * racers
    today_booking.refresh_from_db()
    assert today_booking.status == today_booking.order.status == "checked_in"
    assert today_booking.order.status_changes.filter(new_status="checked_in").count() == 1

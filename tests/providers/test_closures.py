"""Closures: closing a period or a slot cancels its bookings, closes the slots, and the generator keeps them closed."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from catalog.services import add_offering, create_service
from marketplace.booking import services
from marketplace.booking.models import Booking
from providers import closures
from providers.models import Closure, Slot
from providers.scheduling import generate_slots, regenerate_for_offering
from tests.conftest import needs_postgres, until_local
from tests.providers import test_scheduling
from tests.providers.test_scheduling import at, days_with_slots

# The weekly-plan fixtures, shared with the generator's own tests.
make_rule = test_scheduling.make_rule
official_calendar = test_scheduling.official_calendar


def zh(message, plural=None, number=None, **values):
    """A message as staff read it by default: in Chinese (zh-hans), once translated."""
    with translation.override("zh-hans"):
        text = gettext(message) if plural is None else ngettext(message, plural, number)
    return text % values if values else text


PAST = "This period is already over: there is nothing left to close."
BEFORE = "The last closed day cannot be before the first."
NO_REASON = "Say why the service is closed: residents are told the reason."


def local_day(slot):
    return timezone.localtime(slot.starts_at).date()


@pytest.fixture
def other_service_offering(sector, provider):
    return add_offering(create_service("人民调解", sector), provider)


@pytest.fixture
def other_offering(service, other_provider):
    return add_offering(service, other_provider)


@pytest.fixture
def booked_slot(make_slot, offering, resident, other_resident):
    slot = make_slot(offering, starts_in=until_local(2, 10))
    services.book(resident, slot.pk)
    services.book(other_resident, slot.pk)
    return slot


def active(slot):
    return Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).count()


def nothing_changed(slot, bookings=2):
    slot.refresh_from_db()
    assert slot.is_open
    assert slot.num_booked == bookings
    assert active(slot) == bookings


# The service: close_period, close_slot, reopen


def test_closing_a_period_cancels_exactly_its_bookings_and_closes_its_slots(
    staff, provider, offering, make_slot, resident, other_resident, booked_slot, django_capture_on_commit_callbacks
):
    day = local_day(booked_slot)
    same_day_free = make_slot(offering, starts_in=until_local(2, 10, 30))
    day_after = make_slot(offering, starts_in=until_local(3, 10))
    kept = services.book(resident, day_after.pk)

    with django_capture_on_commit_callbacks(execute=True):
        closure = closures.close_period(staff, provider, day, day, "  工作人员培训 ")

    assert Closure.objects.get() == closure
    assert (closure.starts_on, closure.ends_on, closure.reason, closure.created_by) == (day, day, "工作人员培训", staff)
    assert closure.closed_slots == Slot.objects.filter(offering=offering, is_open=False).count()
    assert len(closure.cancelled) == 2
    booked_slot.refresh_from_db()
    same_day_free.refresh_from_db()
    assert (booked_slot.is_open, booked_slot.num_booked) == (False, 0)
    assert not same_day_free.is_open
    cancelled = Booking.objects.filter(slot=booked_slot)
    assert {(b.status, b.cancelled_by, b.cancel_reason) for b in cancelled} == {
        (Booking.Status.CANCELLED, Booking.CancelledBy.PROVIDER, "工作人员培训")
    }
    assert {b.order.status for b in cancelled} == {Booking.Status.CANCELLED}
    kept.refresh_from_db()
    day_after.refresh_from_db()
    assert kept.status == Booking.Status.BOOKED
    assert (day_after.is_open, day_after.num_booked) == (True, 1)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([resident.email, other_resident.email])


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_bookings_racing_a_closure_are_either_refused_or_cancelled(staff, provider, offering, make_slot, make_user):
    slot = make_slot(offering, starts_in=timedelta(days=2), capacity=10)
    residents = [make_user(email=f"r{i}@example.com", phone=f"1390000000{i}") for i in range(6)]
    barrier = threading.Barrier(len(residents) + 1)
    errors = []

    def book(resident):
        try:
            barrier.wait(timeout=30)
            services.book(resident, slot.pk)
        except services.BookingError:
            pass  # refused: the slot was already closed
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def close():
        try:
            barrier.wait(timeout=30)
            closures.close_slot(staff, slot, "停电")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(resident,)) for resident in residents]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    slot.refresh_from_db()
    assert (slot.is_open, slot.num_booked) == (False, 0)
    assert not Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).exists()


def test_closing_one_service_leaves_the_providers_other_services_open(
    staff, provider, offering, other_service_offering, make_slot, booked_slot, resident
):
    other = make_slot(other_service_offering, starts_in=timedelta(days=2))
    services.book(resident, other.pk)

    closures.close_period(
        staff, provider, local_day(booked_slot), local_day(booked_slot), "律师请假", offering=offering
    )

    booked_slot.refresh_from_db()
    other.refresh_from_db()
    assert (booked_slot.is_open, booked_slot.num_booked) == (False, 0)
    assert (other.is_open, other.num_booked) == (True, 1)


def test_slots_already_begun_are_left_alone(staff, provider, offering, make_slot, resident):
    begun = make_slot(offering, starts_in=-timedelta(minutes=1))
    booking = services.book(resident, begun.pk, now=begun.starts_at - timedelta(hours=1))
    today = local_day(begun)

    closure = closures.close_period(staff, provider, today, today + timedelta(days=1), "停电")

    begun.refresh_from_db()
    booking.refresh_from_db()
    assert begun.is_open and booking.status == Booking.Status.BOOKED
    assert closure.cancelled == []


def test_closing_another_providers_days_touches_nothing_of_theirs(
    staff, provider, other_offering, make_slot, other_resident
):
    theirs = make_slot(other_offering, starts_in=timedelta(days=2))
    services.book(other_resident, theirs.pk)

    closures.close_period(staff, provider, local_day(theirs), local_day(theirs), "放假")

    nothing_changed(theirs, bookings=1)


def future_day(days=2):
    return timezone.localdate() + timedelta(days=days)


@pytest.mark.parametrize(
    ("first", "last", "reason", "error", "message"),
    [
        (-3, -1, "放假", closures.BadPeriod, zh(PAST)),
        (3, 2, "放假", closures.BadPeriod, zh(BEFORE)),
        (1, 400, "放假", closures.BadPeriod, zh("A closure can last at most %(days)d days.", days=366)),
        (1, 3, "   ", closures.ReasonMissing, zh(NO_REASON)),
        (
            1,
            3,
            "很长" * 101,
            closures.ReasonMissing,
            zh("Keep the reason to at most %(max)d characters: it goes into a text message.", max=200),
        ),
    ],
    ids=["past", "ends before it starts", "too long", "no reason", "reason too long"],
)
def test_bad_periods_are_refused_with_a_clear_message_and_change_nothing(
    staff, provider, booked_slot, first, last, reason, error, message
):
    with translation.override("zh-hans"), pytest.raises(error) as raised:
        closures.close_period(staff, provider, future_day(first), future_day(last), reason)

    assert raised.value.message == message
    assert not Closure.objects.exists()
    nothing_changed(booked_slot)


def test_a_period_starting_in_the_past_closes_what_is_left_of_it(staff, provider, booked_slot):
    closure = closures.close_period(staff, provider, future_day(-5), local_day(booked_slot), "装修")

    assert len(closure.cancelled) == 2


@pytest.mark.parametrize("who", ["resident", "other_staff", "anonymous"])
def test_only_the_providers_staff_can_close(request, provider, booked_slot, who):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(closures.NotStaff):
        closures.close_period(user, provider, future_day(1), future_day(3), "放假")
    with pytest.raises(closures.NotStaff):
        closures.close_slot(user, booked_slot, "放假")

    assert not Closure.objects.exists()
    nothing_changed(booked_slot)


def test_another_providers_service_cannot_be_closed_from_here(staff, provider, other_offering, booked_slot):
    with pytest.raises(closures.NotFound):
        closures.close_period(staff, provider, future_day(1), future_day(3), "放假", offering=other_offering)

    assert not Closure.objects.exists()
    nothing_changed(booked_slot)


def test_a_slot_that_has_begun_cannot_be_closed(staff, offering, make_slot):
    begun = make_slot(offering, starts_in=-timedelta(minutes=5))

    with pytest.raises(closures.AlreadyOver):
        closures.close_slot(staff, begun, "律师外出")

    begun.refresh_from_db()
    assert begun.is_open


def test_lifting_a_closure_reopens_its_slots_but_not_its_cancelled_bookings(staff, provider, booked_slot):
    day = local_day(booked_slot)
    closure = closures.close_period(staff, provider, day, day, "停水")

    closures.reopen(staff, closure)

    booked_slot.refresh_from_db()
    assert booked_slot.is_open
    assert booked_slot.num_booked == 0
    assert not Closure.objects.exists()
    assert set(Booking.objects.filter(slot=booked_slot).values_list("status", flat=True)) == {"cancelled"}


def test_lifting_one_closure_keeps_the_days_another_still_closes(staff, provider, offering, booked_slot):
    day = local_day(booked_slot)
    whole = closures.close_period(staff, provider, day, day, "停电")
    closures.close_period(staff, provider, day, day + timedelta(days=1), "律师请假", offering=offering)

    closures.reopen(staff, whole)

    booked_slot.refresh_from_db()
    assert not booked_slot.is_open


def test_a_closure_that_is_over_cannot_be_lifted(staff, provider):
    closure = Closure.objects.create(
        partner=provider, starts_on=future_day(-10), ends_on=future_day(-8), reason="旧的", created_by=staff
    )

    with pytest.raises(closures.AlreadyOver):
        closures.reopen(staff, closure)

    assert Closure.objects.filter(pk=closure.pk).exists()


def test_the_next_free_slots_are_the_same_service_soonest_first_and_really_free(
    offering, other_offering, other_service_offering, make_slot, resident, other_resident, booked_slot
):
    full = make_slot(offering, starts_in=timedelta(hours=5), capacity=1)
    services.book(other_resident, full.pk)
    make_slot(offering, starts_in=timedelta(hours=6), is_open=False)
    make_slot(other_service_offering, starts_in=timedelta(hours=7))
    held_back = make_slot(offering, starts_in=timedelta(hours=8), capacity=2, counter_capacity=2)
    later = make_slot(other_offering, starts_in=timedelta(hours=20))
    soon = make_slot(offering, starts_in=timedelta(hours=9))
    make_slot(offering, starts_in=timedelta(days=30))  # beyond the 14 days a booking may be made ahead
    third = make_slot(other_offering, starts_in=until_local(2, 9))  # before booked_slot (10:00 that day)
    make_slot(offering, starts_in=timedelta(days=3))

    alternatives = closures.next_free_slots(offering.product, exclude_user=resident)

    assert alternatives == [soon, later, third]  # booked_slot (2 days ahead) is the resident's own
    assert held_back not in alternatives
    assert closures.next_free_slots(offering.product)[:3] == [soon, later, third]


# The generator honours closures


def test_the_generator_makes_no_slots_on_closed_days_and_make_up_days_still_work(
    official_calendar, staff, provider, offering, make_rule
):
    make_rule()
    start = date(2026, 9, 28)  # Mon; National Day 1–7 Oct; Sat 10 Oct is a make-up day working as a Wednesday
    closures.close_period(staff, provider, date(2026, 9, 29), date(2026, 9, 30), "设备检修", now=at(start))
    closures.close_period(staff, provider, date(2026, 10, 9), date(2026, 10, 9), "培训", now=at(start))

    generate_slots(start=start, days=14, now=at(start))

    assert days_with_slots(offering) == [date(2026, 9, 28), date(2026, 10, 8), date(2026, 10, 10)]


def test_a_closure_of_one_service_does_not_stop_the_others(
    official_calendar, staff, provider, offering, other_service_offering, make_rule
):
    make_rule()
    make_rule(offering=other_service_offering)
    start = date(2026, 11, 30)
    closures.close_period(staff, provider, start, start, "律师请假", offering=offering, now=at(start))

    generate_slots(start=start, days=2, now=at(start))

    assert days_with_slots(offering) == [date(2026, 12, 1)]
    assert days_with_slots(other_service_offering) == [date(2026, 11, 30), date(2026, 12, 1)]


def test_regenerating_keeps_closed_days_closed_and_lifting_fills_them_again(
    official_calendar, staff, provider, offering, make_rule
):
    # A fixed morning: from now on, the first two days with slots could be split by a holiday (31 Dec late at night).
    now = at(date(2026, 11, 30), 8)
    make_rule(weekdays=0b1111111)
    generate_slots([offering], now=now)
    first = min(local_day(slot) for slot in Slot.objects.all())
    closure = closures.close_period(staff, provider, first, first + timedelta(days=1), "装修", now=now)
    closed_days = {first, first + timedelta(days=1)}

    regenerate_for_offering(offering, now=now)
    generate_slots(now=now)

    assert not [s for s in Slot.objects.filter(is_open=True) if local_day(s) in closed_days]

    closures.reopen(staff, closure, now=now)

    assert {local_day(s) for s in Slot.objects.filter(is_open=True)} >= closed_days
    assert not Slot.objects.filter(is_open=False).exists()


# What the resident sees


def test_the_booking_page_gives_the_reason_and_lets_the_resident_book_another_time(
    client, staff, provider, booked_slot, resident, offering, other_service_offering, make_slot
):
    free = make_slot(offering, starts_in=timedelta(days=4))
    other_service = make_slot(other_service_offering, starts_in=timedelta(days=1))
    closures.close_slot(staff, booked_slot, "律师临时外出")
    booking = Booking.objects.get(slot=booked_slot, user=resident)
    client.force_login(resident)

    page = client.get(f"/shop/accounts/bookings/{booking.code}/").content.decode()

    assert "律师临时外出" in page
    assert f'name="slot" value="{free.pk}"' in page
    assert f'name="slot" value="{other_service.pk}"' not in page
    assert f'name="slot" value="{booked_slot.pk}"' not in page


def test_a_booking_the_resident_cancelled_offers_nothing_extra(client, booked_slot, resident, offering, make_slot):
    free = make_slot(offering, starts_in=timedelta(days=4))
    booking = services.cancel_booking(Booking.objects.get(slot=booked_slot, user=resident))
    client.force_login(resident)

    page = client.get(f"/shop/accounts/bookings/{booking.code}/").content.decode()

    assert f'name="slot" value="{free.pk}"' not in page


def test_the_admin_lists_closures_but_leaves_changes_to_the_console(client, admin_user, staff, provider):
    Closure.objects.create(partner=provider, starts_on=future_day(1), ends_on=future_day(2), reason="设备检修")
    client.force_login(admin_user)

    assert "设备检修" in client.get("/django-admin/partner/closure/").content.decode()
    assert client.get("/django-admin/partner/closure/add/").status_code == 403

"""Closures: closing a period or a slot cancels its bookings, closes the slots, and the generator keeps them closed."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from catalog.services import add_offering, create_service
from marketplace.booking import services
from marketplace.order.models import Booking
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


# The console pages


def closures_url(provider):
    return f"/provider/{provider.pk}/closures/"


def period(first, last, reason="春节放假", **extra):
    return {"starts_on": first.isoformat(), "ends_on": last.isoformat(), "reason": reason, **extra}


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_closures_page_has_the_form_the_nav_link_and_the_closures(client, staff, provider, offering):
    Closure.objects.create(partner=provider, starts_on=future_day(5), ends_on=future_day(6), reason="设备检修")
    Closure.objects.create(partner=provider, starts_on=future_day(-9), ends_on=future_day(-8), reason="旧的闭馆")
    client.force_login(staff)

    response = client.get(closures_url(provider))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{closures_url(provider)}"' in page and 'aria-current="page"' in page
    for name in ("starts_on", "ends_on", "offering", "reason"):
        assert f'<label for="id_{name}">' in page
    assert offering.product.title in page
    assert "设备检修" in page and "旧的闭馆" in page
    assert f"/provider/{provider.pk}/closures/" in page and "/reopen/" in page


def test_a_first_post_only_shows_what_closing_would_cancel(client, staff, provider, booked_slot, resident):
    client.force_login(staff)
    day = local_day(booked_slot)

    response = client.post(closures_url(provider), period(day, day))

    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["preview"]) == 2
    assert resident.masked_phone in page
    assert resident.phone not in page
    assert 'name="confirm" value="1"' in page
    assert not Closure.objects.exists()
    nothing_changed(booked_slot)


def test_confirming_closes_and_says_how_many_bookings_were_cancelled(
    client, staff, provider, booked_slot, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    day = local_day(booked_slot)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(closures_url(provider), period(day, day, confirm="1"), follow=True)

    assert response.redirect_chain[-1][0] == closures_url(provider)
    slots = Slot.objects.filter(is_open=False).count()
    assert messages_of(response) == [
        zh(
            "Closed from %(first)s to %(last)s: %(slots)d slots closed, %(count)d booking cancelled; "
            "the resident is being told.",
            "Closed from %(first)s to %(last)s: %(slots)d slots closed, %(count)d bookings cancelled; "
            "the residents are being told.",
            2,
            first=day.isoformat(),
            last=day.isoformat(),
            slots=slots,
            count=2,
        )
    ]
    booked_slot.refresh_from_db()
    assert (booked_slot.is_open, booked_slot.num_booked) == (False, 0)
    assert Closure.objects.get().reason == "春节放假"
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: period(future_day(1), future_day(2), reason=""), NO_REASON),
        (lambda: period(future_day(3), future_day(2), confirm="1"), BEFORE),
        (lambda: period(future_day(-3), future_day(-2), confirm="1"), PAST),
        (
            lambda: {"starts_on": "2026-02-30", "ends_on": "tomorrow", "reason": "x", "confirm": "1"},
            "Enter a date as YYYY-MM-DD.",
        ),
    ],
    ids=["no reason", "ends before it starts", "past", "not dates"],
)
def test_bad_input_shows_the_reason_in_chinese_and_changes_nothing(client, staff, provider, booked_slot, data, message):
    client.force_login(staff)

    response = client.post(closures_url(provider), data())

    assert response.status_code == 200
    assert escape(zh(message)) in response.content.decode()
    assert not Closure.objects.exists()
    nothing_changed(booked_slot)


def test_another_providers_service_is_a_form_error(client, staff, provider, other_offering, booked_slot):
    client.force_login(staff)

    response = client.post(
        closures_url(provider), period(future_day(1), future_day(3), offering=other_offering.pk, confirm="1")
    )

    assert response.status_code == 200
    assert escape(zh("This provider has no such service.")) in response.content.decode()
    assert not Closure.objects.exists()
    nothing_changed(booked_slot)


def test_lifting_a_closure_from_the_page(client, staff, provider, booked_slot):
    day = local_day(booked_slot)
    closure = closures.close_period(staff, provider, day, day, "停水")
    client.force_login(staff)

    response = client.post(f"{closures_url(provider)}{closure.pk}/reopen/", follow=True)

    assert response.redirect_chain[-1][0] == closures_url(provider)
    assert messages_of(response) == [
        zh(
            "The closure is lifted: %(count)d slot is open again. Cancelled bookings stay cancelled.",
            "The closure is lifted: %(count)d slots are open again. Cancelled bookings stay cancelled.",
            1,
            count=1,
        )
    ]
    booked_slot.refresh_from_db()
    assert booked_slot.is_open


def test_another_providers_closure_cannot_be_lifted(client, staff, other_staff, other_provider):
    theirs = Closure.objects.create(
        partner=other_provider, starts_on=future_day(1), ends_on=future_day(2), reason="放假", created_by=other_staff
    )
    client.force_login(staff)

    response = client.post(f"/provider/{staff.partners.get().pk}/closures/{theirs.pk}/reopen/")

    assert response.status_code == 404
    assert Closure.objects.filter(pk=theirs.pk).exists()


def slot_close_url(provider, slot):
    return f"/provider/{provider.pk}/slots/{slot.pk}/close/"


def test_closing_a_slot_from_the_console_tells_the_residents_and_goes_back(
    client, staff, provider, booked_slot, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            slot_close_url(provider, booked_slot), {"reason": "律师临时外出", "next": f"/provider/{provider.pk}/week/"}
        )

    assert response.status_code == 302
    assert response["Location"] == f"/provider/{provider.pk}/week/"
    booked_slot.refresh_from_db()
    assert (booked_slot.is_open, booked_slot.num_booked) == (False, 0)
    assert set(Booking.objects.filter(slot=booked_slot).values_list("cancel_reason", flat=True)) == {"律师临时外出"}
    assert len(mail.outbox) == 2
    assert all("律师临时外出" in message.body for message in mail.outbox)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_closing_a_slot_goes_back_only_to_a_page_of_this_site(client, staff, provider, offering, booked_slot, target):
    client.force_login(staff)

    response = client.post(slot_close_url(provider, booked_slot), {"reason": "停电", "next": target})

    day = local_day(booked_slot).isoformat()
    assert response["Location"] == f"/provider/{provider.pk}/day/?date={day}&offering={offering.pk}"


def test_closing_a_slot_needs_a_reason(client, staff, provider, booked_slot):
    client.force_login(staff)

    response = client.post(slot_close_url(provider, booked_slot), {"reason": "  "}, follow=True)

    assert messages_of(response) == [zh("Say why the slot is closed: residents are told the reason.")]
    nothing_changed(booked_slot)


def test_another_providers_slot_cannot_be_closed(client, staff, provider, other_offering, make_slot, other_resident):
    theirs = make_slot(other_offering, starts_in=timedelta(days=2))
    services.book(other_resident, theirs.pk)
    client.force_login(staff)

    response = client.post(slot_close_url(provider, theirs), {"reason": "停电"})

    assert response.status_code == 404
    nothing_changed(theirs, bookings=1)


def test_get_is_refused_on_the_post_urls(client, staff, provider, booked_slot):
    closure = Closure.objects.create(partner=provider, starts_on=future_day(1), ends_on=future_day(1), reason="x")
    client.force_login(staff)

    assert client.get(slot_close_url(provider, booked_slot)).status_code == 405
    assert client.get(f"{closures_url(provider)}{closure.pk}/reopen/").status_code == 405
    nothing_changed(booked_slot)


# Who may see and change what: every closure URL of provider A, for each kind of visitor.


def closure_urls(provider, slot, closure):
    base = f"/provider/{provider.pk}"
    day = local_day(slot)
    return {
        "closures": ("get", f"{base}/closures/", {}),
        "close-period": ("post", f"{base}/closures/", period(day, day, confirm="1")),
        "closure-reopen": ("post", f"{base}/closures/{closure.pk}/reopen/", {}),
        "slot-close": ("post", f"{base}/slots/{slot.pk}/close/", {"reason": "停电"}),
    }


EXPECTED = {
    "anonymous": {"closures": 302, "close-period": 302, "closure-reopen": 302, "slot-close": 302},
    "resident": {"closures": 404, "close-period": 404, "closure-reopen": 404, "slot-close": 404},
    "staff of A": {"closures": 200, "close-period": 302, "closure-reopen": 302, "slot-close": 302},
    "staff of B": {"closures": 404, "close-period": 404, "closure-reopen": 404, "slot-close": 404},
}


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("page", ["closures", "close-period", "closure-reopen", "slot-close"])
def test_every_closure_url_answers_each_visitor(
    client, kind, page, provider, resident, staff, other_staff, booked_slot
):
    closure = Closure.objects.create(
        partner=provider, starts_on=future_day(10), ends_on=future_day(11), reason="设备检修"
    )
    user = {"anonymous": None, "resident": resident, "staff of A": staff, "staff of B": other_staff}[kind]
    if user is not None:
        client.force_login(user)
    method, url, data = closure_urls(provider, booked_slot, closure)[page]

    response = getattr(client, method)(url, data)

    assert response.status_code == EXPECTED[kind][page]
    if kind == "anonymous":
        assert response["Location"].startswith("/shop/accounts/login/")
    if kind != "staff of A":
        nothing_changed(booked_slot)
        assert list(Closure.objects.all()) == [closure]


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

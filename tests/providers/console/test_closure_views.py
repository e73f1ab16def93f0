"""The console's closures page and slot closing: what staff see, confirm and are told, and who may do it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils.html import escape

from marketplace.audit.models import Access
from marketplace.booking import services
from marketplace.booking.models import Booking
from providers import closures
from providers.models import Closure, Slot
from tests.providers import test_closures

# The closures' own fixtures and helpers, shared with the service's tests.
booked_slot = test_closures.booked_slot
other_offering = test_closures.other_offering
zh = test_closures.zh
local_day = test_closures.local_day
future_day = test_closures.future_day
nothing_changed = test_closures.nothing_changed
PAST, BEFORE, NO_REASON = test_closures.PAST, test_closures.BEFORE, test_closures.NO_REASON


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


def test_the_preview_is_recorded_as_a_read_of_the_residents_it_names_and_a_refused_one_is_not(
    client, staff, provider, booked_slot
):
    client.force_login(staff)
    day = local_day(booked_slot)

    client.post(closures_url(provider), period(day, day, reason=""))
    assert not Access.objects.exists()
    client.post(closures_url(provider), period(day, day))

    shown = Booking.objects.filter(slot=booked_slot).values_list("user_id", flat=True)
    assert sorted(Access.objects.values_list("person_id", flat=True)) == sorted(shown)
    assert set(Access.objects.values_list("what", "organisation_id", "viewer_id")) == {
        ("closure_preview", provider.pk, staff.pk)
    }


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


def test_closing_a_slot_asks_first_saying_what_it_cancels_and_a_get_changes_nothing(
    client, staff, provider, booked_slot
):
    client.force_login(staff)
    back = f"/provider/{provider.pk}/week/"

    question = client.get(slot_close_url(provider, booked_slot), {"reason": "律师临时外出", "next": back})

    assert question.status_code == 200
    html = question.content.decode()
    assert "律师临时外出" in html
    assert (
        zh(
            "Closing it cancels %(count)s booking; the resident is told by email and text message, with the reason "
            "and the next free times.",
            "Closing it cancels %(count)s bookings; the residents are told by email and text message, with the reason "
            "and the next free times.",
            2,
            count=2,
        )
        in html
    )
    assert f'<form method="post" action="{slot_close_url(provider, booked_slot)}">' in html
    assert f'href="{back}"' in html  # back without closing
    nothing_changed(booked_slot)
    assert mail.outbox == []


def test_the_slot_list_asks_before_closing(client, staff, provider, booked_slot):
    client.force_login(staff)
    day = local_day(booked_slot).isoformat()
    html = client.get(f"/provider/{provider.pk}/slots/?date={day}").content.decode()
    assert f'<form method="get" action="{slot_close_url(provider, booked_slot)}"' in html


def test_get_is_refused_on_the_reopen_url_and_a_closing_question_without_a_reason_goes_back(
    client, staff, provider, booked_slot
):
    closure = Closure.objects.create(partner=provider, starts_on=future_day(1), ends_on=future_day(1), reason="x")
    client.force_login(staff)

    assert client.get(slot_close_url(provider, booked_slot)).status_code == 302
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

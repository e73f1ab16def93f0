"""The console's weekly plans and slots pages: plans make slots at once, safe edits, one provider's own only."""

import re
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from catalog.services import add_offering
from marketplace.booking import services
from providers import plans, scheduling
from providers.console import reads
from providers.models import ALL_WEEKDAYS, CalendarDay, ScheduleRule, Slot
from tests.conftest import until_local

CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(message, **params):
    """What a visitor who chose no language reads: the Chinese of ``message``."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % params if params else text


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def today():
    return reads.today()


@pytest.fixture(autouse=True)
def no_official_holidays(db):
    """These pages are not about the official calendar: without it each of a plan's days has slots whatever
    day the tests run on (on 1 October the next three days are all National Day holidays)."""
    CalendarDay.objects.all().delete()


def plan(offering, **fields):
    """A plan as the service takes it: every day 09:00–12:00, hour slots, three places, the next three days."""
    return {
        "offering": offering,
        "weekdays": ALL_WEEKDAYS,
        "opens_at": time(9),
        "closes_at": time(12),
        "breaks": [],
        "slot_minutes": 60,
        "capacity": 3,
        "counter_capacity": 0,
        "valid_from": today(),
        "valid_to": today() + timedelta(days=3),
        "is_active": True,
    } | fields


def form(offering, **fields):
    """The same plan as the page posts it."""
    data = {
        "offering": offering.pk,
        "weekdays": [str(day) for day in range(7)],
        "opens_at": "09:00",
        "closes_at": "12:00",
        "breaks": "",
        "slot_minutes": "60",
        "capacity": "3",
        "counter_capacity": "0",
        "valid_from": today().isoformat(),
        "valid_to": (today() + timedelta(days=3)).isoformat(),
        "is_active": "on",
    } | fields
    return {key: value for key, value in data.items() if value is not None}


def slots_state():
    return set(
        Slot.objects.values_list(
            "pk", "offering_id", "starts_at", "ends_at", "capacity", "counter_capacity", "num_booked"
        )
    )


def rules_state():
    return list(ScheduleRule.objects.order_by("pk").values())


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def rule(staff, provider, offering):
    return plans.save_plan(staff, provider, None, plan(offering)).rule


@pytest.fixture
def other_offering(service, other_provider):
    return add_offering(service, other_provider)


@pytest.fixture
def other_rule(other_staff, other_provider, other_offering):
    return plans.save_plan(other_staff, other_provider, None, plan(other_offering)).rule


def next_slot(offering):
    return Slot.objects.filter(offering=offering, starts_at__gt=timezone.now() + timedelta(hours=1)).earliest(
        "starts_at"
    )


def book_places(slot, make_user, count):
    return [
        services.book(
            make_user(email=f"booker{slot.pk}-{n}@example.com", phone=f"1390{slot.pk % 1000:03d}{n:04d}"), slot.pk
        )
        for n in range(count)
    ]


# Visitors: who may open which page


def urls(provider, rule, slot):
    base = f"/provider/{provider.pk}"
    return {
        "plans": ("get", f"{base}/plans/"),
        "new plan": ("get", f"{base}/plans/new/"),
        "create plan": ("post", f"{base}/plans/new/"),
        "edit plan": ("get", f"{base}/plans/{rule.pk}/"),
        "save plan": ("post", f"{base}/plans/{rule.pk}/"),
        "confirm delete": ("get", f"{base}/plans/{rule.pk}/delete/"),
        "delete plan": ("post", f"{base}/plans/{rule.pk}/delete/"),
        "slots": ("get", f"{base}/slots/"),
        "edit slot": ("get", f"{base}/slots/{slot.pk}/"),
        "save slot": ("post", f"{base}/slots/{slot.pk}/"),
    }


PAGES = [
    "plans",
    "new plan",
    "create plan",
    "edit plan",
    "save plan",
    "confirm delete",
    "delete plan",
    "slots",
    "edit slot",
    "save slot",
]
ANSWERS = {
    "anonymous": dict.fromkeys(PAGES, 302),
    "resident": dict.fromkeys(PAGES, 404),
    "staff of A": {
        page: 302 if page in ("create plan", "save plan", "delete plan", "save slot") else 200 for page in PAGES
    },
    "staff of B": dict.fromkeys(PAGES, 404),
}


def post_data(page, offering):
    if page == "create plan":
        return form(offering, opens_at="14:00", closes_at="16:00")
    if page == "save plan":
        return form(offering, capacity="5")
    if page == "save slot":
        return {"capacity": "7", "counter_capacity": "1"}
    return {}


@pytest.mark.parametrize("kind", list(ANSWERS))
@pytest.mark.parametrize("page", PAGES)
def test_every_plan_and_slot_url_answers_each_visitor(
    client, kind, page, provider, offering, rule, resident, staff, other_staff
):
    slot = next_slot(offering)
    visitor = {"anonymous": None, "resident": resident, "staff of A": staff, "staff of B": other_staff}[kind]
    if visitor is not None:
        client.force_login(visitor)
    rules_before, slots_before = rules_state(), slots_state()
    method, url = urls(provider, rule, slot)[page]

    response = getattr(client, method)(url, post_data(page, offering) if method == "post" else {})

    assert response.status_code == ANSWERS[kind][page]
    if kind == "anonymous":
        assert response["Location"].startswith("/shop/accounts/login/")
    if kind != "staff of A" or method == "get":
        assert rules_state() == rules_before
        assert slots_state() == slots_before
    else:
        assert slots_state() != slots_before


def test_the_console_nav_leads_to_the_plans_and_the_slots(client, staff, provider, rule):
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/plans/").content.decode()

    assert f'href="/provider/{provider.pk}/slots/"' in html
    assert re.search(rf'active" aria-current="page" href="/provider/{provider.pk}/plans/"', html)


def test_other_methods_are_refused(client, staff, provider, rule, offering):
    client.force_login(staff)

    for url in (f"/provider/{provider.pk}/plans/new/", f"/provider/{provider.pk}/plans/{rule.pk}/delete/"):
        assert client.put(url).status_code == 405
    assert client.delete(f"/provider/{provider.pk}/slots/{next_slot(offering).pk}/").status_code == 405


# Another provider's ids


def test_another_providers_plan_and_slot_answer_not_found_and_stay(
    client, staff, provider, other_provider, other_rule, other_offering
):
    client.force_login(staff)
    other_slot = next_slot(other_offering)
    rules_before, slots_before = rules_state(), slots_state()
    base = f"/provider/{provider.pk}"

    assert client.get(f"{base}/plans/{other_rule.pk}/").status_code == 404
    assert client.post(f"{base}/plans/{other_rule.pk}/", form(other_offering, capacity="1")).status_code == 404
    assert client.get(f"{base}/plans/{other_rule.pk}/delete/").status_code == 404
    assert client.post(f"{base}/plans/{other_rule.pk}/delete/").status_code == 404
    assert client.get(f"{base}/slots/{other_slot.pk}/").status_code == 404
    assert client.post(f"{base}/slots/{other_slot.pk}/", {"capacity": "9", "counter_capacity": "0"}).status_code == 404
    assert client.get(f"/provider/{other_provider.pk}/plans/").status_code == 404

    assert rules_state() == rules_before
    assert slots_state() == slots_before


def test_another_providers_offering_is_a_form_error(client, staff, provider, offering, other_offering):
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/plans/new/", form(other_offering))

    assert response.status_code == 200
    assert response.context["form"].errors["offering"] == [zh("This provider has no such service.")]
    assert not ScheduleRule.objects.exists() and not Slot.objects.exists()


def test_the_offering_choice_lists_only_this_providers_services(client, staff, provider, offering, other_offering):
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/plans/new/").content.decode()

    assert f'<option value="{offering.pk}"' in html
    assert f'<option value="{other_offering.pk}"' not in html


# Weekly plans


def test_a_new_plan_makes_its_slots_at_once(client, staff, provider, offering):
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/plans/new/", form(offering), follow=True)

    assert response.redirect_chain == [(f"/provider/{provider.pk}/plans/", 302)]
    created = Slot.objects.filter(offering=offering).count()
    assert created > 0
    assert messages_of(response) == [
        zh("Weekly plan saved. Slots updated: %(created)d created, %(removed)d removed.", created=created, removed=0)
    ]
    rule = ScheduleRule.objects.get()
    assert (rule.weekdays, rule.opens_at, rule.closes_at, rule.capacity, rule.is_active) == (
        ALL_WEEKDAYS,
        time(9),
        time(12),
        3,
        True,
    )
    slot = next_slot(offering)
    day = timezone.localtime(slot.starts_at).date()
    html = client.get(f"/provider/{provider.pk}/slots/", {"date": day.isoformat()}).content.decode()
    assert f"{timezone.localtime(slot.starts_at):%H:%M}–{timezone.localtime(slot.ends_at):%H:%M}" in html
    assert f"/provider/{provider.pk}/slots/{slot.pk}/" in html


def test_the_new_plan_form_can_start_from_a_service(client, staff, provider, offering):
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/plans/new/", {"offering": offering.pk}).content.decode()

    assert f'<option value="{offering.pk}" selected>' in html
    assert client.get(f"/provider/{provider.pk}/plans/new/", {"offering": "x' or 1"}).status_code == 200


def test_editing_a_plan_says_how_many_slots_were_created_and_removed(
    client, staff, provider, offering, rule, make_user
):
    booked = next_slot(offering)
    book_places(booked, make_user, 1)
    before = slots_state()
    client.force_login(staff)

    response = client.post(
        f"/provider/{provider.pk}/plans/{rule.pk}/", form(offering, slot_minutes="30", capacity="4"), follow=True
    )

    after = slots_state()
    created, removed = len(after - before), len(before - after)
    assert created > 0 and removed > 0
    assert messages_of(response) == [
        zh(
            "Weekly plan saved. Slots updated: %(created)d created, %(removed)d removed.",
            created=created,
            removed=removed,
        )
    ]
    booked_row = next(row for row in before if row[0] == booked.pk)
    assert booked_row in after
    rule.refresh_from_db()
    assert (rule.slot_minutes, rule.capacity) == (30, 4)


def test_lowering_the_places_below_the_bookings_is_refused_on_the_page(
    client, staff, provider, offering, rule, make_user
):
    slot = next_slot(offering)
    book_places(slot, make_user, 3)
    rules_before, slots_before = rules_state(), slots_state()
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/plans/{rule.pk}/", form(offering, capacity="2"))

    assert response.status_code == 200
    (error,) = response.context["form"].errors["capacity"]
    with translation.override("zh-hans"):
        label = plans.slot_label(slot)
    assert error.startswith(label) and "3" in error
    assert error in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert rules_state() == rules_before
    assert slots_state() == slots_before


def test_invalid_input_is_explained_in_chinese_and_changes_nothing(client, staff, provider, offering):
    client.force_login(staff)

    response = client.post(
        f"/provider/{provider.pk}/plans/new/",
        form(offering, weekdays=None, opens_at="", capacity="abc", slot_minutes="0", valid_from="2026-02-30"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["weekdays"] == [zh("Choose at least one day of the week.")]
    assert errors["opens_at"] == [zh("This field is required.")]
    assert errors["capacity"] == [zh("Enter a whole number.")]
    assert set(errors) == {"weekdays", "opens_at", "capacity", "slot_minutes", "valid_from"}
    html = response.content.decode()
    for field_errors in errors.values():
        assert field_errors[0] in html
    assert CJK.search(errors["opens_at"][0]) and CJK.search(errors["capacity"][0])
    assert 'role="alert"' in html
    assert re.search(r'<input type="number" name="capacity" value="abc"[^>]*class="form-control is-invalid"', html)
    assert not ScheduleRule.objects.exists() and not Slot.objects.exists()


def test_the_plans_own_rules_are_shown_next_to_their_fields(client, staff, provider, offering):
    client.force_login(staff)

    response = client.post(
        f"/provider/{provider.pk}/plans/new/",
        form(offering, opens_at="12:00", closes_at="09:00", capacity="2", counter_capacity="3"),
    )

    errors = response.context["form"].errors
    assert errors["closes_at"] == [zh("The closing time must be after the opening time.")]
    assert errors["counter_capacity"] == [zh("Places held for walk-ins cannot exceed the places per slot.")]
    assert not ScheduleRule.objects.exists()


@pytest.mark.parametrize(
    ("typed", "breaks"),
    [
        ("12:00-13:30, 17:00-17:30", [["12:00", "13:30"], ["17:00", "17:30"]]),
        ("12:00–13:30，17:00~17:30", [["12:00", "13:30"], ["17:00", "17:30"]]),
        ("9:30 - 10:00;12:00至13:00", [["09:30", "10:00"], ["12:00", "13:00"]]),
        ("", []),
    ],
)
def test_breaks_are_typed_as_times(client, staff, provider, offering, typed, breaks):
    client.force_login(staff)

    client.post(f"/provider/{provider.pk}/plans/new/", form(offering, closes_at="18:00", breaks=typed))

    rule = ScheduleRule.objects.get()
    assert rule.breaks == breaks
    starts = {f"{timezone.localtime(slot.starts_at):%H:%M}" for slot in Slot.objects.all()}
    for start, end in breaks:
        assert not {s for s in starts if start <= s < end}


@pytest.mark.parametrize("typed", ["noon-13:00", "12:00", "12:00-13:30-14:00", "25:00-26:00", "12:60-13:00"])
def test_a_break_that_is_not_one_is_explained(client, staff, provider, offering, typed):
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/plans/new/", form(offering, breaks=f"08:30-08:45, {typed}"))

    assert response.status_code == 200
    (error,) = response.context["form"].errors["breaks"]
    assert error == zh("“%(piece)s” is not a break: write its start and end, e.g. 12:00-13:30.", piece=typed)
    assert not ScheduleRule.objects.exists()


def test_a_break_outside_the_hours_is_refused(client, staff, provider, offering):
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/plans/new/", form(offering, breaks="08:00-10:00"))

    assert response.context["form"].errors["breaks"] == [
        zh("The break %(start)s–%(end)s must lie inside the opening hours.", start="08:00", end="10:00")
    ]
    assert not ScheduleRule.objects.exists()


def test_the_edit_form_shows_the_plan_as_saved(client, staff, provider, offering):
    rule = plans.save_plan(
        staff, provider, None, plan(offering, weekdays=0b0010101, closes_at=time(17), breaks=[["12:00", "13:30"]])
    ).rule
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/plans/{rule.pk}/").content.decode()

    assert 'value="12:00-13:30"' in html
    assert 'value="09:00"' in html and 'value="17:00"' in html
    checked = re.findall(r'<input type="checkbox" name="weekdays" value="(\d)"[^>]*checked', html)
    assert checked == ["0", "2", "4"]
    for field in ("id_opens_at", "id_closes_at", "id_breaks", "id_capacity", "id_counter_capacity", "id_valid_from"):
        assert f'for="{field}"' in html
    assert 'type="time"' in html and 'type="date"' in html


def test_the_plans_read_as_sentences(client, staff, provider, offering):
    plans.save_plan(
        staff,
        provider,
        None,
        plan(
            offering,
            weekdays=0b0011111,
            closes_at=time(17),
            breaks=[["12:00", "14:00"]],
            slot_minutes=30,
            capacity=2,
            counter_capacity=1,
        ),
    )
    in_english(client).force_login(staff)

    html = client.get(f"/provider/{provider.pk}/plans/").content.decode()

    assert "Monday to Friday 09:00–12:00, 14:00–17:00 · 30 minutes · 2 places per slot (1 held for walk-ins)" in html
    assert offering.product.title in html


def test_a_service_without_a_plan_invites_one(client, staff, provider, offering):
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/plans/").content.decode()

    assert f"/provider/{provider.pk}/plans/new/?offering={offering.pk}" in html


def test_deleting_a_plan_asks_first_then_keeps_the_booked_slots(client, staff, provider, offering, rule, make_user):
    booked = next_slot(offering)
    book_places(booked, make_user, 1)
    free = Slot.objects.exclude(pk=booked.pk).count()
    client.force_login(staff)

    confirm = client.get(f"/provider/{provider.pk}/plans/{rule.pk}/delete/")
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode()
    assert ScheduleRule.objects.exists()

    response = client.post(f"/provider/{provider.pk}/plans/{rule.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/provider/{provider.pk}/plans/", 302)]
    assert messages_of(response) == [
        zh("Weekly plan deleted: %(removed)d free slots removed; booked slots are kept.", removed=free)
    ]
    assert not ScheduleRule.objects.exists()
    assert list(Slot.objects.values_list("pk", "num_booked")) == [(booked.pk, 1)]


# Slots of the day


def test_the_slot_list_shows_each_slots_places(client, staff, provider, offering, make_slot, make_user):
    slot = make_slot(offering, starts_in=until_local(1, 9), capacity=4, counter_capacity=1)
    book_places(slot, make_user, 2)
    closed = make_slot(offering, starts_in=until_local(1, 11), capacity=2, is_open=False)
    client.force_login(staff)

    response = client.get(f"/provider/{provider.pk}/slots/", {"date": services.local_day(slot.starts_at).isoformat()})

    html = response.content.decode()
    row = re.search(rf"{timezone.localtime(slot.starts_at):%H:%M}–.*?</tr>", html, re.S).group(0)
    # places, held, booked, free online
    assert [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", row)] == [4, 1, 2, 1]
    assert zh("Open") in row
    closed_row = re.search(rf"{timezone.localtime(closed.starts_at):%H:%M}–.*?</tr>", html, re.S).group(0)
    assert zh("Closed") in closed_row
    assert "<caption" in html and 'scope="col"' in html and "table-responsive" in html


def test_the_slot_list_filters_by_service(client, staff, provider, offering, sector, make_slot):
    from catalog.services import create_service

    second = add_offering(create_service("社保咨询", sector), provider)
    mine = make_slot(offering, starts_in=until_local(1, 9))
    theirs = make_slot(second, starts_in=until_local(1, 10))
    client.force_login(staff)
    day = services.local_day(mine.starts_at).isoformat()

    html = client.get(f"/provider/{provider.pk}/slots/", {"date": day, "offering": second.pk}).content.decode()

    assert f"/slots/{theirs.pk}/" in html and f"/slots/{mine.pk}/" not in html


@pytest.mark.parametrize(
    "query", [{"date": "2026-02-30"}, {"date": "x" * 300}, {"offering": "abc"}, {"offering": "-1"}]
)
def test_bad_filters_on_the_slot_list_are_ignored_not_fatal(client, staff, provider, other_offering, query):
    client.force_login(staff)

    response = client.get(f"/provider/{provider.pk}/slots/", query)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_each_open_slot_can_be_closed_from_the_list(client, staff, provider, offering, make_slot):
    slot = make_slot(offering)
    client.force_login(staff)
    day = services.local_day(slot.starts_at).isoformat()

    html = client.get(f"/provider/{provider.pk}/slots/", {"date": day}).content.decode()

    close_form = re.search(
        # A GET: the next page says what closing cancels and asks first (issue 19, item 4).
        rf'<form method="get" action="/provider/{provider.pk}/slots/{slot.pk}/close/".*?</form>',
        html,
        re.S,
    )
    assert close_form
    assert 'name="reason"' in close_form.group(0) and "required" in close_form.group(0)
    assert f'for="close-reason-{slot.pk}"' in close_form.group(0)
    assert f'name="next" value="/provider/{provider.pk}/slots/?date={day}"' in close_form.group(0)

    response = client.post(
        f"/provider/{provider.pk}/slots/{slot.pk}/close/",
        {"reason": "律师临时外出", "next": f"/provider/{provider.pk}/slots/?date={day}"},
    )

    assert response["Location"] == f"/provider/{provider.pk}/slots/?date={day}"
    slot.refresh_from_db()
    assert not slot.is_open
    html = client.get(f"/provider/{provider.pk}/slots/", {"date": day}).content.decode()
    assert f"/slots/{slot.pk}/close/" not in html


def test_the_slot_lists_queries_do_not_grow_with_the_slots(client, staff, provider, offering, make_slot, make_user):
    client.force_login(staff)
    first = make_slot(offering, starts_in=timedelta(days=2), capacity=5)
    book_places(first, make_user, 1)
    day = services.local_day(first.starts_at)
    url = f"/provider/{provider.pk}/slots/?date={day.isoformat()}"

    def queries():
        client.get(url)  # the first request also reads the header and footer, kept for the next (cms/chrome.py)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    with_one = queries()
    start = scheduling.day_start(day)  # two days ahead: the whole day is still bookable
    for n in range(1, 10):
        starts_at = start + timedelta(minutes=30 * n, seconds=1)  # never ``first``'s start, which has no seconds
        more = Slot.objects.create(
            offering=offering, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), capacity=3
        )
        book_places(more, make_user, 1)
    assert Slot.objects.filter(offering=offering).count() == 10
    assert queries() == with_one


def test_a_slots_places_can_be_changed(client, staff, provider, offering, make_slot, make_user):
    slot = make_slot(offering, capacity=3)
    book_places(slot, make_user, 2)
    client.force_login(staff)

    form_page = client.get(f"/provider/{provider.pk}/slots/{slot.pk}/").content.decode()
    assert 'value="3"' in form_page and 'for="id_capacity"' in form_page and 'for="id_counter_capacity"' in form_page

    response = client.post(
        f"/provider/{provider.pk}/slots/{slot.pk}/", {"capacity": "6", "counter_capacity": "2"}, follow=True
    )

    day = services.local_day(slot.starts_at).isoformat()
    assert response.redirect_chain == [(f"/provider/{provider.pk}/slots/?date={day}", 302)]
    slot.refresh_from_db()
    assert (slot.capacity, slot.counter_capacity, slot.num_booked) == (6, 2, 2)
    assert len(messages_of(response)) == 1


def test_a_slots_places_below_the_bookings_are_refused_on_the_page(
    client, staff, provider, offering, make_slot, make_user
):
    slot = make_slot(offering, capacity=3)
    book_places(slot, make_user, 3)
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/slots/{slot.pk}/", {"capacity": "1", "counter_capacity": "0"})

    assert response.status_code == 200
    (error,) = response.context["form"].errors["capacity"]
    assert error in response.content.decode()
    slot.refresh_from_db()
    assert (slot.capacity, slot.num_booked) == (3, 3)


@pytest.mark.parametrize(
    "data",
    [
        {"capacity": "", "counter_capacity": "0"},
        {"capacity": "x", "counter_capacity": "0"},
        {"capacity": "3", "counter_capacity": "4"},
        {"capacity": "99999999999", "counter_capacity": "0"},
    ],
)
def test_bad_slot_places_are_explained_and_change_nothing(client, staff, provider, offering, make_slot, data):
    slot = make_slot(offering, capacity=3)
    client.force_login(staff)

    response = client.post(f"/provider/{provider.pk}/slots/{slot.pk}/", data)

    assert response.status_code == 200
    assert response.context["form"].errors
    slot.refresh_from_db()
    assert (slot.capacity, slot.counter_capacity) == (3, 0)


def test_a_slot_that_is_over_offers_no_form(client, staff, provider, offering, make_slot):
    slot = make_slot(offering, starts_in=-timedelta(hours=3))
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/slots/{slot.pk}/").content.decode()
    assert 'name="capacity"' not in html

    response = client.post(f"/provider/{provider.pk}/slots/{slot.pk}/", {"capacity": "9", "counter_capacity": "0"})
    assert response.context["form"].errors["__all__"] == [
        zh("This time slot is over: its places can no longer be changed.")
    ]
    slot.refresh_from_db()
    assert slot.capacity == 3

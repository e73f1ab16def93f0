"""Isolation, as one matrix over every console route and the provider API.

Each route of ``providers.console.urls`` is called with GET and with a POST that would
change something if it were accepted, by every kind of visitor who is not
staff of provider A. None of them may see A's data or change anything. The
routes are read from the URL configuration, so a new console page is in the
matrix the moment it exists (and fails here until its ids can be filled in).
The exact answers of each page to A's own staff are tested next to the pages.
Oscar's dashboard is in the matrix too: no provider's staff reach any page of it.
"""

import json
from datetime import time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.services import add_offering
from marketplace.booking.models import Booking
from marketplace.matters import services as matters
from marketplace.matters.models import Desk, Matter, MatterStep
from providers.console import urls as console_urls
from providers.console.counter_forms import resident_token
from providers.models import Closure, ScheduleRule, Slot
from ratings import services as ratings
from ratings.models import Rating
from ratings.services import follow_ups
from tests.conftest import ended_booking
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.dashboard.test_access import refused
from tests.marketplace.dashboard.test_access import urls as dashboard_urls

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


Order = get_model("order", "Order")
User = get_user_model()

KINDS = ("anonymous", "resident", "staff of B")
# Closing a slot and replying to a rating ask first on a page a GET shows (issue 19, item 4).
POST_ONLY = {
    "check-in",
    "no-show",
    "evidence-not-shown",
    "counter-register",
    "closure-reopen",
    "case-answer",
    "matter-step",
    "matter-booking",
    "matter-material",
    "matter-session",
    "matter-held",
}


@pytest.fixture
def world(
    provider, other_provider, offering, service, staff, other_staff, resident, other_resident, today_booking, make_slot
):
    """Provider A with a booking, a plan, a closure and a poor rating with its case; provider B with its own staff
    and offering."""
    today = today_booking.slot.starts_at.date()
    rule = ScheduleRule.objects.create(
        offering=offering,
        opens_at=time(9),
        closes_at=time(11),
        slot_minutes=60,
        capacity=2,
        valid_from=today + timedelta(days=20),
    )
    closure = Closure.objects.create(
        partner=provider, starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=31), reason="设备检修"
    )
    add_offering(service, other_provider)
    visit = ended_booking(resident, make_slot, offering, status=Booking.Status.CHECKED_IN)
    rating = ratings.rate_visit(resident, visit.code, 1, ["long_wait"], "等了一个小时")
    Desk.objects.create(kind="legal_question", organisation=provider, is_default=True)
    Desk.objects.create(kind="legal_question", organisation=other_provider)
    matter = matters.submit(resident, "legal_question", "房东不退押金", {"category": "housing"})
    return {
        "matter": matter,
        "booking": today_booking,
        "slot": today_booking.slot,
        "rule": rule,
        "closure": closure,
        "rating": rating,
        "A": provider,
        "B": other_provider,
        "visitors": {"anonymous": None, "resident": other_resident, "staff of B": other_staff},
        "staff of A": staff,
    }


def ids_of_a(world, partner):
    """URL arguments naming provider A's objects, under ``partner``'s console."""
    return {
        "partner_id": partner.pk,
        "code": world["booking"].code,
        "slot_id": world["slot"].pk,
        "rule_id": world["rule"].pk,
        "closure_id": world["closure"].pk,
        "rating_id": world["rating"].pk,
        "case_id": world["rating"].matter.pk,
        "reference": world["matter"].reference,
    }


def routes():
    """(name, argument names) of every console route."""
    return [(pattern.name, sorted(pattern.pattern.converters)) for pattern in console_urls.urlpatterns]


def url_of(name, arguments, ids):
    missing = [argument for argument in arguments if argument not in ids]
    assert not missing, f"the isolation matrix cannot fill {missing} of route {name!r}: add them to ids_of_a()"
    return reverse(f"provider:{name}", kwargs={argument: ids[argument] for argument in arguments})


def harmful_post(world, staff_member, partner):
    """Every field any console form reads, filled so that it would change A's data if accepted."""
    day = world["slot"].starts_at.date()
    return {
        "code": world["booking"].code,
        "reason": "试图越权关闭",
        "confirm": "1",
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "offering": world["slot"].offering_id,
        "slot": world["slot"].pk,
        "capacity": "1",
        "counter_capacity": "1",
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "opens_at": "08:00",
        "closes_at": "18:00",
        "slot_minutes": "30",
        "valid_from": day.isoformat(),
        "is_active": "on",
        "phone": world["booking"].user.phone,
        "name": "冒名者",
        "resident": resident_token(staff_member, partner, world["booking"].user) if staff_member else "",
        "consent": "on",
        "note": "越权",
        "reply": "越权回复",
        "answer": "越权答复",
        "show": "all",
        "action": "answer",
        "text": "越权答复",
        "to": world["B"].pk,
        "assignee": staff_member.pk if staff_member else "",
    }


def state():
    """What a visitor could change: bookings, slots, plans, closures, accounts and orders."""
    return (
        sorted(Booking.objects.values_list("pk", "status", "slot_id", "user_id", "channel")),
        sorted(Slot.objects.values_list("pk", "capacity", "counter_capacity", "num_booked", "is_open")),
        sorted(
            ScheduleRule.objects.values_list(
                "pk", "offering_id", "weekdays", "opens_at", "closes_at", "capacity", "counter_capacity", "is_active"
            )
        ),
        sorted(Closure.objects.values_list("pk", "starts_on", "ends_on")),
        User.objects.count(),
        Order.objects.count(),
        sorted(Rating.objects.values_list("pk", "reply", "replied_at", "hidden_at")),
        sorted(follow_ups().values_list("pk", "status", "answer", "closed_at")),
        sorted(Matter.objects.values_list("pk", "status", "organisation_id", "assignee_id", "closed_at")),
        MatterStep.objects.count(),
        sorted(Matter.bookings.through.objects.values_list("matter_id", "booking_id")),
    )


def test_the_matrix_knows_every_route():
    names = [name for name, _arguments in routes()]

    assert len(names) == len(set(names)), "every console route needs its own name"
    assert {
        "index",
        "day",
        "check-in",
        "counter-book",
        "closures",
        "slot-close",
        "rule-edit",
        "slot-edit",
        "ratings",
        "rating-reply",
        "cases",
        "case-answer",
        "matters",
        "matter",
        "matter-step",
        "matter-booking",
        "matter-material",
    } <= set(names)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_but_as_staff_sees_or_changes_as_console(client, world, kind, method):
    visitor = world["visitors"][kind]
    if visitor is not None:
        client.force_login(visitor)
    before = state()

    for name, arguments in routes():
        if name == "index":  # the console's entrance names no provider: see test_console_index_answers_each_visitor
            continue
        url = url_of(name, arguments, ids_of_a(world, world["A"]))
        data = harmful_post(world, visitor if kind == "staff of B" else None, world["A"]) if method == "post" else {}

        response = getattr(client, method)(url, data)

        if kind == "anonymous":
            assert response.status_code == 302, (name, method)
            assert response["Location"].startswith("/shop/accounts/login/"), name
        else:
            # 405: a GET on a POST-only action, refused before anything is read.
            assert response.status_code in (404, 405), (name, method, response.status_code)
            assert world["booking"].code not in response.content.decode(), name
            assert world["rating"].comment not in response.content.decode(), name
            assert world["matter"].text not in response.content.decode(), name
        assert state() == before, f"{kind} changed something through {method.upper()} {url}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_bs_staff_cannot_reach_as_objects_from_their_own_console(client, world, method):
    """Crafted URLs: B's own console, A's booking code, slot, plan and closure ids."""
    other_staff = world["visitors"]["staff of B"]
    client.force_login(other_staff)
    before = state()

    for name, arguments in routes():
        if not set(arguments) - {"partner_id"}:
            continue  # names no object of A
        url = url_of(name, arguments, ids_of_a(world, world["B"]))
        data = harmful_post(world, other_staff, world["B"]) if method == "post" else {}

        response = getattr(client, method)(url, data)

        # 302: an action of B's own console (no-show by code) that says "no such booking here" and goes back.
        assert response.status_code in (302, 404, 405), (name, method, response.status_code)
        assert state() == before, f"B's staff changed A's data through {method.upper()} {url}"


def test_bs_staff_cannot_close_or_book_as_slots_through_bs_forms(client, world):
    """Crafted form values: A's slot and offering posted to B's own pages."""
    other_staff, partner = world["visitors"]["staff of B"], world["B"]
    client.force_login(other_staff)
    before = state()
    data = harmful_post(world, other_staff, partner)
    base = f"/provider/{partner.pk}"

    for url in (
        f"{base}/closures/",
        f"{base}/counter/book/",
        f"{base}/plans/new/",
        f"{base}/check-in/",
        f"{base}/ratings/{world['rating'].pk}/reply/",
        f"{base}/cases/{world['rating'].matter.pk}/answer/",
    ):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400, 404), (url, response.status_code)

    assert state() == before


def test_as_staff_are_answered_on_every_route(client, world):
    """The other side of the matrix: A's own staff reach every page, and nothing answers 500."""
    client.force_login(world["staff of A"])

    for name, arguments in routes():
        url = url_of(name, arguments, ids_of_a(world, world["A"]))
        response = client.get(url)
        assert response.status_code in (200, 302, 405), (name, response.status_code)
        assert response.status_code != 405 or name in POST_ONLY, name


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [("anonymous", 401, None), ("resident", 403, "not_staff"), ("staff of B", 404, "not_found")],
)
def test_the_provider_api_is_isolated_the_same_way(world, kind, status, error):
    from django.test import Client

    visitor = world["visitors"][kind]
    api = authorised_client(visitor) if visitor is not None else Client()
    before = state()

    response = api.post(
        f"{API}/provider/checkins", json.dumps({"code": world["booking"].code}), content_type="application/json"
    )

    assert response.status_code == status
    if error:
        assert response.json()["code"] == error
    assert world["booking"].user.phone not in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("who", ["staff of A", "staff of B"])
def test_no_providers_staff_reach_oscars_dashboard_even_with_its_old_permission(client, world, who):
    """Neither A's staff nor B's, even holding what Oscar would let in: ``partner.dashboard_access`` and
    ``is_staff`` (as the demo and earlier set-ups gave them). GET and a POST that would hide A's service
    and move A's order if either were accepted."""
    from django.contrib.auth.models import Permission

    member = world["staff of A"] if who == "staff of A" else world["visitors"]["staff of B"]
    member.user_permissions.add(Permission.objects.get(content_type__app_label="partner", codename="dashboard_access"))
    User.objects.filter(pk=member.pk).update(is_staff=True)
    client.force_login(member)
    booking = world["booking"]
    answered = {}
    for name, url in dashboard_urls(world["A"], world["staff of A"], booking).items():
        answered[name, "GET"] = client.get(url)
        answered[name, "POST"] = client.post(url, {"is_public": "", "new_status": "no_show"})
    assert [key for key, response in answered.items() if not refused(response)] == []
    booking.order.refresh_from_db()
    booking.slot.offering.product.refresh_from_db()
    assert booking.order.status == "booked" and booking.slot.offering.product.is_public

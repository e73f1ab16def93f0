"""The waiting list through the API: POST /waitlist, GET /waitlist, DELETE /waitlist/{id}, POST .../accept."""

import json
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.booking import services, signals, waitlist
from marketplace.booking.models import WaitlistEntry
from tests.conftest import needs_postgres
from tests.marketplace.api.conftest import API, assert_error, token_of

Booking = get_model("booking", "Booking")


def join(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}/waitlist", data, content_type="application/json")


@pytest.fixture
def full_slot(make_slot, offering, other_resident):
    slot = make_slot(offering, capacity=1)
    services.book(other_resident, slot.pk)
    return slot


def test_joining_a_full_slot_answers_the_place_in_line(resident_api, full_slot, make_user):
    waitlist.join(make_user(email="first@example.com", phone="13500000001"), full_slot.pk)

    response = join(resident_api, {"slot": full_slot.pk})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slot"] == full_slot.pk
    assert body["position"] == 2
    assert body["status"] == "waiting"
    assert WaitlistEntry.objects.get(pk=body["id"]).status == "waiting"


def test_a_slot_with_a_place_is_409_slot_not_full(resident_api, slot):
    assert_error(join(resident_api, {"slot": slot.pk}), 409, "slot_not_full")
    assert not WaitlistEntry.objects.exists()


def test_joining_twice_is_409_already_waiting(resident_api, full_slot):
    assert join(resident_api, {"slot": full_slot.pk}).status_code == 201
    assert_error(join(resident_api, {"slot": full_slot.pk}), 409, "already_waiting")
    assert WaitlistEntry.objects.count() == 1


def test_an_unknown_slot_is_404(resident_api):
    assert_error(join(resident_api, {"slot": 999_999}), 404, "not_found")


@pytest.mark.parametrize("body", ["{}", '{"slot": "1"}', '{"slot": 0}', "null", "nonsense"])
def test_malformed_joins_are_json_400s(resident_api, full_slot, body):
    assert_error(join(resident_api, body), 400, "invalid")
    assert not WaitlistEntry.objects.exists()


def test_joining_needs_a_token(api, full_slot):
    assert_error(join(api, {"slot": full_slot.pk}), 401, "unauthorized")


def test_leaving_is_204_and_someone_elses_entry_is_404(resident_api, other_api, resident, full_slot, make_user):
    entry = waitlist.join(resident, full_slot.pk)

    assert_error(other_api.delete(f"{API}/waitlist/{entry.pk}"), 404, "not_found")
    entry.refresh_from_db()
    assert entry.status == "waiting"

    response = resident_api.delete(f"{API}/waitlist/{entry.pk}")
    assert response.status_code == 204
    entry.refresh_from_db()
    assert entry.status == "left"
    assert resident_api.get(f"{API}/waitlist").json() == {"results": []}


def test_an_unknown_entry_is_404(resident_api):
    assert_error(resident_api.delete(f"{API}/waitlist/424242"), 404, "not_found")


def test_an_offer_is_listed_and_accepted_into_a_booking(
    resident_api, resident, full_slot, django_capture_on_commit_callbacks
):
    entry = waitlist.join(resident, full_slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(Booking.objects.get(slot=full_slot))

    [listed] = resident_api.get(f"{API}/waitlist").json()["results"]
    assert (listed["id"], listed["status"], listed["position"]) == (entry.pk, "offered", 1)
    assert listed["offer_expires_at"]

    response = resident_api.post(f"{API}/waitlist/{entry.pk}/accept")

    assert response.status_code == 201, response.content
    assert response.json()["slot"]["id"] == full_slot.pk
    assert response.json()["status"] == "booked"
    full_slot.refresh_from_db()
    assert full_slot.num_booked == 1


def test_accepting_without_an_offer_is_409(resident_api, resident, full_slot):
    entry = waitlist.join(resident, full_slot.pk)
    assert_error(resident_api.post(f"{API}/waitlist/{entry.pk}/accept"), 409, "no_offer")
    assert not Booking.objects.filter(user=resident).exists()


# Concurrent cancellations on a slot with a waiting list: PostgreSQL only.

HOLDERS = 4
FREED = 3
WAITERS = 6


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_places_freed_at_once_are_offered_one_each_in_join_order(make_user, make_slot, offering):
    offering.product.max_active_per_resident = 0
    offering.product.save()
    slot = make_slot(offering, capacity=HOLDERS)
    holders = []
    for number in range(HOLDERS):
        user = make_user(email=f"holder{number}@example.com", phone=f"1370000{number:04d}")
        holders.append((token_of(user), services.book(user, slot.pk).code))
    waiters = []
    joined = timezone.now()
    for number in range(WAITERS):
        user = make_user(email=f"waiter{number}@example.com", phone=f"1380000{number:04d}")
        waiters.append(waitlist.join(user, slot.pk, now=joined + timedelta(seconds=number)))
    heard = []
    lock = threading.Lock()

    def offered(sender, entry, **kwargs):
        with lock:
            heard.append(entry.pk)

    signals.waitlist_offered.connect(offered)
    barrier = threading.Barrier(FREED)
    answers = []

    def cancel(token, code):
        client = Client(headers={"authorization": f"Bearer {token}"})
        try:
            barrier.wait(timeout=30)
            response = client.post(f"{API}/bookings/{code}/cancel")
            with lock:
                answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=holder) for holder in holders[:FREED]]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        signals.waitlist_offered.disconnect(offered)

    assert answers == [200] * FREED
    statuses = [WaitlistEntry.objects.get(pk=entry.pk).status for entry in waiters]
    assert statuses == ["offered"] * FREED + ["waiting"] * (WAITERS - FREED)
    assert Counter(heard) == {entry.pk: 1 for entry in waiters[:FREED]}
    slot.refresh_from_db()
    # One holder left and a place held for each offer: still full, never over.
    assert slot.num_booked == HOLDERS
    assert Booking.objects.filter(slot=slot, status="booked").count() == HOLDERS - FREED

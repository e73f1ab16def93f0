"""One account's limits under parallel requests: dependants, places per account, failed sign-ins.

Runs on PostgreSQL only: SQLite serialises writers, so it cannot show the race.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from marketplace.booking.models import Booking
from marketplace.users.models import Dependant
from marketplace.users.services import add_dependant
from tests.conftest import PASSWORD, needs_postgres
from tests.marketplace.api.conftest import API, assert_error, token_of

REQUESTS = 20


def in_parallel(requests):
    """Send every ``(client, method, path, body)`` at the same moment, each from its own thread and
    database connection; the answers as ``(status, code)``."""
    barrier = threading.Barrier(len(requests))
    answers = []
    lock = threading.Lock()

    def send(client, method, path, body):
        try:
            barrier.wait(timeout=30)
            response = getattr(client, method)(path, body, content_type="application/json")
            code = response.json().get("code") if response.status_code >= 400 else None
            with lock:
                answers.append((response.status_code, code))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(requests)
    return Counter(answers)


def bearer(token):
    return Client(headers={"authorization": f"Bearer {token}"})


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_add_exactly_the_limit_of_dependants(resident):
    token = token_of(resident)
    requests = [
        (bearer(token), "post", f"{API}/dependants", {"name": f"家人{n}", "relation": "other"}) for n in range(REQUESTS)
    ]

    answers = in_parallel(requests)

    limit = settings.DEPENDANT_LIMIT
    assert answers == {(201, None): limit, (400, "invalid"): REQUESTS - limit}, answers
    assert Dependant.objects.filter(owner=resident).count() == limit


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_for_many_dependants_hold_exactly_the_accounts_limit(resident, service, offering, make_slot):
    family = [None, *(add_dependant(resident, f"家人{n}", "other") for n in range(10))]
    slots = [make_slot(offering, starts_in=timedelta(days=1, hours=hour), capacity=REQUESTS) for hour in range(2)]
    # Twenty different (person, slot) pairs: no single person is over the per-person limit of two.
    wanted = [(person, slot) for slot in slots for person in family][:REQUESTS]
    token = token_of(resident)
    requests = [
        (
            bearer(token),
            "post",
            f"{API}/bookings",
            {"slot": slot.pk, **({"dependant": person.pk} if person else {})},
        )
        for person, slot in wanted
    ]

    answers = in_parallel(requests)

    cap = service.max_active_per_resident * settings.BOOKING_PERSONS_PER_ACCOUNT
    assert cap == 8
    assert answers == {(201, None): cap, (409, "limit_reached"): REQUESTS - cap}, answers
    assert Booking.objects.filter(user=resident).count() == cap
    for slot in slots:
        slot.refresh_from_db()
    assert sum(slot.num_booked for slot in slots) == cap


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_still_lock_the_account(resident):
    requests = [
        (Client(), "post", f"{API}/auth/token", {"email": "resident@example.com", "password": f"guess-{n}"})
        for n in range(REQUESTS)
    ]

    answers = in_parallel(requests)

    assert set(answers) <= {(401, "bad_credentials"), (429, "rate_limited")}, answers
    assert answers[(401, "bad_credentials")] < settings.SIGNIN_FAILURE_LIMIT + REQUESTS
    # Whatever the interleaving, the account is locked now, even for its right password.
    response = Client().post(
        f"{API}/auth/token", {"email": "resident@example.com", "password": PASSWORD}, content_type="application/json"
    )
    assert_error(response, 429, "rate_limited")

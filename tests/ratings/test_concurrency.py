"""Residents and staff acting at the same moment (PostgreSQL: real threads released together)."""

import threading

import pytest
from django.db import connection

from ratings import services
from ratings.models import Rating
from ratings.services import follow_ups
from tests.conftest import needs_postgres

RACERS = 8


def race(action):
    """Run ``action(n)`` in ``RACERS`` threads released together; the results and errors, by kind."""
    barrier = threading.Barrier(RACERS)
    results, errors = [], []
    lock = threading.Lock()

    def run(n):
        try:
            barrier.wait(timeout=30)
            result = action(n)
            with lock:
                results.append(result)
        except services.RatingError as error:
            with lock:
                errors.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_rating_the_same_visit_at_once_keeps_one_rating_and_one_case(visit):
    results, errors = race(lambda n: services.rate_visit(visit.user, visit.code, 1 + n % 2, comment=f"第{n}次"))

    assert len(results) == 1
    assert errors == ["not_ratable"] * (RACERS - 1)
    assert Rating.objects.filter(booking=visit).count() == 1
    assert follow_ups().count() <= 1
    assert follow_ups().count() == 1  # the kept rating has 1 or 2 stars: it opened its case


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_replying_at_once_keeps_exactly_one_reply(visit, staff):
    rating = services.rate_visit(visit.user, visit.code, 4)

    results, errors = race(lambda n: services.reply_to_rating(staff, rating.pk, f"回复{n}"))

    assert len(results) == 1
    assert errors == ["already_replied"] * (RACERS - 1)
    rating.refresh_from_db()
    assert rating.reply == results[0].reply


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_answering_and_confirming_at_once_answer_once_and_close_once(visit, staff):
    case = services.rate_visit(visit.user, visit.code, 1).matter

    answered, refused = race(lambda n: services.answer_case(staff, case.pk, f"答复{n}"))
    assert (len(answered), refused) == (1, ["case_not_answerable"] * (RACERS - 1))

    confirmed, refused = race(lambda n: services.confirm_case(visit.user, case.pk, resolved=n % 2 == 0))
    assert (len(confirmed), refused) == (1, ["case_not_confirmable"] * (RACERS - 1))
    case = follow_ups().get(pk=case.pk)
    assert case.answer == answered[0].answer
    assert case.status == confirmed[0].status

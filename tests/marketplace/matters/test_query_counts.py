"""The queue and the resident's list: the same number of queries however many matters there are, in order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.matters import services

pytestmark = pytest.mark.django_db

QUESTION = {"category": "labour"}


def submit(resident, number):
    return services.submit(resident, "legal_question", f"第{number}个问题：工资拖欠怎么办？", QUESTION)


def shown(matters):
    """What a list shows of each matter: its organisation, handler, whom it serves, its status."""
    return [
        (
            matter.reference,
            matter.organisation.name,
            matter.assignee.get_full_name() if matter.assignee_id else "",
            matter.person_served,
            str(matter.status_label),
            str(matter.resident_status_label),
            matter.is_overdue(),
        )
        for matter in matters
    ]


def queries(read):
    with CaptureQueriesContext(connection) as captured:
        rows = read()
    return len(captured), rows


def test_the_queue_and_the_residents_list_do_not_send_more_queries_for_more_matters(
    desks, resident, other_resident, staff
):
    submit(resident, 0)
    services.take_step(staff, submit(other_resident, 1).reference, "assign", assignee=staff)

    def the_queue():
        return shown(services.queue_of(staff)[:50])

    def the_open_queue():
        return shown(services.queue_of(staff, status="open", kind="legal_question")[:50])

    def the_list():
        return shown(services.matters_of(resident))

    few = {read.__name__: queries(read) for read in (the_queue, the_open_queue, the_list)}
    for number in range(2, 14):
        matter = submit(resident if number % 2 else other_resident, number)
        if number % 3 == 0:
            services.take_step(staff, matter.reference, "assign", assignee=staff)
    many = {read.__name__: queries(read) for read in (the_queue, the_open_queue, the_list)}

    for name in few:
        assert len(many[name][1]) > len(few[name][1]), name  # more rows shown...
        assert many[name][0] == few[name][0], name  # ...by as many queries
    # The queue: the staff member's organisations, then the page; the resident's list: one query.
    assert (few["the_queue"][0], few["the_open_queue"][0], few["the_list"][0]) == (2, 2, 1)


def test_the_queue_shows_open_matters_by_deadline_then_the_most_recently_closed(desks, resident, staff):
    now = timezone.now()
    late = services.submit(resident, "legal_question", "早", QUESTION, now=now - timedelta(days=30))
    fresh = services.submit(resident, "legal_question", "晚", QUESTION, now=now - timedelta(days=1))
    closed_long_ago = services.submit(resident, "legal_question", "一", QUESTION, now=now - timedelta(days=20))
    closed_lately = services.submit(resident, "legal_question", "二", QUESTION, now=now - timedelta(days=25))
    services.take_step(resident, closed_long_ago.reference, "withdraw", now=now - timedelta(days=10))
    services.take_step(resident, closed_lately.reference, "withdraw", now=now - timedelta(days=2))

    assert list(services.queue_of(staff)) == [late, fresh, closed_lately, closed_long_ago]
    assert list(services.queue_of(staff, status="open")) == [late, fresh]
    assert list(services.queue_of(staff, status="closed")) == [closed_lately, closed_long_ago]

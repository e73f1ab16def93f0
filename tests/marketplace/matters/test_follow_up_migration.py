"""The follow-up cases of poor ratings become matters (matters 0003, ratings 0004): a database that
holds cases keeps every one, with its history, as a ``follow_up`` matter in the provider's queue."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from marketplace.matters import services as matters
from marketplace.matters import workdays
from marketplace.matters.models import Matter
from ratings import services as ratings

# Each app's last migration while cases were their own model.
BEFORE = [("matters", "0002_matter_queue_idx_in_queue_order"), ("ratings", "0003_ratings_kept")]
CASE_FIELDS = (
    "rating_id",
    "status",
    "opened_at",
    "answer",
    "answered_at",
    "answered_by_id",
    "resident_note",
    "closed_at",
)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def timeline(matter):
    return list(matter.steps.values_list("action", "status", "actor_kind", "actor_id", "organisation_id", "text", "at"))


@pytest.mark.django_db(transaction=True)
def test_cases_become_follow_up_matters_with_their_timeline(
    resident, other_resident, staff, provider, offering, rated_visit
):
    # Ratings of three stars open no case today: the cases are written as the old model held them.
    waiting = rated_visit(resident, offering, 3, comment="排队等了一个小时", ago=timedelta(hours=5))
    answered = rated_visit(other_resident, offering, 3, comment="态度不好", ago=timedelta(days=2))
    resolved = rated_visit(resident, offering, 3, ago=timedelta(days=3))
    lapsed = rated_visit(other_resident, offering, 3, ago=timedelta(days=40))
    assert not Matter.objects.exists()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old_apps = migrate(BEFORE)
    FollowUpCase = old_apps.get_model("ratings", "FollowUpCase")
    hour = timedelta(hours=1)
    FollowUpCase.objects.create(rating_id=waiting.pk, status="open", opened_at=waiting.created_at)
    FollowUpCase.objects.create(
        rating_id=answered.pk,
        status="answered",
        opened_at=answered.created_at,
        answer="已增加一个窗口",
        answered_at=answered.created_at + 3 * hour,
        answered_by_id=staff.pk,
    )
    FollowUpCase.objects.create(
        rating_id=resolved.pk,
        status="resolved",
        opened_at=resolved.created_at,
        answer="已道歉",
        answered_at=resolved.created_at + hour,
        answered_by_id=staff.pk,
        resident_note="满意",
        closed_at=resolved.created_at + 10 * hour,
    )
    FollowUpCase.objects.create(
        rating_id=lapsed.pk,
        status="lapsed",
        opened_at=lapsed.created_at,
        answer="已改进",
        answered_at=lapsed.created_at + 2 * hour,
        answered_by_id=staff.pk,
        closed_at=lapsed.created_at + 2 * hour + timedelta(days=7),
    )
    before = sorted(FollowUpCase.objects.values_list(*CASE_FIELDS))

    migrate(latest)
    assert "ratings_followupcase" not in connection.introspection.table_names()
    by_rating = {matter.rating_id: matter for matter in Matter.objects.all()}
    assert set(by_rating) == {waiting.pk, answered.pk, resolved.pk, lapsed.pk}
    for rating, matter in ((waiting, by_rating[waiting.pk]), (lapsed, by_rating[lapsed.pk])):
        assert (matter.kind, matter.channel, matter.applicant_id, matter.organisation_id) == (
            "follow_up",
            "system",
            rating.booking.user_id,
            provider.pk,
        )
        assert (matter.text, matter.submitted_at) == (rating.comment, rating.created_at)
        assert list(matter.bookings.all()) == [rating.booking]
    # Numbered by the year each case opened in, in the order they opened: HF-<year>-<n>.
    numbers, expected = Counter(), {}
    for matter in sorted(by_rating.values(), key=lambda matter: matter.submitted_at):
        year = workdays.local_day(matter.submitted_at).year
        numbers[year] += 1
        expected[matter.pk] = f"HF-{year}-{numbers[year]:06d}"
    assert {matter.pk: matter.reference for matter in by_rating.values()} == expected
    assert all(re.fullmatch(r"HF-\d{4}-\d{6}", reference) for reference in expected.values())

    # Still open: it waits for the provider, due in working days from its opening.
    matter = by_rating[waiting.pk]
    assert (matter.status, matter.waits_for, matter.closed_at) == ("open", "staff", None)
    assert matter.due_at == workdays.deadline(waiting.created_at, settings.FOLLOW_UP_ANSWER_DAYS)
    assert timeline(matter) == [("submitted", "open", "system", None, None, "", waiting.created_at)]
    assert matter in matters.queue_of(staff, status="open")

    # Answered: it waits for the resident, who is asked to confirm on the rating page.
    matter = by_rating[answered.pk]
    answered_at = answered.created_at + 3 * hour
    assert (matter.status, matter.waits_for, matter.status_since) == ("answered", "applicant", answered_at)
    assert matter.due_at == workdays.deadline(answered_at, settings.FOLLOW_UP_CONFIRM_DAYS)
    assert timeline(matter)[1:] == [
        ("answer", "answered", "staff", staff.pk, provider.pk, "已增加一个窗口", answered_at)
    ]
    assert list(ratings.cases_to_confirm(other_resident)) == [matter]
    assert ratings.case_of(answered).answer == "已增加一个窗口"

    # Resolved by the resident, with their note; closed when they said so.
    matter = by_rating[resolved.pk]
    closed_at = resolved.created_at + 10 * hour
    assert (matter.status, matter.waits_for, matter.due_at, matter.closed_at) == ("resolved", "", None, closed_at)
    assert [row[:6] for row in timeline(matter)] == [
        ("submitted", "open", "system", None, None, ""),
        ("answer", "answered", "staff", staff.pk, provider.pk, "已道歉"),
        ("resolved", "resolved", "applicant", resident.pk, None, "满意"),
    ]
    assert ratings.hours_to_close(ratings.case_of(resolved)) == pytest.approx(10)
    assert ratings.case_of(resolved).resident_note == "满意"

    # Lapsed: closed by the system at the end of the resident's wait.
    matter = by_rating[lapsed.pk]
    assert (matter.status, matter.closed_at) == ("lapsed", lapsed.created_at + 2 * hour + timedelta(days=7))
    assert [row[:3] for row in timeline(matter)] == [
        ("submitted", "open", "system"),
        ("answer", "answered", "staff"),
        ("lapse", "lapsed", "system"),
    ]

    # The one path carries on from where each case stood: the provider answers the open one.
    ratings.answer_case(staff, by_rating[waiting.pk].pk, "已联系您")
    assert ratings.case_of(waiting).status == "answered"

    # Going back makes the cases again, as they were (the open one now answered).
    old_apps = migrate(BEFORE)
    again = sorted(old_apps.get_model("ratings", "FollowUpCase").objects.values_list(*CASE_FIELDS))
    assert [row for row in again if row[0] != waiting.pk] == [row for row in before if row[0] != waiting.pk]
    assert next(row for row in again if row[0] == waiting.pk)[1:4] == ("answered", waiting.created_at, "已联系您")
    assert not old_apps.get_model("matters", "Matter").objects.exists()
    migrate(latest)

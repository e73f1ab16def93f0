"""Dead API tokens (expired or revoked) are deleted by a nightly job, as the system, and working ones kept."""

import re
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from wagtail.models import APIToken

from marketplace.audit.models import Action
from marketplace.scheduler import jobs
from marketplace.users import tokens
from tests.marketplace.api.conftest import API, authorised_client


def issued(user, created_ago, used_ago=None, revoked=False):
    token, plaintext = tokens.issue(user)
    now = timezone.now()
    APIToken.objects.filter(pk=token.pk).update(
        created=now - created_ago,
        last_used_at=None if used_ago is None else now - used_ago,
        revoked_at=now if revoked else None,
    )
    return token.pk, plaintext


def test_the_nightly_job_deletes_expired_and_revoked_tokens_and_keeps_working_ones(resident, other_resident):
    working = issued(resident, created_ago=timedelta(days=60), used_ago=timedelta(days=2))
    idle = issued(resident, created_ago=timedelta(days=40), used_ago=timedelta(days=31))
    too_old = issued(resident, created_ago=timedelta(days=91), used_ago=timedelta(hours=1))
    revoked = issued(other_resident, created_ago=timedelta(days=1), revoked=True)
    never_used_new = issued(other_resident, created_ago=timedelta(days=1))

    purge = jobs.jobs_by_name()["purge_dead_tokens"]
    assert jobs.fire(purge, timezone.now().replace(hour=3, minute=15, second=0, microsecond=0)) is not None

    assert set(APIToken.objects.values_list("pk", flat=True)) == {working[0], never_used_new[0]}
    assert authorised_client(resident).get(f"{API}/bookings").status_code == 200
    entries = Action.objects.filter(action=Action.Code.TOKENS_PURGED).order_by("person_id")
    assert [(entry.person_id, entry.detail, entry.actor_kind, entry.door, entry.actor_id) for entry in entries] == [
        (resident.pk, {"tokens": 2}, "system", "job", None),
        (other_resident.pk, {"tokens": 1}, "system", "job", None),
    ]
    assert {idle[0], too_old[0], revoked[0]}.isdisjoint(APIToken.objects.values_list("pk", flat=True))


def test_a_second_run_finds_nothing_to_delete_and_logs_nothing(resident, capsys):
    issued(resident, created_ago=timedelta(days=100))

    call_command("purge_dead_tokens")
    call_command("purge_dead_tokens")

    assert APIToken.objects.count() == 0
    assert Action.objects.filter(action=Action.Code.TOKENS_PURGED).count() == 1
    assert [re.findall(r"\d+", line) for line in capsys.readouterr().out.splitlines()] == [["1"], ["0"]]

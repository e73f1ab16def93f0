"""Background tasks through the database queue and its worker, end to end: nothing of ours mocked."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marketplace.background import background_task, enqueue_on_commit, scrub
from marketplace.booking import services
from marketplace.notifications.models import Notice
from tests.conftest import PASSWORD, needs_postgres
from tests.marketplace.tasks_helpers import DATABASE_QUEUE, run_db_worker, worker

RESIDENT_PHONE = "13812345678"
ID_NUMBER = "530102199001011234"


@background_task
def refused_by_gateway(user_id):
    """A task whose error text carries personal data, as a gateway's answer might."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    raise ValueError(f"gateway refused {user.phone} (ID {ID_NUMBER}, {user.email})")


RUNS = []
RUNS_LOCK = threading.Lock()


@background_task
def count_run(number):
    time.sleep(0.005)  # long enough for the workers to overlap
    with RUNS_LOCK:
        RUNS.append(number)


def test_personal_data_in_an_error_is_masked():
    text = scrub(f"to {RESIDENT_PHONE}, ID {ID_NUMBER}, zhang.san@example.com, order 20261205123456")
    assert RESIDENT_PHONE not in text and "138****5678" in text
    assert ID_NUMBER not in text and "530102********1234" in text
    assert "zhang.san@example.com" not in text and "z***@example.com" in text
    assert "20261205123456" in text  # other numbers stay readable


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_confirmation_is_sent_by_the_worker_once_the_booking_is_committed(resident, slot):
    booking = services.book(resident, slot.pk)

    # The request is done: nothing was sent inside it, the notice waits in the queue.
    assert mail.outbox == []
    waiting = DBTaskResult.objects.filter(task_path="marketplace.notifications.tasks.confirm")
    assert [(row.status, row.args_kwargs["args"]) for row in waiting] == [("READY", [booking.pk])]

    run_db_worker()

    (message,) = mail.outbox
    assert booking.code in message.body and message.to == [resident.email]
    assert set(Notice.objects.filter(booking=booking).values_list("channel", "status")) == {
        ("email", "sent"),
        ("sms", "sent"),
    }
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    # A task run again (a retry, a second worker) sends nothing twice: the notice is claimed.
    waiting.get().task.enqueue(booking.pk)
    run_db_worker()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_rolled_back_change_enqueues_nothing(resident, slot):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.book(resident, slot.pk)
        raise RuntimeError("the request failed after booking")

    assert not DBTaskResult.objects.exists()


def due_again(result):
    """Time passes: the retry's delay is over."""
    DBTaskResult.objects.filter(pk=result.pk).update(run_after=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE, TASK_RETRY_MINUTES=[1, 5, 30])
def test_a_failing_task_is_tried_again_after_1_5_and_30_minutes_then_shows_failed_to_administrators(
    client, admin_user, make_user
):
    # A task's arguments are ids: it reads the resident (and their phone) itself.
    resident = make_user(email="zhang.san@example.com", phone=RESIDENT_PHONE)
    refused_by_gateway.enqueue(resident.pk)

    for attempt, minutes in enumerate([1, 5, 30], start=1):
        before = timezone.now()
        run_db_worker()
        failed = DBTaskResult.objects.failed().order_by("-finished_at").first()
        assert f"attempt {attempt}; tried again at" in failed.traceback
        (retry,) = DBTaskResult.objects.filter(status="READY")
        assert retry.args_kwargs["kwargs"] == {"attempt": attempt + 1}
        # Not run before its time: a worker now leaves it waiting.
        assert before + timedelta(minutes=minutes) <= retry.run_after <= timezone.now() + timedelta(minutes=minutes)
        due_again(retry)
    run_db_worker()

    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [row.status for row in attempts] == ["FAILED"] * 4
    assert not DBTaskResult.objects.filter(status="READY").exists()
    last = attempts.last()
    assert "attempt 4; not tried again" in last.traceback
    assert "ValueError: gateway refused 138****5678" in last.traceback
    for row in attempts:
        assert RESIDENT_PHONE not in row.traceback and ID_NUMBER not in row.traceback
        assert "zhang.san@example.com" not in row.traceback

    client.login(username=admin_user.email, password=PASSWORD)
    listing = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(listing, {"outcome": "gave_up"}).content.decode()
    assert "refused_by_gateway" in page and "not tried again" in page and "138****5678" in page
    assert page.count("attempt 4; not tried again") == 1 and "attempt 3;" not in page
    assert RESIDENT_PHONE not in page
    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[last.pk])).content.decode()
    assert "138****5678" in page and RESIDENT_PHONE not in page
    assert client.get(listing, {"status__exact": "FAILED"}).content.decode().count("refused_by_gateway") >= 4


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_wagtails_own_tasks_run_on_the_same_worker():
    from wagtail.models import Locale, Page

    from cms.models import HomePage

    Locale.objects.get_or_create(language_code="zh-hans")  # a transactional test starts without Wagtail's rows
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    root.add_child(instance=HomePage(title="盘龙区公共服务云超市", slug="test-home"))
    wagtails = DBTaskResult.objects.filter(task_path="wagtail.tasks.update_reference_index_task")
    assert wagtails.exists()

    run_db_worker()

    assert set(wagtails.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


def test_enqueued_on_commit_runs_with_the_immediate_backend_in_tests(django_capture_on_commit_callbacks, db):
    RUNS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(count_run, 7)
        assert RUNS == []
    assert RUNS == [7]


@needs_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_two_workers_on_one_queue_run_each_task_exactly_once():
    RUNS.clear()
    tasks = 60
    for number in range(tasks):
        count_run.enqueue(number)
    start = threading.Barrier(2)

    def work(worker_id):
        try:
            start.wait()
            worker(worker_id).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(RUNS) == list(range(tasks))
    rows = list(DBTaskResult.objects.all())
    assert {row.status for row in rows} == {"SUCCESSFUL"}
    assert all(len(row.worker_ids) == 1 for row in rows)
    # Both took part (each claims with SKIP LOCKED, so neither waited for the other's row).
    assert {row.worker_ids[0] for row in rows} == {"worker-1", "worker-2"}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE, TASK_ABANDONED_MINUTES=30)
def test_a_task_its_worker_died_on_is_put_back_in_the_queue_and_runs():
    RUNS.clear()
    abandoned, busy = count_run.enqueue(1), count_run.enqueue(2)
    # As a worker leaves them: one claimed 31 minutes ago by a worker killed mid-task, one claimed a minute ago.
    for result, claimed_ago in ((abandoned, timedelta(minutes=31)), (busy, timedelta(minutes=1))):
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING, started_at=timezone.now() - claimed_ago, worker_ids=["gone"]
        )
    run_db_worker()
    assert RUNS == []  # no worker takes a running task

    call_command("requeue_abandoned_tasks")
    run_db_worker()

    assert RUNS == [1]
    assert DBTaskResult.objects.get(pk=abandoned.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING

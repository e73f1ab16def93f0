"""/healthz says whether this server can serve, and which of its parts does not: the database, the
cache, the task queue. Each failure is made real (a database file that cannot be opened, a Redis on a
closed port, tasks nobody works), nothing of ours mocked."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from marketplace.background import background_task, enqueue_on_commit
from tests.conftest import needs_postgres
from tests.marketplace.tasks_helpers import DATABASE_QUEUE

# Nothing listens on port 1 of this machine.
CLOSED_REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@background_task
def waiting_task(number):
    return number


def health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


@pytest.mark.django_db
def test_a_healthy_server_says_ok_for_each_check(client):
    assert health(client) == (200, {"status": "ok", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}})


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_is_named(client):
    with override_settings(CACHES={**settings.CACHES, "default": CLOSED_REDIS}):
        status, body = health(client)
    assert status == 503
    assert body == {"status": "failing", "checks": {"database": "ok", "cache": "failing", "queue": "ok"}}


@pytest.mark.django_db
def test_the_rate_limit_cache_counts_too(client):
    with override_settings(CACHES={**settings.CACHES, "ratelimit": CLOSED_REDIS}):
        status, body = health(client)
    assert (status, body["checks"]["cache"]) == (503, "failing")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_queue_nobody_works_fails_once_its_oldest_task_waited_too_long(client, time_machine):
    enqueue_on_commit(waiting_task, 1)
    assert DBTaskResult.objects.ready().count() == 1
    assert health(client)[0] == 200

    time_machine.move_to(timezone.now() + timedelta(seconds=settings.HEALTH_QUEUE_MAX_AGE_SECONDS + 60))
    status, body = health(client)
    assert status == 503
    assert body["checks"] == {"database": "ok", "cache": "ok", "queue": "failing"}

    # A worker ran it: healthy again.
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert health(client)[0] == 200


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_deferred_task_waits_from_when_it_is_due_not_from_when_it_was_enqueued(client, time_machine):
    enqueue_on_commit(waiting_task, 1, delay=timedelta(hours=1))
    # Not due yet, long after it was enqueued: nobody is late.
    time_machine.move_to(timezone.now() + timedelta(minutes=59))
    assert health(client)[0] == 200
    # Due for a minute: still within the allowance.
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    assert health(client)[0] == 200
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.HEALTH_QUEUE_MAX_AGE_SECONDS))
    assert health(client)[0] == 503


@pytest.fixture
def unreachable_database(transactional_db):
    """The default database's connection pointed at a database that cannot be reached, then put back."""
    connection.close()
    original = connection.settings_dict.copy()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/panlong.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def test_a_database_that_does_not_answer_is_named(unreachable_database):
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503
    checks = {"database": "failing", "cache": "ok", "queue": "failing"}
    assert response.json() == {"status": "failing", "checks": checks}


def served_by_wsgi(path):
    """The status of a GET as a WSGI server has Django answer it: the real handler, which checks or closes
    kept connections before and after each request (the test client skips that)."""
    statuses = []
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()
    return int(statuses[0].split()[0])


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("health_checks", [True, False])
def test_after_postgresql_drops_a_kept_connection_the_next_request_is_served(health_checks):
    """Issue 23 item 6: a server keeps its connection between requests (CONN_MAX_AGE); when PostgreSQL
    restarts, that connection is dead. With CONN_HEALTH_CHECKS (the setting, base.py) the next request
    reconnects; without, it answered 500, as measured before."""
    import psycopg

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    connection.close()
    original = connection.settings_dict.copy()
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=health_checks)
    try:
        assert served_by_wsgi("/api/v1/categories") == 200
        kept = connection.connection.info.backend_pid
        # What a restart does to the server's connection: PostgreSQL ends it.
        with psycopg.connect(**connection.get_connection_params()) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [kept])

        if health_checks:
            assert served_by_wsgi("/api/v1/categories") == 200
            assert connection.connection.info.backend_pid != kept
        else:
            # What residents met before: a 500, now the outage answer (marketplace/outage.py), still a failure.
            assert served_by_wsgi("/api/v1/categories") == 503
            assert served_by_wsgi("/api/v1/categories") == 200  # the dead connection was closed after the error
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)

"""/healthz: is this server able to serve? The database answers, the cache answers, and the task queue
is being worked (its oldest task ready to run has waited at most HEALTH_QUEUE_MAX_AGE_SECONDS).

200 {"status": "ok", "checks": {...}} or 503 {"status": "failing", "checks": {...}} naming each check
"ok" or "failing": no personal data, no error text (it could carry an address or a password), the
error's type in the log. Three small queries and one cache round trip, for a probe every few seconds.
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache():
    """Every configured cache (the default one, the rate limits') takes a value and gives it back."""
    for alias in settings.CACHES:
        store = caches[alias]
        value = str(time.monotonic_ns())
        store.set("healthz", value, 30)
        if store.get("healthz") != value:
            raise RuntimeError(f"cache {alias} did not keep a value")


def queue():
    """The oldest task ready to run has waited at most HEALTH_QUEUE_MAX_AGE_SECONDS since it became ready."""
    # A task without a time runs as soon as it is enqueued; a deferred one is due at its time.
    due = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=Greatest("enqueued_at", "run_after"))
    ready_since = DBTaskResult.objects.ready().aggregate(oldest=Min(due))["oldest"]
    if ready_since and (timezone.now() - ready_since).total_seconds() > settings.HEALTH_QUEUE_MAX_AGE_SECONDS:
        raise RuntimeError("the oldest ready task has waited too long: is a worker running?")


CHECKS = {"database": database, "cache": cache, "queue": queue}


@never_cache
@require_safe
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.error("Health check %s failing: %s", name, type(error).__name__)
            results[name] = "failing"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": results}, status=200 if healthy else 503)

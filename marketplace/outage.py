"""The site's answer when the database or Redis cannot be reached: 503 with a code, never a 500.

While PostgreSQL restarts or Redis is stopped, a request fails deep inside Django (the session, the
sign-in, the view); the error reaches Django's "server error" handler, which is this view. An outage
of the database or of Redis is answered 503 ``unavailable`` with Retry-After, in the request's
language: JSON ``{"detail", "code"}`` under /api/ (API.md's error shape), a page that needs neither
the database nor Redis elsewhere. Any other error is still Django's 500, as before.
"""

import sys

import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

# A dropped connection to PostgreSQL is an OperationalError (or InterfaceError on a closed cursor);
# Redis refusing or not answering, ConnectionError or TimeoutError. Other database errors are bugs.
OUTAGES = (OperationalError, InterfaceError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 30


def is_outage(error):
    """Whether ``error`` (or what caused it) is the database or Redis out of reach."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGES):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def unavailable(request):
    detail = _("The service is briefly unavailable. Please try again in a minute.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
    else:
        # No request context: its processors (the site, the basket, the user) would ask the database again.
        response = HttpResponse(render_to_string("503.html", {"detail": detail}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """Django's handler500: called while the exception is being handled, so ``sys.exc_info`` names it."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request)

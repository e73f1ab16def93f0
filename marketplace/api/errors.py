"""Every error the API answers is ``{"detail": ..., "code": ...}`` with a 4xx status.

``detail`` is for people and is translated into the request's language;
``code`` is for programs and never changes. Ninja's own handlers (422 with a
list of pydantic errors, plain-text messages) are replaced here.
"""

import logging
import re

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from oscar.apps.order.exceptions import UnableToPlaceOrder

from marketplace import outage
from marketplace.answers import status_for
from marketplace.errors import DomainError
from search.backends import SearchUnavailable

# Django 5.2's MinimumLengthValidator asks for this msgid ("%d"), while its own
# zh_Hans catalog still has the old one ("%(min_length)d"): without our catalog
# carrying it, a too-short password is refused in English on Chinese pages and
# in the API. Marked here so makemessages keeps it in locale/.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

# Django's own request logger, so a bug here reaches the same alerts as any other 500.
logger = logging.getLogger("django.request")


class ApiError(Exception):
    """Raise from a handler to answer with this status, code and (translated) detail."""

    def __init__(self, status, code, detail):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def invalid(detail):
    return ApiError(400, "invalid", detail)


def not_found(detail=None):
    return ApiError(404, "not_found", detail or _("Not found."))


def error_response(api, request, status, code, detail, extra=None):
    """``extra``: more fields an error names beside ``detail`` and ``code`` (``not_eligible``'s ``rule``)."""
    return api.create_response(request, {"detail": str(detail), "code": code, **(extra or {})}, status=status)


# Where ninja says a value came from; the field is what follows.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(error, param_names):
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in _SOURCES:
        loc = loc[1:]
    if loc and loc[0] in param_names:
        loc = loc[1:]
    return ".".join(loc)


def _message(error, field):
    """A readable, translated sentence for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if not field:
        if kind == "missing":
            return _("The request body is required.")
        return _("The request body must be a JSON object.")
    params = {"field": field}
    if kind == "missing":
        return _("“%(field)s” is required.") % params
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return _("“%(field)s” must be a whole number.") % params
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = ctx.get({"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt"}.get(kind, "le"))
        messages = {
            "greater_than": _("“%(field)s” must be greater than %(limit)s."),
            "greater_than_equal": _("“%(field)s” must be at least %(limit)s."),
            "less_than": _("“%(field)s” must be less than %(limit)s."),
            "less_than_equal": _("“%(field)s” must be at most %(limit)s."),
        }
        return messages[kind] % {**params, "limit": limit}
    if kind in ("bool_type", "bool_parsing"):
        return _("“%(field)s” must be true or false.") % params
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return _("“%(field)s” must be one of: %(choices)s.") % {**params, "choices": ", ".join(choices)}
    if kind == "string_type":
        return _("“%(field)s” must be a string.") % params
    if kind == "string_too_long":
        return _("“%(field)s” must be at most %(max)s characters long.") % {**params, "max": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("“%(field)s” must not be empty.") % params
    if kind.startswith("date"):
        return _("“%(field)s” must be a date like 2026-12-01.") % params
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("“%(field)s” must be a JSON object.") % params
    if kind == "unsupported":
        return _("“%(field)s” is not supported yet.") % params
    return _("“%(field)s” is not valid.") % params


def describe_validation_error(errors, param_names=("payload", "filters")):
    """One sentence per wrong field, first field first, duplicates dropped."""
    sentences = []
    for error in errors:
        sentence = _message(error, _field_name(error, param_names))
        if sentence not in sentences:
            sentences.append(sentence)
    return " ".join(sentences) or _("The request is not valid.")


def install(api):
    """Replace ninja's error answers with ours on this API."""

    @api.exception_handler(ApiError)
    def api_error(request, exc):
        return error_response(api, request, exc.status, exc.code, exc.detail)

    @api.exception_handler(SearchUnavailable)
    def search_unavailable(request, exc):
        # The search cluster is down: a 503 the app can retry, not a 500.
        logger.warning("Search unavailable: %s", exc)
        return error_response(
            api,
            request,
            503,
            "search_unavailable",
            _("Search is not available right now. Please try again in a few minutes."),
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc):
        return error_response(api, request, 400, "invalid", describe_validation_error(exc.errors))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return error_response(
            api,
            request,
            401,
            "unauthorized",
            _("Sign in first: send the header “Authorization: Bearer <token>” with a valid token."),
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        # Ninja raises a bare 400 HttpError only when it cannot parse the body.
        if exc.status_code == 400:
            return error_response(api, request, 400, "invalid", _("The request body is not valid JSON."))
        if exc.status_code == 429:
            response = error_response(
                api, request, 429, "rate_limited", _("Too many requests. Please wait and try again.")
            )
            response["Retry-After"] = str(max(1, int(getattr(exc, "wait", None) or 60)))
            return response
        return error_response(api, request, exc.status_code, "error", _("The request could not be handled."))

    @api.exception_handler(Http404)
    def http404(request, exc):
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        # e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django would answer 400 too.
        return error_response(api, request, 400, "invalid", _("The request is too large or not acceptable."))

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(BadRequest)
    def unreadable(request, exc):
        # A body Django cannot parse (multipart without a boundary, say), found when anything reads
        # request.POST (django-axes does, on a failed sign-in): Django's own pages answer 400 too.
        return error_response(api, request, 400, "invalid", _("The request body could not be read."))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return error_response(api, request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(DomainError)
    def domain_error(request, exc):
        response = error_response(
            api, request, status_for(exc), exc.code, exc.message, extra=getattr(exc, "answer_fields", None)
        )
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(UnableToPlaceOrder)
    def unable_to_place_order(request, exc):
        # An Oscar refusal that is not one of our booking rules.
        return error_response(api, request, 409, "booking_error", str(exc))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        if outage.is_outage(exc):
            # The database or Redis out of reach: the same 503 as the site's pages (marketplace/outage.py).
            logger.error("JSON API unavailable: %s", type(exc).__name__)
            return outage.unavailable(request)
        # A bug, not bad input: log it, and still answer JSON.
        logger.exception("Unhandled error in the JSON API", exc_info=exc)
        return error_response(
            api, request, 500, "server_error", _("Something went wrong on our side. Please try again later.")
        )

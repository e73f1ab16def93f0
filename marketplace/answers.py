"""How the doors that speak HTTP answer a domain error: one table, by the error's code.

The JSON API answers ``{"detail", "code"}`` with this status; the console's
and the resident's forms re-render with it; the payment webhook answers the
gateway with it. A code not listed is a rule that refused a request which was
itself well formed: 409 Conflict.
"""

REFUSED = 409

STATUS_BY_CODE = {
    # The request itself is wrong.
    "invalid": 400,
    "bad_token": 400,
    "bad_period": 400,
    "consent_missing": 400,
    "plan_error": 400,
    "reason_missing": 400,
    "closure_error": 400,
    "unknown_type": 400,
    "payment_refused": 400,
    "unknown_payment": 400,
    # Who is asking is not known (any more): sign in again.
    "bad_credentials": 401,
    "token_expired": 401,
    "bad_code": 401,
    # The caller may not do this at all.
    "not_staff": 403,
    "not_moderator": 403,
    "not_operator": 403,
    # Nothing of the caller's has this name (somebody else's is answered the same way).
    "not_found": 404,
    "resident_not_found": 404,
    # A file the caller sent is refused for its size or its content.
    "too_large": 413,
    "unsupported_type": 415,
    # Too many attempts: try again after Retry-After seconds.
    "rate_limited": 429,
    # Somebody else's trouble: try again later.
    "payment_unavailable": 503,
    "room_not_ready": 503,
}


def status_for(error):
    """The HTTP status a door answers a :class:`~marketplace.errors.DomainError` with."""
    return STATUS_BY_CODE.get(error.code, REFUSED)

"""The caller's own account (bearer token required): who has seen their data, a copy of it, leaving."""

from ninja import Router, Schema, Status

from marketplace.api.auth import _bad_credentials
from marketplace.api.schemas import AccessLog, Error, Text, local
from marketplace.api.security import ExpiringBearerAuth
from marketplace.audit import services as audit
from marketplace.users import mydata, services

router = Router(tags=["me"], auth=ExpiringBearerAuth())


@router.get("/access-log", response={200: AccessLog, 401: Error})
def access_log(request):
    """Each time a provider's staff saw the caller's or their dependants' personal data, newest first."""
    return {
        "results": [
            {
                "at": local(access.at),
                "organisation": {"id": access.organisation_id, "name": access.organisation.name},
                "what": access.what,
            }
            for access in audit.access_log_of(request.user).filter(organisation__isnull=False)[:1000]
        ]
    }


@router.get("/export", response={200: dict, 401: Error})
def export(request):
    """Everything held about the caller and their dependants: profile, dependants, bookings with their
    payments, refunds and history, ratings, waiting-list entries, notices sent, who has seen the data
    (``access_log``, with the ``booking`` or ``matter`` seen), and ``matters`` (questions, mediation and
    legal-aid applications, with their timelines). Phone numbers are given in full: this is the caller's own
    copy. The same data as the “My data” download on the website."""
    return mydata.copy_for(request.user)


class DeleteAccountIn(Schema):
    password: Text(1024)


@router.delete("", response={204: None, frozenset({400, 401, 429}): Error})
def delete_account(request, payload: DeleteAccountIn):
    """Delete the caller's account: bookings ahead are cancelled (places given back, paid ones refunded),
    waiting lines left, the person and their dependants anonymised (bookings and payments are kept for
    accounting, without their name), every token revoked. 401 ``bad_credentials`` for a wrong password
    (counted like a failed sign-in: 429 ``rate_limited`` after too many)."""
    try:
        services.delete_account(request.user, payload.password, request=request)
    except services.BadCredentials as error:
        raise _bad_credentials(request, {"email": request.user.email}) from error
    return Status(204, None)

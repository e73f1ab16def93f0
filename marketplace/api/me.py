"""The caller's own account (bearer token required): their profile, who has seen their data, a copy of it,
leaving."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from pydantic import Field

from marketplace.api.auth import _bad_credentials, _fields_message
from marketplace.api.errors import invalid
from marketplace.api.schemas import AccessLog, Error, Text, local
from marketplace.api.security import ExpiringBearerAuth
from marketplace.audit import services as audit
from marketplace.users import identity, mydata, services

router = Router(tags=["me"], auth=ExpiringBearerAuth())


class ProfileOut(Schema):
    id: int
    email: str | None = Field(description="Null for an account made by SMS sign-in or at a counter.")
    name: str
    phone: str = Field(description="Masked (138****5678); empty when none.")
    birth_date: datetime.date | None
    id_number: str | None = Field(description="The ID card number, masked (530102********1234); null when none.")


class ProfileIn(Schema):
    name: Text(100) | None = None
    phone: Text(32) | None = Field(None, description='A mainland mobile number; "" or null removes it.')
    birth_date: datetime.date | None = Field(None, description="YYYY-MM-DD; null removes it.")
    id_number: Text(32) | None = Field(
        None, description='18 characters, the check digit validated (GB 11643); "" or null removes it.'
    )


def _profile(user):
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "phone": user.masked_phone,
        "birth_date": user.birth_date,
        "id_number": identity.masked_id_number(user) or None,
    }


@router.get("", response={200: ProfileOut, 401: Error})
def profile(request):
    """The caller's profile; the phone and the ID number masked."""
    return _profile(request.user)


@router.patch("", response={200: ProfileOut, frozenset({400, 401}): Error})
def update_profile(request, payload: ProfileIn):
    """Change the fields given (others stay). The date of birth is taken from the ID number when none is
    recorded, and must agree with it otherwise. 400 ``invalid`` for an ID number whose check digit or
    date is wrong, a date of birth in the future, a phone that is not a mainland mobile number; nothing
    is changed then."""
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("name") is None and "name" in changes:
        changes["name"] = ""
    try:
        identity.update_profile(request.user, **changes)
    except ValidationError as error:
        raise invalid(_fields_message(error)) from error
    return _profile(request.user)


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

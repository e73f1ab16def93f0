"""Registering residents and their bearer tokens (Wagtail's hashed APIToken): issue, list, revoke.

Registration counts against its rate limits before anything else; a token is only
given after django-axes's guard and the password check (marketplace.users.signin),
so too many failures answer 429 ``rate_limited`` with ``Retry-After``.
"""

from datetime import datetime

from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from marketplace.api.errors import ApiError, invalid
from marketplace.api.schemas import Error, PathId, RegisterIn, Text, TokenIn, TokenOut, UserOut, local
from marketplace.api.security import ExpiringBearerAuth
from marketplace.users import limits, services, signin, sms_signin, tokens
from marketplace.users.services import EmailTaken, register_resident

router = Router(tags=["authentication"])


def _fields_message(error):
    return " ".join(
        _("“%(field)s”: %(message)s") % {"field": field, "message": message}
        for field, messages in error.message_dict.items()
        for message in messages
    )


@router.post("/register", response={201: UserOut, frozenset({400, 409, 429}): Error}, auth=None)
def register(request, payload: RegisterIn):
    """Create a resident's account. Then ask for a token with POST /auth/token.

    429 ``rate_limited`` (with ``Retry-After``) after too many registrations from one address or for one
    email address."""
    limits.count_attempt(request, "register", payload.email)
    try:
        user = register_resident(payload.email, payload.password, payload.name, payload.phone)
    except ValidationError as error:
        raise invalid(_fields_message(error)) from error
    except EmailTaken as error:
        raise ApiError(
            409, "email_taken", _("An account with this email address already exists. Sign in instead.")
        ) from error
    return Status(201, {"id": user.pk, "email": user.email, "name": user.name})


def _bad_credentials(request, credentials):
    """401 ``bad_credentials``, or 429 ``rate_limited`` once the account or the address is locked out."""
    if getattr(request, "axes_locked_out", False):
        return signin.lockout_error(request, credentials)
    return ApiError(401, "bad_credentials", _("The email address or password is not correct."))


@router.post("/token", response={200: TokenOut, frozenset({400, 401, 429}): Error}, auth=None)
def token(request, payload: TokenIn):
    """Exchange email and password for a bearer token.

    The token expires when unused for a while and at the latest some weeks after it was issued (401
    ``token_expired``); then ask for a new one. The same answer, in the same time, whether or not the
    address is registered. 429 ``rate_limited`` (with ``Retry-After``) after too many failed attempts
    for one account or from one address."""
    User = get_user_model()
    credentials = {"email": payload.email.strip()}
    try:
        user = authenticate(request, email=credentials["email"], password=payload.password)
    except User.MultipleObjectsReturned:  # two accounts share the address and password: trust neither
        user = None
    if user is None:
        raise _bad_credentials(request, credentials)
    _instance, plaintext = tokens.issue(user)
    return {"token": plaintext}


class SmsCodeIn(Schema):
    phone: Text(32) = Field(description="A mainland China mobile number, e.g. 13812345678 (+86 and spaces allowed).")


class Accepted(Schema):
    detail: str = Field(description="What happens next, for people.")


@router.post("/sms-code", response={202: Accepted, frozenset({400, 429}): Error}, auth=None)
def sms_code(request, payload: SmsCodeIn):
    """Send a 6-digit sign-in code by SMS to this number; exchange it with POST /auth/sms-token.

    The same 202, whether or not the number has an account. The code works once, for 5 minutes; a new
    code replaces the last. 400 ``invalid`` for a number that is not a mainland mobile number; 429
    ``rate_limited`` (with ``Retry-After``) after too many codes from one address or for one number."""
    sms_signin.request_code(request, payload.phone)
    return Status(202, {"detail": _("If this number can receive text messages, a sign-in code is on its way.")})


class SmsTokenIn(Schema):
    phone: Text(32)
    code: Text(16) = Field(description="The 6 digits received.")


class SmsTokenOut(Schema):
    token: str = Field(description="Send it as “Authorization: Bearer <token>”. Shown once; stored hashed.")
    created: bool = Field(description="True when this sign-in made the account (no email, no password yet).")


@router.post("/sms-token", response={200: SmsTokenOut, frozenset({400, 401, 429}): Error}, auth=None)
def sms_token(request, payload: SmsTokenIn):
    """Exchange a mobile number and the code sent to it for a bearer token.

    Signs in the resident with this number, or makes their account (``created``: true); a resident
    registered at a counter claims their account so. 401 ``bad_code`` for a wrong code, one already used
    or one older than 5 minutes; 400 ``invalid`` for a number that is not a mainland mobile number; 429
    ``rate_limited`` (with ``Retry-After``) after too many tries from one address or for one number."""
    user, created = sms_signin.sign_in_with_code(request, payload.phone, payload.code)
    _instance, plaintext = tokens.issue(user)
    return {"token": plaintext, "created": created}


class PasswordIn(Schema):
    old_password: Text(1024)
    new_password: Text(1024)


@router.post(
    "/password",
    response={200: TokenOut, frozenset({400, 401, 429}): Error},
    auth=ExpiringBearerAuth(),
)
def change_password(request, payload: PasswordIn):
    """Change the caller's password. Answers a new token; every other token of the caller is revoked.

    400 ``invalid`` for a new password the rules refuse; 401 ``bad_credentials`` when the old one is wrong
    (counted like a failed sign-in: 429 ``rate_limited`` after too many)."""
    user = request.user
    credentials = {"email": user.email}
    if authenticate(request, email=user.email, password=payload.old_password) != user:
        raise _bad_credentials(request, credentials)
    try:
        services.change_password(user, payload.new_password)
    except ValidationError as error:
        raise invalid(_fields_message(error)) from error
    _instance, plaintext = tokens.issue(user)
    return {"token": plaintext}


class TokenInfo(Schema):
    id: int
    created_at: datetime
    last_used_at: datetime | None = Field(description="Within a minute or so; null when never used.")
    expires_at: datetime = Field(description="When it stops working unless it is used before.")
    current: bool = Field(description="True for the token this request was made with.")


class TokenList(Schema):
    results: list[TokenInfo]


@router.get("/tokens", response={200: TokenList, 401: Error}, auth=ExpiringBearerAuth())
def list_tokens(request):
    """The caller's tokens that still work, newest first: revoke any the caller does not recognise."""
    return {
        "results": [
            {
                "id": each.pk,
                "created_at": local(each.created),
                "last_used_at": local(each.last_used_at),
                "expires_at": local(tokens.expires_at(each)),
                "current": each.pk == request.auth.pk,
            }
            for each in tokens.active_tokens(request.user)
        ]
    }


@router.delete("/tokens/{token_id}", response={204: None, frozenset({400, 401, 404}): Error}, auth=ExpiringBearerAuth())
def revoke_token(request, token_id: PathId):
    """Revoke one of the caller's tokens (it stops working at once). 404 ``not_found`` if not the caller's."""
    tokens.revoke(request.user, token_id)
    return Status(204, None)


@router.delete("/token", response={204: None, 401: Error}, auth=ExpiringBearerAuth())
def sign_out(request):
    """Revoke the token this request is made with: signing out of this app."""
    tokens.revoke(request.user, request.auth.pk)
    return Status(204, None)

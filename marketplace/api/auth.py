"""Registering residents and handing out bearer tokens (Wagtail's hashed APIToken)."""

from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status
from wagtail.models import APIToken

from marketplace.api.errors import ApiError, invalid
from marketplace.api.schemas import Error, RegisterIn, TokenIn, TokenOut, UserOut
from marketplace.users.services import EmailTaken, register_resident

router = Router(tags=["authentication"])


@router.post("/register", response={201: UserOut, frozenset({400, 409}): Error}, auth=None)
def register(request, payload: RegisterIn):
    """Create a resident's account. Then ask for a token with POST /auth/token."""
    try:
        user = register_resident(payload.email, payload.password, payload.name, payload.phone)
    except ValidationError as error:
        raise invalid(
            " ".join(
                _("“%(field)s”: %(message)s") % {"field": field, "message": message}
                for field, messages in error.message_dict.items()
                for message in messages
            )
        ) from error
    except EmailTaken as error:
        raise ApiError(
            409, "email_taken", _("An account with this email address already exists. Sign in instead.")
        ) from error
    return Status(201, {"id": user.pk, "email": user.email, "name": user.name})


@router.post("/token", response={200: TokenOut, frozenset({400, 401}): Error}, auth=None)
def token(request, payload: TokenIn):
    """Exchange email and password for a bearer token."""
    User = get_user_model()
    try:
        user = authenticate(request, email=payload.email.strip(), password=payload.password)
    except User.MultipleObjectsReturned:  # two accounts share the address and password: trust neither
        user = None
    if user is None:
        raise ApiError(401, "bad_credentials", _("The email address or password is not correct."))
    _instance, plaintext = APIToken.create_token(user=user, name="api")
    return {"token": plaintext}

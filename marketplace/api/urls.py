from functools import wraps

from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router

from marketplace.api import (
    auth,
    bookings,
    catalog,
    dependants,
    errors,
    index,
    matters,
    me,
    provider,
    ratings,
    reschedule,
    waitlist,
)


def json_method_not_allowed(view):
    """Ninja answers a wrong method with a plain-text 405; ours are JSON like every other error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {
                    "detail": _("This endpoint does not accept %(method)s. Use: %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                    "code": "method_not_allowed",
                },
                status=405,
            )
            response["Allow"] = allowed
        return response

    return wrapper


class MarketplaceAPI(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        patterns = [
            URLPattern(pattern.pattern, json_method_not_allowed(pattern.callback), pattern.default_args, pattern.name)
            for pattern in patterns
        ]
        return patterns, app_name, namespace


api = MarketplaceAPI(
    title="Panlong public-service cloud supermarket API",
    version="1",
    description=(
        "For residents' apps, mini-programs and partner systems. JSON in, JSON out; times in ISO 8601 with "
        'offset, money as yuan decimal strings. Every error is {"detail", "code"} with a 4xx status. '
        "Authenticate with POST /auth/token, then send “Authorization: Bearer <token>”."
    ),
    urls_namespace="api-v1",
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/", catalog.router)
api.add_router("/bookings", bookings.router)
api.add_router("/bookings", reschedule.router)
api.add_router("/bookings", ratings.router)
api.add_router("/waitlist", waitlist.router)
api.add_router("/dependants", dependants.router)
api.add_router("/me", me.router)
api.add_router("/provider", provider.router)
api.add_router("/", matters.router)
api.add_router("/provider", matters.provider_router)
api.add_router("/", index.router)
api.add_router("/", ratings.services_router)

# Last, so it only sees paths no router knows: they get a JSON 404 like any other error.
unknown = Router()


@unknown.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False)
def no_such_endpoint(request, rest: str):
    raise errors.not_found(_("There is no such API endpoint."))


api.add_router("/", unknown)

from marketplace.audit.context import Acting, _current

# The door a request comes through, told by the URL it reached: one table, so
# the views behind each door need no code of their own for the record.
API_NAMESPACE = "api-v1"
CONSOLE_NAMESPACE = "provider"
COUNTER_PREFIX = "counter"
HOTLINE_NAMESPACE = "hotline"
GRID_NAMESPACE = "grid"


def door_of(resolver_match):
    if resolver_match is None:
        return "web"
    namespaces = resolver_match.namespaces
    if API_NAMESPACE in namespaces:
        return "api"
    if HOTLINE_NAMESPACE in namespaces:
        return "hotline"
    if GRID_NAMESPACE in namespaces:
        return "grid"
    if CONSOLE_NAMESPACE in namespaces:
        return "counter" if (resolver_match.url_name or "").startswith(COUNTER_PREFIX) else "console"
    return "web"


class DoorMiddleware:
    """Every request acts as its signed-in user, through the door its URL belongs to.

    The user is read when a change is recorded, since the API authenticates its
    bearer token inside the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(Acting(door="web", request=request, system=False))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Undone with the rest when __call__ resets its token.
        _current.set(Acting(door=door_of(request.resolver_match), request=request, system=False))

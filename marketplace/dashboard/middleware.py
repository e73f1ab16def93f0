from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from providers import staff

# Signing in and out is for everyone: the door is the pages behind them.
OPEN = {"login", "logout"}


class DashboardDoorMiddleware:
    """Every page of Oscar's dashboard (its URL namespace) answers only ``staff.may_use_the_dashboard``.

    Oscar decides access page by page from its permission maps; this one door in front of them all
    also covers pages a later Oscar adds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "dashboard" not in match.namespaces or match.url_name in OPEN:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not staff.may_use_the_dashboard(request.user):
            raise PermissionDenied
        return None

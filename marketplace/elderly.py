"""Elderly mode (长辈版): larger type, bigger targets, simpler pages and the hotline on every page.

The rule: the browser's ``elderly`` cookie decides how pages look, so rendering
never needs the user row. Switching sets the cookie and, for a signed-in
resident, saves the choice on their account; signing in with the choice saved
turns the mode on in that browser too. Signing in never turns it off: a
resident who switched it on before signing in keeps it.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "elderly"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def remember_in_browser(response, on):
    response.set_cookie(COOKIE, "1" if on else "0", max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)


class ElderlyModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.elderly_mode = request.COOKIES.get(COOKIE) == "1"
        response = self.get_response(request)
        if getattr(request, "elderly_mode_signed_in", False) and request.COOKIES.get(COOKIE) != "1":
            remember_in_browser(response, True)
        # The same address looks different per browser: a shared cache must not mix the two.
        patch_vary_headers(response, ("Cookie",))
        return response


@receiver(user_logged_in, dispatch_uid="elderly-mode-on-sign-in")
def carry_saved_choice_into_browser(sender, request, user, **kwargs):
    if request is not None and getattr(user, "elderly_mode", False):
        request.elderly_mode = True
        request.elderly_mode_signed_in = True


@require_POST
def switch(request):
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated and request.user.elderly_mode != on:
        request.user.elderly_mode = on
        request.user.save(update_fields=["elderly_mode"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    remember_in_browser(response, on)
    return response

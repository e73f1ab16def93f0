"""The console's one access rule: who may open which provider's pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from providers import staff


def console_view(view=None, *, methods=None):
    """Wrap a console view: signed in, and working for the provider the URL names.

    The view is called with that provider in place of the URL's ``partner_id``.
    Another provider's pages answer exactly like pages that do not exist (404).
    A view whose URL names no provider (the console's entrance) is called with
    the staff member's providers instead; someone who works for none is told so
    on the "not staff" page (403). ``methods`` limits the HTTP methods (405);
    the sign-in comes first, so an anonymous visitor is always sent to sign in.
    """
    if view is None:
        return lambda view: console_view(view, methods=methods)

    @wraps(view)
    def for_staff(request, *args, **kwargs):
        if "partner_id" not in kwargs:
            providers = list(staff.providers_of(request.user))
            if not providers:
                return render(request, "providers/not_staff.html", status=403)
            return view(request, providers, *args, **kwargs)
        provider = staff.provider_of(request.user, kwargs.pop("partner_id"))
        if provider is None:
            raise Http404
        return view(request, provider, *args, **kwargs)

    if methods is not None:
        for_staff = require_http_methods(methods)(for_staff)
    return login_required(for_staff)

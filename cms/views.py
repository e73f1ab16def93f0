"""The few addresses of the editors' site that are not pages: robots.txt, choosing your community, not found."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cms.models import CommunityPage
from marketplace.ids import id_or_bad_request

# Residents' accounts, the booking flow, the consoles and the machine API are nobody's search result.
PRIVATE_PATHS = ("/cms/", "/shop/", "/provider/", "/django-admin/", "/api/")


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_POST
def choose_community(request):
    """Remember the resident's community in the session, so the home page shows its station."""
    chosen = id_or_bad_request(request.POST.get("community"))  # "²" or "٣" is no community: 400
    page = CommunityPage.objects.live().filter(community_id=chosen).first() if chosen else None
    if page is not None:
        request.session[CommunityPage.SESSION_KEY] = page.community_id
    else:
        messages.error(request, _("Please choose your community from the list."))
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


def page_not_found(request, exception):
    """The site's own "not found" page. Its header's switches and sign-in lead back to the home page,
    not to the address that was not found: that address may name someone else's booking, and a
    refusal must not repeat it."""
    return render(request, "404.html", {"return_path": "/"}, status=404)


def bad_request(request, exception):
    """The site's own "bad request" page: an id or a form value that no page of ours sends
    ("²", "٣", 30 digits) is answered 400, in the resident's language, never 500."""
    return render(request, "400.html", {"return_path": "/"}, status=400)

"""The search page, and Oscar's search address leading to it."""

from django.http import HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse

from search.results import search_context


def search(request):
    context = search_context(request)
    return render(request, "sitesearch/search.html", context, status=503 if context["search_unavailable"] else 200)


def oscar_search(request):
    """Oscar's search address (/shop/search/) leads here, with the same words."""
    params = QueryDict(mutable=True)
    if request.GET.get("q"):
        params["q"] = request.GET["q"]
    return HttpResponsePermanentRedirect(reverse("search") + (f"?{params.urlencode()}" if params else ""))

from django.shortcuts import render

from search.forms import ServiceSearchForm
from search.services import search_services


def search(request):
    form = ServiceSearchForm(request.GET or None)
    result = None
    if form.is_valid():
        result = search_services(form.to_query())
    return render(request, "sitesearch/search.html", {"form": form, "result": result})

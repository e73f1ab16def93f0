"""The record read back to the resident: "who has seen my data"."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marketplace.audit import services as audit


@login_required
@require_GET
def access_log(request):
    return render(request, "audit/access_log.html", {"accesses": audit.access_log_of(request.user)[:500]})

"""The supervisor's pages (督办): their queue, one escalated matter, and their three steps.

Thin doors over ``marketplace.matters.supervision``: who supervises which level is decided there
(``is_supervisor``, ``escalation_for``); anyone else is refused (403), another street's escalation is 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.answers import status_for
from marketplace.errors import DomainError
from marketplace.matters import staff_reads, supervision


def supervisor_view(view):
    @wraps(view)
    def for_supervisors(request, *args, **kwargs):
        if not supervision.is_supervisor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(for_supervisors)


@supervisor_view
@require_GET
def queue(request):
    now = timezone.now()
    streets, district = supervision.roles_of(request.user)
    escalations = list(supervision.queue_of(request.user, now)[:200])
    for escalation in escalations:
        escalation.late = escalation.is_overdue(now)
        escalation.deadline_day = staff_reads.deadline_day(escalation)
    context = {"escalations": escalations, "district": district, "street_count": len(streets)}
    return render(request, "supervision/escalation_list.html", context)


def _page(request, escalation, status=200, errors=None):
    matter = escalation.matter
    context = {
        "escalation": escalation,
        "matter": matter,
        "kind": matter.kind_spec,
        "facts": staff_reads.applicant_facts(matter),
        "fields": matter.detail_rows(),
        "deadline_day": staff_reads.deadline_day(matter),
        "escalation_day": staff_reads.deadline_day(escalation),
        "overdue": matter.is_overdue(),
        "timeline": staff_reads.timeline_for_staff(matter),
        "organisations": supervision.organisations_for(matter) if not matter.is_closed else [],
        "errors": errors or {},
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "supervision/escalation.html", context, status=status)


def _escalation(request, escalation_id):
    try:
        return supervision.escalation_for(request.user, escalation_id)
    except supervision.NotFound as error:
        raise Http404(error.message) from error


@supervisor_view
@require_GET
def detail(request, escalation_id):
    escalation = _escalation(request, escalation_id)
    supervision.record_view(request.user, escalation)
    return _page(request, escalation)


def _step(form_name, call, done):
    @supervisor_view
    @require_POST
    def view(request, escalation_id):
        escalation = _escalation(request, escalation_id)
        try:
            call(request, escalation)
        except DomainError as error:
            escalation = _escalation(request, escalation_id)
            return _page(request, escalation, status=status_for(error), errors={form_name: error.message})
        messages.success(request, done())
        return redirect("supervision:detail", escalation_id=escalation.pk)

    return view


set_deadline = _step(
    "deadline",
    lambda request, e: supervision.set_deadline(
        request.user, e.pk, request.POST.get("day", ""), request.POST.get("text", "")
    ),
    lambda: _("The new deadline is set and the organisation is told."),
)
reassign = _step(
    "reassign",
    lambda request, e: supervision.reassign(
        request.user, e.pk, request.POST.get("organisation"), request.POST.get("text", "")
    ),
    lambda: _("The matter is reassigned and both organisations are told."),
)
close_with_finding = _step(
    "finding",
    lambda request, e: supervision.close_with_finding(request.user, e.pk, request.POST.get("finding", "")),
    lambda: _("Closed with your finding; the organisation and the resident are told."),
)

"""The district's view of every matter (issue 20): the list with its filters, overdue ones by street and by
organisation, and one matter read-only.

Thin views over ``marketplace.matters.services`` (``district_matters``, ``matter_for``) by way of
``marketplace.matters.staff_reads``; the door is the dashboard's. Supervisors take no steps; each matter
they open is recorded (``services.record_view``).
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from marketplace.matters import services, staff_reads
from marketplace.operations.views import district_view
from providers.console.matter_forms import MatterFilterForm

PER_PAGE = 50


@district_view
def matter_list(request):
    form = MatterFilterForm(request.GET)
    chosen = form.chosen()
    now = timezone.now()
    matters = staff_reads.district(chosen["kind"], chosen["status"], chosen["overdue"], now=now)
    page = Paginator(matters, PER_PAGE).get_page(request.GET.get("page"))
    for matter in page:
        matter.deadline_day = staff_reads.deadline_day(matter)
        matter.late = matter.is_overdue(now)
    filters = {key: value for key, value in request.GET.items() if key in ("kind", "status", "overdue") and value}
    context = {
        "form": form,
        "chosen": chosen,
        "page": page,
        "page_filters": urlencode(filters),
        "by_street": staff_reads.by_street(now),
        "by_organisation": staff_reads.by_organisation(now),
        "outreach_by_street": staff_reads.outreach_by_street(),
    }
    return render(request, "operations/matter_list.html", context)


@district_view
def matter_detail(request, reference):
    try:
        matter = services.matter_for(request.user, reference)
    except services.NotFound as error:
        raise Http404(error.message) from error
    services.record_view(request.user, matter)
    context = {
        "matter": matter,
        "kind": matter.kind_spec,
        "facts": staff_reads.applicant_facts(matter),
        "fields": matter.detail_rows(),
        "deadline_day": staff_reads.deadline_day(matter),
        "overdue": matter.is_overdue(),
        "timeline": staff_reads.timeline_for_staff(matter),
        "materials": staff_reads.materials_of(matter),
        "bookings": staff_reads.linked_bookings(matter),
    }
    return render(request, "operations/matter_detail.html", context)

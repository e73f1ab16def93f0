"""The grid worker's pages at ``/grid/`` (phone first): thin doors over ``marketplace.grid.services``. The door
of every change is ``grid`` (the URL namespace tells ``marketplace.audit.middleware``)."""

from datetime import date, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.answers import status_for
from marketplace.booking import eligibility, online
from marketplace.booking import services as booking_services
from marketplace.errors import DomainError
from marketplace.grid import services
from marketplace.grid.forms import DemandForm, GridBookingForm, GridConsentForm
from marketplace.grid.workers import consenting_residents, is_grid_worker
from marketplace.matters import services as matter_services


def grid_worker_view(methods=("GET",)):
    """Signed in and a grid worker (403 for anyone else); ``methods`` limits the HTTP methods."""

    def wrap(view):
        allowed = require_http_methods(list(methods))(view)

        @wraps(view)
        def for_grid_workers(request, *args, **kwargs):
            if not is_grid_worker(request.user):
                raise PermissionDenied
            return allowed(request, *args, **kwargs)

        return login_required(for_grid_workers)

    return wrap


def _or_404(call, *args):
    try:
        return call(*args)
    except services.NotFound as error:
        raise Http404(error.message) from error


@grid_worker_view()
def home(request):
    return render(
        request,
        "grid/home.html",
        {"grids": services.grids(request.user), "demands": services.demands(request.user), "now": timezone.now()},
    )


@grid_worker_view()
def grid(request, grid_id):
    grid = _or_404(services.grid_of, request.user, grid_id)
    return render(request, "grid/grid.html", {"grid": grid, "residents": services.residents(request.user, grid)})


def _chosen_day(value):
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        return timezone.localdate()
    return max(day, timezone.localdate())


def _book_url(resident_id, **query):
    return reverse("grid:book", kwargs={"resident_id": resident_id}) + ("?" + urlencode(query) if query else "")


def _booking_page(request, row, form, data, status=200):
    query = " ".join(str(data.get("q", "")).split())[:40]
    offering = booking_services.offering(data.get("offering"))
    context = {"row": row, "resident": row.user, "form": form, "query": query, "offering": offering}
    if offering is None:
        context["offerings"] = booking_services.find_offerings(query) if query else None
    else:
        day = _chosen_day(data.get("date"))
        context.update(
            day=day,
            mode_choice=len(online.modes_of(offering.product)) > 1,
            groups=eligibility.groups_of(offering.product),
            slots=booking_services.slots_for_the_hotline(offering, day),
            chosen_slot=str(form["slot"].value() or ""),
            previous_url=_book_url(row.user_id, offering=offering.pk, date=(day - timedelta(days=1)).isoformat()),
            next_url=_book_url(row.user_id, offering=offering.pk, date=(day + timedelta(days=1)).isoformat()),
            today_url=_book_url(row.user_id, offering=offering.pk),
        )
    return render(request, "grid/book.html", context, status=status)


@grid_worker_view(methods=("GET", "POST"))
def book(request, resident_id):
    """Book for a consenting resident of the worker's grids: find a service, choose a time, record consent."""
    row = _or_404(services.resident, request.user, resident_id)
    if request.method == "GET":
        return _booking_page(request, row, GridBookingForm(), request.GET)
    form = GridBookingForm(request.POST)
    if not form.is_valid():
        return _booking_page(request, row, form, request.POST, status=400)
    data = form.cleaned_data
    try:
        booking = services.book(
            request.user,
            row.user_id,
            data["slot"],
            data["consent"],
            note=data["note"],
            mode=data["mode"] or None,
            declared_group=data["group"],
        )
    except DomainError as error:  # the grid's, the booking's and a mode the service is not offered in
        form.add_error(None, error.message)
        return _booking_page(request, row, form, request.POST, status=status_for(error))
    messages.success(
        request,
        _("Booked: code %(code)s. The resident gets the confirmation by text message.") % {"code": booking.code},
    )
    return redirect(reverse("grid:grid", kwargs={"grid_id": row.grid_id}))


@grid_worker_view(methods=("GET", "POST"))
def record_demand(request, grid_id):
    grid = _or_404(services.grid_of, request.user, grid_id)
    residents = list(consenting_residents(request.user, grid).order_by("building", "pk"))
    organisations = services.organisations_for_demands()
    status = 200
    if request.method == "POST":
        form = DemandForm(grid, residents, organisations, request.POST, request.FILES)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand = services.record_demand(
                    request.user,
                    grid.pk,
                    data["text"],
                    data["category"],
                    data["place"],
                    data["organisation"],
                    resident_id=data["resident"] or None,
                    photos=data["photos"],
                )
            except (services.GridError, matter_services.MatterError) as error:
                form.add_error(None, error.message)
                status = status_for(error)
            else:
                messages.success(
                    request,
                    _("Recorded and sent: demand %(reference)s.") % {"reference": demand.matter.reference},
                )
                return redirect(reverse("grid:demand", kwargs={"reference": demand.matter.reference}))
    else:
        form = DemandForm(grid, residents, organisations)
    return render(request, "grid/record_demand.html", {"grid": grid, "form": form}, status=status)


@grid_worker_view()
def demand(request, reference):
    found, timeline = _or_404(services.demand, request.user, reference)
    context = {"demand": found, "matter": found.matter, "timeline": timeline}
    if found.matter.status == "returned":
        context["organisations"] = [
            org for org in services.organisations_for_demands() if org.pk != found.matter.organisation_id
        ]
    return render(request, "grid/demand.html", context)


@grid_worker_view(methods=("POST",))
def send_elsewhere(request, reference):
    _or_404(services.demand, request.user, reference)
    try:
        sent = services.send_elsewhere(request.user, reference, request.POST.get("organisation"))
    except (services.GridError, matter_services.MatterError) as error:
        messages.error(request, error.message)
        return redirect(reverse("grid:demand", kwargs={"reference": reference}))
    messages.success(request, _("Recorded and sent: demand %(reference)s.") % {"reference": sent.matter.reference})
    return redirect(reverse("grid:demand", kwargs={"reference": sent.matter.reference}))


# --- the resident's consent, on their "My data" page (/shop/accounts/my-data/grid/) -----------------


@login_required
@require_http_methods(["POST"])
def resident_agree(request):
    form = GridConsentForm(services.grids_for_resident(request.user), request.POST)
    if form.is_valid():
        try:
            services.agree(request.user, form.cleaned_data["grid"], form.cleaned_data["building"])
        except services.GridError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: your grid worker may now see you and book for you."))
    else:
        messages.error(request, _("Choose one of the grids of your community."))
    return redirect(reverse("my-data") + "#grid")


@login_required
@require_http_methods(["POST"])
def resident_withdraw(request):
    try:
        services.withdraw(request.user)
    except services.GridError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Withdrawn: your grid worker no longer sees you."))
    return redirect(reverse("my-data") + "#grid")

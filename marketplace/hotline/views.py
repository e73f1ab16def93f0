"""The 12348 hotline operator's workspace, mounted at ``/hotline/``: thin doors over
``marketplace.hotline.services``. The door of every change is ``hotline`` (the URL namespace tells
``marketplace.audit.middleware``). Phone numbers are posted, never put in a URL."""

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
from marketplace.hotline import services
from marketplace.hotline.forms import (
    CallBackDoneForm,
    CallBackForm,
    CallForm,
    HotlineBookingForm,
    HotlineMatterForm,
    RegisterCallerForm,
)
from marketplace.hotline.operators import is_operator
from marketplace.matters import kinds
from marketplace.matters import services as matter_services


def operator_view(methods=("GET",)):
    """Signed in and an operator of the hotline (403 for anyone else); ``methods`` limits the HTTP methods."""

    def wrap(view):
        allowed = require_http_methods(list(methods))(view)

        @wraps(view)
        def for_operators(request, *args, **kwargs):
            # Who asks comes before how: anyone else is refused whatever the method.
            if not is_operator(request.user):
                raise PermissionDenied
            return allowed(request, *args, **kwargs)

        return login_required(for_operators)

    return wrap


def _call(request, call_id):
    """The call the URL names, for a change; a page showing it reads it through ``services.call_for``."""
    call = services.call(call_id)
    if call is None:
        raise Http404
    return call


def _call_url(call):
    return reverse("hotline:call", kwargs={"call_id": call.pk})


@operator_view()
def queue(request):
    now = timezone.now()
    call_backs, calls = services.queue(request.user, now=now)
    return render(
        request,
        "hotline/queue.html",
        {
            "call_backs": call_backs,
            "overdue": sum(1 for call_back in call_backs if call_back.overdue),
            "calls": calls,
            "done_form": CallBackDoneForm(),
            "now": now,
        },
    )


@operator_view(methods=("GET", "POST"))
def take_call(request):
    form = CallForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            call = services.take_call(request.user, **form.cleaned_data)
        except services.HotlineError as error:
            form.add_error(None, error.message)
            status = status_for(error)
        else:
            return redirect(_call_url(call))
    elif request.method == "POST":
        status = 400
    return render(request, "hotline/call_form.html", {"form": form}, status=status)


def _call_page(request, call, status=200, **forms):
    call = services.call_for(request.user, call.pk)
    callers = services.callers_of(request.user, call) if call.caller_id is None else []
    context = {
        "call": call,
        "callers": callers,
        "register_form": forms.get("register_form") or RegisterCallerForm(),
        "call_back_form": forms.get("call_back_form") or CallBackForm(),
        "call_backs": list(call.call_backs.order_by("due_at", "pk")),
        "kinds": kinds.submittable(),
        "now": timezone.now(),
    }
    return render(request, "hotline/call.html", context, status=status)


@operator_view()
def call_detail(request, call_id):
    return _call_page(request, _call(request, call_id))


@operator_view(methods=("POST",))
def identify(request, call_id):
    call = _call(request, call_id)
    try:
        services.identify_caller(request.user, call, request.POST.get("resident", ""))
    except services.HotlineError as error:
        messages.error(request, error.message)
    return redirect(_call_url(call))


@operator_view(methods=("POST",))
def register(request, call_id):
    call = _call(request, call_id)
    form = RegisterCallerForm(request.POST)
    if form.is_valid():
        try:
            resident = services.register_caller(request.user, call, form.cleaned_data["name"])
        except services.HotlineError as error:
            form.add_error("name", error.message)
            return _call_page(request, call, status=status_for(error), register_form=form)
        messages.success(request, _("%(name)s is registered with the caller's number.") % {"name": resident.name})
        return redirect(_call_url(call))
    return _call_page(request, call, status=400, register_form=form)


def _chosen_day(text):
    """The day asked for as YYYY-MM-DD, or today for anything else."""
    try:
        return date.fromisoformat(str(text or ""))
    except ValueError:
        return booking_services.local_day(timezone.now())


def _book_url(call, **query):
    return reverse("hotline:book", kwargs={"call_id": call.pk}) + "?" + urlencode(query)


def _booking_page(request, call, form, data, status=200):
    caller = call.caller
    query = " ".join(str(data.get("q", "")).split())[:40]
    offering = booking_services.offering(data.get("offering"))
    context = {"call": call, "caller": caller, "form": form, "query": query, "offering": offering}
    if offering is None:
        context["offerings"] = booking_services.find_offerings(query) if query else None
    else:
        day = _chosen_day(data.get("date"))
        context.update(
            day=day,
            mode_choice=len(online.modes_of(offering.product)) > 1,
            groups=eligibility.groups_of(offering.product),
            slots=services.slots_for(offering, day),
            chosen_slot=str(form["slot"].value() or ""),
            previous_url=_book_url(call, offering=offering.pk, date=(day - timedelta(days=1)).isoformat()),
            next_url=_book_url(call, offering=offering.pk, date=(day + timedelta(days=1)).isoformat()),
            today_url=_book_url(call, offering=offering.pk),
        )
    return render(request, "hotline/book.html", context, status=status)


@operator_view(methods=("GET", "POST"))
def book(request, call_id):
    """Book for the caller: find a service or provider by name, choose a day and a time, record consent."""
    call = _call(request, call_id)
    if call.caller_id is None:
        messages.error(request, _("Find the caller by their phone number, or register them, first."))
        return redirect(_call_url(call))
    services.call_for(request.user, call.pk)  # the caller's name is on the page: a read
    if request.method == "GET":
        return _booking_page(request, call, HotlineBookingForm(), request.GET)
    form = HotlineBookingForm(request.POST)
    if not form.is_valid():
        return _booking_page(request, call, form, request.POST, status=400)
    data = form.cleaned_data
    try:
        booking = services.book_for_caller(
            request.user,
            call,
            data["slot"],
            data["consent"],
            note=data["note"],
            mode=data["mode"] or None,
            declared_group=data["group"],
        )
    except DomainError as error:  # the hotline's, the booking's and a mode the service is not offered in
        form.add_error(None, error.message)
        return _booking_page(request, call, form, request.POST, status=status_for(error))
    messages.success(
        request,
        _("Booked: code %(code)s. The caller gets the confirmation by text message.") % {"code": booking.code},
    )
    return redirect(_call_url(call))


def _submittable(kind_code):
    kind = kinds.kind_of(kind_code)
    if kind is None or not kind.resident_may_submit:
        raise Http404
    return kind


@operator_view(methods=("GET", "POST"))
def matter(request, call_id, kind):
    """Write the call down as a matter: a written legal question, a mediation request, a legal-aid application."""
    call = _call(request, call_id)
    kind = _submittable(kind)
    if call.caller_id is None:
        messages.error(request, _("Find the caller by their phone number, or register them, first."))
        return redirect(_call_url(call))
    services.call_for(request.user, call.pk)
    status = 200
    if request.method == "POST":
        form = HotlineMatterForm(kind, call.caller, request.POST)
        status = 400
        if form.is_valid():
            try:
                recorded = services.record_matter(request.user, call, kind.code, **form.submission())
            except (services.HotlineError, matter_services.MatterError) as error:
                form.add_error(None, error.message)
                status = status_for(error)
            else:
                messages.success(
                    request,
                    _("Recorded as %(kind)s %(reference)s: read the reference number out to the caller.")
                    % {"kind": kind.name, "reference": recorded.reference},
                )
                return redirect(_call_url(call))
    else:
        form = HotlineMatterForm(kind, call.caller)
    return render(request, "hotline/matter.html", {"call": call, "kind": kind, "form": form}, status=status)


@operator_view(methods=("POST",))
def schedule_call_back(request, call_id):
    call = _call(request, call_id)
    form = CallBackForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_call_back(request.user, call, form.cleaned_data["due_at"], form.cleaned_data["note"])
        except services.HotlineError as error:
            form.add_error("due_at", error.message)
            return _call_page(request, call, status=status_for(error), call_back_form=form)
        messages.success(request, _("Call-back scheduled."))
        return redirect(_call_url(call))
    return _call_page(request, call, status=400, call_back_form=form)


def _back(request):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/hotline/") else reverse("hotline:queue"))


@operator_view(methods=("POST",))
def call_back_done(request, call_back_id):
    form = CallBackDoneForm(request.POST)
    result = form.cleaned_data["result"] if form.is_valid() else ""
    try:
        services.call_back_done(request.user, call_back_id, result)
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.HotlineError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Call-back marked as made."))
    return _back(request)


@operator_view(methods=("POST",))
def move_call_back(request, call_back_id):
    form = CallBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back(request)
    try:
        services.move_call_back(request.user, call_back_id, form.cleaned_data["due_at"], form.cleaned_data["note"])
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.HotlineError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Call-back moved."))
    return _back(request)

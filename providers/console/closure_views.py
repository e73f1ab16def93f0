"""Console: closures of days, periods and single slots; thin views over ``providers.closures``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.audit import services as audit
from marketplace.booking.services import local_day
from providers import closures
from providers.console import reads
from providers.console.access import console_view
from providers.console.closure_forms import ClosureForm, SlotCloseForm
from providers.console.navigation import day_url


def _closures_context(provider, form, preview=None):
    now = timezone.now()
    every = list(closures.closures_of(provider).order_by("starts_on", "pk"))
    return {
        "provider": provider,
        "form": form,
        "preview": preview,
        "upcoming": [closure for closure in every if not closures.closure_is_over(closure, now)],
        "past": [closure for closure in reversed(every) if closures.closure_is_over(closure, now)][:20],
    }


@console_view(methods=["GET", "POST"])
def closure_list(request, provider):
    """The provider's closures and the form to add one: a first POST shows what it would cancel, ``confirm`` closes."""
    if request.method == "GET":
        form = ClosureForm(offerings=reads.offerings_of(provider))
        return render(request, "providers/closure_list.html", _closures_context(provider, form))
    form = ClosureForm(request.POST, offerings=reads.offerings_of(provider))
    if not form.is_valid():
        return render(request, "providers/closure_list.html", _closures_context(provider, form))
    data = form.cleaned_data
    period = (data["starts_on"], data["ends_on"], data["reason"])
    try:
        if request.POST.get("confirm") != "1":
            preview = closures.preview_period(request.user, provider, *period, offering=data["offering"])
            # The preview names each resident whose booking would be cancelled, with their phone.
            audit.record_access(request.user, provider, audit.Access.What.CLOSURE_PREVIEW, preview)
            return render(request, "providers/closure_list.html", _closures_context(provider, form, preview))
        closure = closures.close_period(request.user, provider, *period, offering=data["offering"])
    except closures.ClosureError as error:
        form.add_error(None, error.message)
        return render(request, "providers/closure_list.html", _closures_context(provider, form))
    messages.success(
        request,
        ngettext(
            "Closed from %(first)s to %(last)s: %(slots)d slots closed, %(count)d booking cancelled; "
            "the resident is being told.",
            "Closed from %(first)s to %(last)s: %(slots)d slots closed, %(count)d bookings cancelled; "
            "the residents are being told.",
            len(closure.cancelled),
        )
        % {
            "first": closure.starts_on.isoformat(),
            "last": closure.ends_on.isoformat(),
            "slots": closure.closed_slots,
            "count": len(closure.cancelled),
        },
    )
    return redirect("provider:closures", partner_id=provider.pk)


@console_view(methods=["POST"])
def closure_reopen(request, provider, closure_id):
    try:
        closure = closures.closure_of(provider, closure_id)
    except closures.NotFound as error:
        raise Http404(error.message) from error
    try:
        reopened = closures.reopen(request.user, closure)
    except closures.ClosureError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "The closure is lifted: %(count)d slot is open again. Cancelled bookings stay cancelled.",
                "The closure is lifted: %(count)d slots are open again. Cancelled bookings stay cancelled.",
                reopened,
            )
            % {"count": reopened},
        )
    return redirect("provider:closures", partner_id=provider.pk)


def _back(request, provider, slot):
    return redirect(_back_from(request.POST, request, provider, slot))


def _back_from(data, request, provider, slot):
    target = data.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return day_url("provider:day", provider, local_day(slot.starts_at), slot.offering)


@console_view(methods=["GET", "POST"])
def slot_close(request, provider, slot_id):
    """GET shows what closing the slot does (how many bookings it cancels, the reason residents read); POST closes."""
    try:
        slot = closures.slot_of(provider, slot_id)
    except closures.NotFound as error:
        raise Http404(error.message) from error
    data = request.POST if request.method == "POST" else request.GET
    form = SlotCloseForm(data)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back_from(data, request, provider, slot))
    if request.method != "POST":
        if not closures.slot_can_close(slot):
            messages.error(request, _("This time slot has already begun: it can no longer be closed."))
            return redirect(_back_from(data, request, provider, slot))
        context = {
            "provider": provider,
            "slot": slot,
            "reason": form.cleaned_data["reason"],
            "cancelled": closures.bookings_to_cancel([slot.pk]).count(),
            "back": _back_from(data, request, provider, slot),
        }
        return render(request, "providers/slot_close_confirm.html", context)
    try:
        cancelled = closures.close_slot(request.user, slot, form.cleaned_data["reason"])
    except closures.ClosureError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "The slot at %(time)s is closed; %(count)d booking cancelled, the resident is being told.",
                "The slot at %(time)s is closed; %(count)d bookings cancelled, the residents are being told.",
                len(cancelled),
            )
            % {"time": f"{timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M}", "count": len(cancelled)},
        )
    return _back(request, provider, slot)

"""The station's matters in the console (issue 20): the queue, one matter with its steps, links and uploads.

Thin views: what staff may read comes from ``marketplace.matters.services`` (``queue_of``,
``matter_for_staff``) by way of ``marketplace.matters.staff_reads``; every change is
``services.take_step``, ``link_booking`` or ``add_material``, whose errors are shown beside the
form they concern, with the status the service gives (nothing is changed). Every time the page
shows a matter, the view is recorded (``services.record_view``).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.answers import status_for
from marketplace.matters import kinds, services, staff_reads, supervision
from providers.console.access import console_view
from providers.console.matter_forms import HeldForm, MatterFilterForm, SessionForm

CLOSED_PER_PAGE = 20


def _queue_url(provider):
    return reverse("provider:matters", kwargs={"partner_id": provider.pk})


def _matter_url(provider, matter, anchor=""):
    url = reverse("provider:matter", kwargs={"partner_id": provider.pk, "reference": matter.reference})
    return f"{url}#{anchor}" if anchor else url


@console_view(methods=["GET"])
def queue(request, provider):
    form = MatterFilterForm(request.GET)
    chosen = form.chosen()
    now = timezone.now()
    matters = staff_reads.queue(request.user, provider, now=now, **chosen)
    groups, counts = staff_reads.grouped(matters, now)
    closed = Paginator(matters.filter(closed_at__isnull=False).order_by("-closed_at", "-pk"), CLOSED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The escalated ones (督办) carry a flag: one query for the page.
    shown = [matter for rows in groups.values() for matter in rows] + list(closed)
    escalations = supervision.open_escalations(matter.pk for matter in shown)
    for matter in shown:
        matter.escalation = escalations.get(matter.pk)
    filters = {key: value for key, value in request.GET.items() if key in form.fields and value}
    labels = staff_reads.group_labels()
    context = {
        "provider": provider,
        "form": form,
        "chosen": chosen,
        "filtered": any(chosen.values()),
        "groups": [(key, labels[key], groups[key], counts[key]) for key in staff_reads.GROUPS if groups[key]],
        "open_count": sum(counts.values()),
        "closed": closed,
        "show_closed": chosen["status"] != "open" and not chosen["overdue"],
        # Unfolded when asked for, or when the filters leave only closed ones to show.
        "closed_open": "page" in request.GET or (any(chosen.values()) and not any(groups.values())),
        "page_filters": urlencode(filters),
        "now": now,
    }
    return render(request, "providers/matter_queue.html", context)


def _matter_at(request, provider, reference):
    """The matter, if it is at ``provider`` (whom the URL names); anyone else's is a page that does not exist."""
    try:
        matter = services.matter_for_staff(request.user, reference)
    except services.NotFound as error:
        raise Http404(error.message) from error
    if matter.organisation_id != provider.pk:
        raise Http404
    return matter


def _matter_page(request, provider, matter, failed=None, status=200):
    services.record_view(request.user, matter)
    allowed = services.steps_allowed(matter, kinds.STAFF)
    # Linking a booking, scheduling a session and recording it held have forms of their own.
    steps = [step for step in allowed if step.needs not in ("booking", "session", "attendance")]
    own = {step.needs: step for step in allowed if step.needs in ("session", "attendance")}
    needs = {step.needs for step in steps}
    context = {
        "provider": provider,
        "matter": matter,
        "kind": matter.kind_spec,
        "facts": staff_reads.applicant_facts(matter),
        "fields": matter.detail_rows(),
        "deadline_day": staff_reads.deadline_day(matter),
        "overdue": matter.is_overdue(),
        "timeline": staff_reads.timeline_for_staff(matter),
        "materials": staff_reads.materials_of(matter),
        "bookings": staff_reads.linked_bookings(matter),
        "steps": steps,
        "may_link_booking": any(step.needs == "booking" for step in allowed),
        "session_step": own.get("session"),
        "held_step": own.get("attendance"),
        "session_form": (failed or {}).get("session_form") or (SessionForm() if "session" in own else None),
        "held_form": (failed or {}).get("held_form") or (HeldForm() if "attendance" in own else None),
        "may_add_material": not matter.is_closed and bool(matter.kind_spec.materials),
        "staff_members": provider.users.order_by("name", "pk") if "assignee" in needs else (),
        "organisations": list(services.transfer_targets(matter)) if "organisation" in needs else (),
        "failed": failed,
    }
    context["escalation"] = supervision.open_escalation_of(matter)
    if context["escalation"] is not None:
        context["escalation_day"] = staff_reads.deadline_day(context["escalation"])
    return render(request, "providers/matter_detail.html", context, status=status)


@console_view(methods=["GET"])
def matter(request, provider, reference):
    return _matter_page(request, provider, _matter_at(request, provider, reference))


def _failed(request, provider, matter, form, error, text="", **forms):
    failed = {"form": form, "message": error.message, "text": text, **forms}
    return _matter_page(request, provider, matter, failed, status=status_for(error))


@console_view(methods=["POST"])
def step(request, provider, reference):
    """Take one step; a step that cannot be undone is first shown for confirmation."""
    matter = _matter_at(request, provider, reference)
    action = request.POST.get("action", "")
    text = request.POST.get("text", "")
    spec = matter.kind_spec.step(action)
    try:
        if (
            spec is not None
            and spec.confirm
            and request.POST.get("confirmed") != "yes"
            and spec in services.steps_allowed(matter, kinds.STAFF)
        ):
            text = services.clean_text(text, spec.text_label or spec.label, required=spec.needs_text)
            context = {"provider": provider, "matter": matter, "step": spec, "text": text}
            return render(request, "providers/matter_step_confirm.html", context)
        matter = services.take_step(
            request.user,
            matter.reference,
            action,
            text,
            to=request.POST.get("to"),
            assignee=request.POST.get("assignee"),
            matter=matter,
        )
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.MatterError as error:
        return _failed(request, provider, matter, action, error, text)
    if matter.organisation_id != provider.pk:
        messages.success(
            request,
            _("%(reference)s is transferred to %(organisation)s.")
            % {"reference": matter.reference, "organisation": matter.organisation.name},
        )
        return redirect(_queue_url(provider))
    messages.success(request, _("Done: %(step)s.") % {"step": spec.label})
    return redirect(_matter_url(provider, matter, "timeline-title"))


@console_view(methods=["POST"])
def link_booking(request, provider, reference):
    matter = _matter_at(request, provider, reference)
    code = request.POST.get("code", "")
    try:
        booking = services.link_booking(request.user, matter.reference, code)
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.MatterError as error:
        return _failed(request, provider, matter, "link_booking", error, code)
    messages.success(request, _("The appointment %(code)s is linked.") % {"code": booking.code})
    return redirect(_matter_url(provider, matter, "bookings-title"))


@console_view(methods=["POST"])
def add_material(request, provider, reference):
    matter = _matter_at(request, provider, reference)
    try:
        material = services.add_material(
            request.user, matter.reference, request.POST.get("kind"), request.FILES.get("file")
        )
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.MatterError as error:
        return _failed(request, provider, matter, "material", error)
    messages.success(request, _("The file %(name)s is added.") % {"name": material.name})
    return redirect(_matter_url(provider, matter, "materials-title"))


@console_view(methods=["POST"])
def schedule_session(request, provider, reference):
    """A lecture request (法律九进) scheduled as a session: its slot is made by the service."""
    matter = _matter_at(request, provider, reference)
    form = SessionForm(request.POST)
    try:
        if not form.is_valid():
            raise services.InvalidInput(_("Enter the session's day, start time and length."))
        matter = services.schedule_session(
            request.user, matter.reference, form.starts_at(), form.cleaned_data["minutes"]
        )
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.MatterError as error:
        return _failed(request, provider, matter, "schedule", error, session_form=form)
    messages.success(request, _("Done: %(step)s.") % {"step": matter.kind_spec.step("schedule").label})
    return redirect(_matter_url(provider, matter, "timeline-title"))


@console_view(methods=["POST"])
def session_held(request, provider, reference):
    matter = _matter_at(request, provider, reference)
    form = HeldForm(request.POST)
    try:
        if not form.is_valid():
            raise services.InvalidInput(_("Enter how many people attended and what was done."))
        matter = services.record_session_held(
            request.user, matter.reference, form.cleaned_data["attendance"], form.cleaned_data["text"]
        )
    except services.NotFound as error:
        raise Http404(error.message) from error
    except services.MatterError as error:
        return _failed(request, provider, matter, "held", error, held_form=form)
    messages.success(request, _("Done: %(step)s.") % {"step": matter.kind_spec.step("held").label})
    return redirect(_matter_url(provider, matter, "timeline-title"))

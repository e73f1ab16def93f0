"""The resident's pages of matters (issue 20): my matters, applying, a matter's page, the other party's
answer and the public progress lookup. Every change goes through ``marketplace.matters.services``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from marketplace.audit import services as audit
from marketplace.audit.models import Access
from marketplace.matters import kinds, services, tasks, workdays
from marketplace.matters.forms import LegalAidScreenForm, MaterialForm, MatterForm, ProgressForm, RespondForm, StepForm
from marketplace.matters.models import Matter
from marketplace.users.limits import client_address, with_wait

# The public lookup guesses nothing: at most this many tries a minute from one address.
PROGRESS_RATE = settings.MATTER_PROGRESS_RATE_PER_ADDRESS


def _own_matter(request, reference):
    try:
        return services.matter_of_applicant(request.user, reference)
    except services.NotFound as error:
        raise Http404(error.message) from error


def _submittable_kind(code):
    kind = kinds.kind_of(code)
    if kind is None or not kind.resident_may_submit:
        raise Http404(_("There is no such kind of matter."))
    return kind


# --- my matters and applying ----------------------------------------------------------


@login_required
def matter_list(request):
    matters = list(services.matters_of(request.user))
    for matter in matters:
        matter.due_day = workdays.last_day(matter.due_at) if matter.waits_for == kinds.APPLICANT else None
    return render(request, "matters/matter_list.html", {"matters": matters})


@login_required
def choose_kind(request):
    return render(request, "matters/choose_kind.html", {"kinds": kinds.submittable()})


@login_required
def submit(request, kind):
    kind = _submittable_kind(kind)
    context = {"kind": kind}
    fixed, required = {}, services.required_materials(kind)
    if kind.code == kinds.LEGAL_AID.code:
        # Legal aid asks first whether it is open to the applicant, then for the application.
        source = request.POST if request.method == "POST" else request.GET
        if "category" not in source:
            return render(request, "matters/legal_aid_screen.html", {**context, "form": LegalAidScreenForm()})
        screen = LegalAidScreenForm(source)
        if not screen.is_valid():
            return render(request, "matters/legal_aid_screen.html", {**context, "form": screen})
        category = screen.cleaned_data["category"]
        eligible, message, required = services.legal_aid_screen(category)
        context.update(screen_message=message, category_label=dict(kinds.AID_CATEGORIES)[category])
        if not eligible:
            return render(request, "matters/legal_aid_screen.html", {**context, "form": screen, "not_eligible": True})
        fixed = {"category": category}
    if request.method == "POST":
        form = MatterForm(kind, request.user, request.POST, request.FILES, fixed=fixed, required_materials=required)
        if form.is_valid():
            try:
                matter = services.submit(request.user, kind.code, **form.submission())
            except services.MatterError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Submitted. Your reference number is %(reference)s: keep it to follow your matter.")
                    % {"reference": matter.reference},
                )
                return redirect("matters:detail", reference=matter.reference)
    else:
        # A menu's topic may come chosen from the menu page.
        initial = {"service": request.GET.get("service", "")} if kind.menu_category else None
        form = MatterForm(kind, request.user, fixed=fixed, required_materials=required, initial=initial)
    required_labels = [kind.material(code).label for code in required]
    return render(request, "matters/submit.html", {**context, "form": form, "required_labels": required_labels})


def outreach_menu(request):
    """The public menu of 法律九进: the legal-education services an organisation may ask to be brought to it."""
    kind = kinds.OUTREACH_REQUEST
    topics = [
        {"service": service, "providers": list(services.menu_providers(service.slug))}
        for service in services.menu(kind)
    ]
    return render(
        request, "matters/outreach_menu.html", {"kind": kind, "topics": topics, "venues": kinds.OUTREACH_VENUES}
    )


# --- one matter -------------------------------------------------------------------------


@login_required
def detail(request, reference):
    matter = _own_matter(request, reference)
    kind = matter.kind_spec
    steps = []
    for step in services.steps_allowed(matter, kinds.APPLICANT):
        steps.append({"step": step, "rate": step.action == "rate"})
    may_add_material = not matter.is_closed and matter.status in kind.material_statuses and bool(kind.materials)
    materials = list(matter.materials.all())
    present = {material.kind for material in materials}
    missing = [kind.material(code).label for code in services.required_materials(matter) if code not in present]
    return render(
        request,
        "matters/detail.html",
        {
            "matter": matter,
            "kind": kind,
            "status": matter.status_spec,
            "due_day": workdays.last_day(matter.due_at),
            "details": matter.detail_rows(),
            "timeline": services.timeline_for_applicant(matter),
            "materials": [(material, kind.material(material.kind)) for material in materials],
            "missing": missing if not matter.is_closed else [],
            "bookings": list(matter.bookings.select_related("slot__offering__partner", "slot__offering__product")),
            "steps": steps,
            "material_form": MaterialForm(kind) if may_add_material else None,
        },
    )


@login_required
@require_POST
def take_step(request, reference):
    matter = _own_matter(request, reference)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5 stars."))
        return redirect("matters:detail", reference=matter.reference)
    action, text = form.cleaned_data["action"], form.cleaned_data["text"]
    step = matter.kind_spec.step(action)
    allowed = step in services.steps_allowed(matter, kinds.APPLICANT)
    if allowed and step.confirm and not form.cleaned_data["confirmed"]:
        # An irreversible step is asked about once more, on a page of its own (no script needed).
        return render(request, "matters/step_confirm.html", {"matter": matter, "step": step, "text": text})
    try:
        services.take_step(
            request.user, matter.reference, action, text, stars=form.cleaned_data["stars"], matter=matter
        )
    except services.MatterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": step.label})
    return redirect("matters:detail", reference=matter.reference)


@login_required
@require_POST
def add_material(request, reference):
    matter = _own_matter(request, reference)
    form = MaterialForm(matter.kind_spec, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose what the file is and the file itself."))
        return redirect("matters:detail", reference=matter.reference)
    try:
        services.add_material(request.user, matter.reference, form.cleaned_data["kind"], form.cleaned_data["file"])
    except services.MatterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file was added."))
    return redirect("matters:detail", reference=matter.reference)


@login_required
def material(request, material_id):
    """A material's file, for whoever may read its matter (the applicant, its staff, the district)."""
    try:
        found = services.material_for(request.user, material_id)
    except services.NotFound as error:
        raise Http404(error.message) from error
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("There is no such file among those you may see.")) from error
    response = FileResponse(handle, as_attachment=True, filename=found.name, content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the other party of a mediation --------------------------------------------------------


def respond(request, token):
    matter_id = tasks.matter_id_from_token(token)
    matter = (
        Matter.objects.select_related("applicant", "organisation")
        .filter(pk=matter_id, kind=kinds.MEDIATION.code, purged_at__isnull=True)
        .first()
        if matter_id
        else None
    )
    if matter is None:
        raise Http404(_("This link is not valid."))
    form = RespondForm()
    if request.method == "POST":
        form = RespondForm(request.POST)
        if form.is_valid():
            try:
                services.other_party_answer(
                    matter.pk, form.cleaned_data["answer"] == "accept", form.cleaned_data["reason"]
                )
            except services.StepNotAllowed:
                pass  # answered meanwhile: the page says so
            except services.MatterError as error:
                form.add_error(None, error.message)
            else:
                if form.cleaned_data["answer"] == "accept":
                    messages.success(request, _("Thank you. The mediator will contact you to arrange the mediation."))
                else:
                    messages.success(request, _("Thank you. Your answer has been passed on."))
                return redirect("matters:respond", token=token)
    else:
        audit.record_access(None, None, Access.What.MATTER_OTHER_PARTY, matter=matter)
    waiting = matter.status == "awaiting_other_party"
    return render(
        request,
        "matters/respond.html",
        {
            "matter": matter,
            "applicant_name": matter.applicant.masked_name,
            "dispute": matter.detail_rows(),
            "waiting": waiting,
            "accepted": matter.steps.filter(action="accept").exists() if not waiting else False,
            "form": form,
        },
    )


# --- the public progress lookup --------------------------------------------------------------


def progress(request):
    found = None
    form = ProgressForm()
    if request.method == "POST":
        usage = get_usage(
            request,
            group="matters:progress:address",  # one budget with the API's lookup
            key=lambda _group, _request: client_address(request),
            rate=PROGRESS_RATE,
            increment=True,
        )
        if usage and usage["should_limit"]:
            wait = max(1, int(usage["time_left"]))
            response = render(
                request,
                "matters/progress_limited.html",
                {"message": with_wait(_("Too many lookups from here."), wait)},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                found = services.progress(form.cleaned_data["reference"], form.cleaned_data["phone_last4"])
            except services.NotFound as error:
                form.add_error(None, error.message)
            else:
                found["due_day"] = workdays.last_day(found["due_at"])
    return render(request, "matters/progress.html", {"form": form, "found": found})

"""The district's review of the street index: drafts, publishing and the formula (thin doors onto
:mod:`streetindex.publishing`); mounted at /index/review/."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.answers import status_for
from streetindex import publishing
from streetindex.formula import COMPONENT_LABELS, COMPONENTS


def publishers_only(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not publishing.may_publish(request.user):
            return render(request, "streetindex/not_publisher.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(checked)


def formula_rows(run, before):
    """``[(label, weight, weight before or None)]``."""
    return [
        (COMPONENT_LABELS[key], run.weights.get(key, 0), before.weights.get(key, 0) if before else None)
        for key in COMPONENTS
    ]


@publishers_only
@require_GET
def review_list(request):
    version, _current = publishing.current_formula()
    return render(
        request,
        "streetindex/index_review_list.html",
        {
            "drafts": publishing.drafts().order_by("-period_start", "granularity"),
            "published_runs": publishing.published().order_by("-published_at")[:24],
            "version": version,
        },
    )


def _draft_or_404(label):
    try:
        return publishing.draft_for(label)
    except publishing.NoDraft as error:
        raise Http404(error.message) from error


def _review_page(request, run, error=None, status=200):
    before = publishing.compared_run(run)
    return render(
        request,
        "streetindex/index_review.html",
        {
            "run": run,
            "complete": run.is_complete(),
            "before": before,
            "rows": publishing.street_changes(run, before),
            "weights": formula_rows(run, before),
            "version": run.formula_version,
            "components": COMPONENTS,
            "error": error,
        },
        status=status,
    )


@publishers_only
@require_GET
def review(request, label):
    return _review_page(request, _draft_or_404(label))


@publishers_only
@require_POST
def publish(request, label):
    run = _draft_or_404(label)
    if request.POST.get("confirm") != "yes":
        return _review_page(
            request,
            run,
            error=_("Tick the box to confirm you have reviewed the figures, then publish."),
            status=400,
        )
    try:
        run = publishing.publish(request.user, label)
    except publishing.NoDraft as error:
        raise Http404(error.message) from error
    messages.success(request, _("The index of %(period)s is published.") % {"period": run.label})
    return redirect(reverse("streetindex:streets") + f"?period={run.label}")


def _formula_page(request, values, error=None, status=200):
    weights = values["weights"]
    return render(
        request,
        "streetindex/index_formula.html",
        {
            "weight_fields": [(key, COMPONENT_LABELS[key], weights.get(key, "")) for key in COMPONENTS],
            "minimum_fields": [
                (name, publishing.FormulaVersion._meta.get_field(name).verbose_name, values.get(name, ""))
                for name in publishing.MINIMUMS
            ],
            "error": error,
            "history": publishing.history(),
        },
        status=status,
    )


@publishers_only
@require_http_methods(["GET", "POST"])
def formula(request):
    if request.method == "GET":
        _version, current = publishing.current_formula()
        return _formula_page(request, publishing.values_of(current))
    weights = {key: request.POST.get(f"weight_{key}", "") for key in COMPONENTS}
    minimums = {name: request.POST.get(name, "") for name in publishing.MINIMUMS}
    try:
        publishing.change_formula(request.user, weights, minimums)
    except publishing.FormulaInvalid as error:
        return _formula_page(request, {"weights": weights, **minimums}, error=error, status=status_for(error))
    messages.success(request, _("The weights and minimums are saved; the next computation uses them."))
    return redirect("streetindex:formula")

"""The district publishes the street index: the rules of reviewing, publishing and changing the formula.

- A computed run is a draft; the public (pages, downloads, API) sees only published runs, and a
  period never published answers as if it had not been computed.
- Publishing a draft makes it the period's public run; the run published before it for the same
  period (if any) stays as history. A published run is frozen: the nightly computation does not
  recompute a complete period that has one, and a recomputation (``compute_index --period``)
  makes a new draft that must be published again.
- The formula's weights and minimums are the latest ``FormulaVersion``, or the settings until an
  administrator first changes them. Each change is a new version holding the old values too; each run
  records the version it was computed with.

Who may do this: district staff (``providers.staff.may_use_the_dashboard``, as the operations view)
holding the ``streetindex.publish_index`` permission.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit.models import Action
from marketplace.audit.services import record
from marketplace.errors import DomainError
from providers import staff
from streetindex import formula
from streetindex.models import FormulaVersion, IndexFigure, IndexRun
from streetindex.periods import local_today, parse_period

MINIMUMS = FormulaVersion.MINIMUMS
# The largest a minimum may be (the database keeps them as small integers).
MAX_MINIMUM = 10_000


class NotPublisher(DomainError):
    code = "not_publisher"


class FormulaInvalid(DomainError):
    code = "invalid"

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class NoDraft(DomainError):
    code = "not_found"


def may_publish(user):
    return bool(
        user is not None
        and user.is_authenticated
        and staff.may_use_the_dashboard(user)
        and user.has_perm("streetindex.publish_index")
    )


def _check(user):
    if not may_publish(user):
        raise NotPublisher(_("Only the district's administrators may review and publish the street index."))


# --- the formula ---------------------------------------------------------------


def latest_version():
    return FormulaVersion.objects.select_related("changed_by").first()


def formula_of_version(version):
    if version is None:
        return formula.Formula.from_settings()
    return formula.Formula(
        weights=dict(version.weights),
        min_sample=version.min_sample,
        min_bookings=version.min_bookings,
        min_ranked_streets=version.min_ranked_streets,
        case_target_hours=version.case_target_hours,
    )


def current_formula():
    """``(version or None, Formula)``: what the next computation uses."""
    version = latest_version()
    return version, formula_of_version(version)


def values_of(formula_):
    """The formula as the plain values a version, a form and the action log hold."""
    return {
        "weights": {key: formula_.weights.get(key, 0) for key in formula.COMPONENTS},
        **{name: getattr(formula_, name) for name in MINIMUMS},
    }


def _number(text, field):
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise FormulaInvalid(_("Write a number."), field) from None
    if not value.is_finite():
        raise FormulaInvalid(_("Write a number."), field)
    return value


def clean_values(weights, minimums):
    """The weights (``{component: number}``) and minimums, checked; ``FormulaInvalid`` for the first bad one."""
    clean_weights = {}
    for key in formula.COMPONENTS:
        value = _number(weights.get(key, ""), key)
        if value < 0:
            raise FormulaInvalid(_("A weight cannot be negative."), key)
        if value > MAX_MINIMUM:
            raise FormulaInvalid(_("A weight cannot be more than %(most)d.") % {"most": MAX_MINIMUM}, key)
        clean_weights[key] = int(value) if value == value.to_integral_value() else float(value)
    unknown = set(weights) - set(formula.COMPONENTS)
    if unknown:
        raise FormulaInvalid(_("Unknown component: %(name)s.") % {"name": sorted(unknown)[0][:40]})
    if not any(clean_weights.values()):
        raise FormulaInvalid(_("At least one weight must be more than 0."))
    clean_minimums = {}
    for name in MINIMUMS:
        value = _number(minimums.get(name, ""), name)
        if value != value.to_integral_value() or not 1 <= value <= MAX_MINIMUM:
            raise FormulaInvalid(
                _("Write a whole number from 1 to %(most)d.") % {"most": MAX_MINIMUM},
                name,
            )
        clean_minimums[name] = int(value)
    return clean_weights, clean_minimums


def change_formula(user, weights, minimums, now=None):
    """Set the weights and minimums the next computation uses; return the new ``FormulaVersion``.

    Bad input raises ``FormulaInvalid`` and changes nothing; the same values again change nothing either.
    """
    _check(user)
    clean_weights, clean_minimums = clean_values(weights, minimums)
    now = now or timezone.now()
    with transaction.atomic():
        version, current = current_formula()
        old = values_of(current)
        new = {"weights": clean_weights, **clean_minimums}
        if old == new:
            return version
        version = FormulaVersion.objects.create(
            weights=clean_weights, **clean_minimums, changed_at=now, changed_by=user, previous=old
        )
        record(Action.Code.FORMULA_CHANGED, detail={"old": old, "new": new, "version": version.pk}, at=now)
    return version


def version_changes(version):
    """``[(label, old, new)]`` of what a version changed, in the order of the form."""
    return [] if version is None else version.changes()


def history():
    """Every change of the formula, latest first, with what it changed."""
    return [(version, version_changes(version)) for version in FormulaVersion.objects.select_related("changed_by")]


# --- drafts and publishing -----------------------------------------------------


def drafts():
    return IndexRun.objects.filter(published_at__isnull=True).select_related("formula_version__changed_by")


def published():
    return IndexRun.objects.filter(published_at__isnull=False).select_related("published_by")


def draft_for(label):
    """The draft of the period ``label`` names; ``NoDraft`` when there is none."""
    period = parse_period(label)
    run = (
        drafts().filter(granularity=period.granularity, period_start=period.start).first()
        if period is not None
        else None
    )
    if run is None:
        raise NoDraft(_("There is no draft of the index for this period."))
    return run


def is_frozen(period, now=None):
    """A complete period with a published run: the nightly computation leaves it alone."""
    return local_today(now) > period.end and (
        published().filter(granularity=period.granularity, period_start=period.start).exists()
    )


def compared_run(run):
    """What a draft is compared with: the latest published run of the same period, else of the period before."""
    same = published().filter(granularity=run.granularity, period_start=run.period_start).first()
    if same is not None:
        return same
    return (
        published()
        .filter(granularity=run.granularity, period_start__lt=run.period_start)
        .order_by("-period_start", "-published_at")
        .first()
    )


def street_changes(run, before):
    """``[(street, figure, figure before or None)]`` of the run's streets, ranked first."""
    figures = list(
        IndexFigure.objects.filter(run=run, level=IndexFigure.Level.STREET)
        .select_related("street")
        .order_by("rank", "street__position")
    )
    earlier = {}
    if before is not None:
        earlier = {
            figure.street_id: figure
            for figure in IndexFigure.objects.filter(run=before, level=IndexFigure.Level.STREET)
        }
    ranked = sorted(figures, key=lambda figure: (figure.rank is None or not run.ranked, figure.rank or 0))
    return [(figure, earlier.get(figure.street_id)) for figure in ranked]


def publish(user, label, now=None):
    """Publish the draft of ``label``: from now on it is what the public sees of its period."""
    _check(user)
    now = now or timezone.now()
    with transaction.atomic():
        run = draft_for(label)
        run = IndexRun.objects.select_for_update().get(pk=run.pk)
        if run.published_at is not None:  # published meanwhile by somebody else
            raise NoDraft(_("There is no draft of the index for this period."))
        run.published_at, run.published_by = now, user
        run.save(update_fields=["published_at", "published_by"])
        record(
            Action.Code.INDEX_PUBLISHED,
            detail={"period": run.label, "run": run.pk, "computed_at": run.computed_at.isoformat()},
            at=now,
        )
    return run


def publish_by_system(run, now=None):
    """The demo's history: a run published by nobody in particular (no request, no administrator)."""
    now = now or timezone.now()
    with transaction.atomic():
        run.published_at = now
        run.save(update_fields=["published_at"])
        record(Action.Code.INDEX_PUBLISHED, detail={"period": run.label, "run": run.pk}, by_system=True, at=now)
    return run

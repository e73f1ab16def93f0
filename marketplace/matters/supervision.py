"""Supervision (督办, issue 22 item 2): late matters, and matters the resident says are not resolved, go up a level.

A matter of any kind that passes its deadline while it waits for its organisation, or whose resident
takes the step "not resolved", is escalated to the supervisors of the street of the handling
organisation (an organisation with no street goes straight to the district). Each level has its own
deadline in working days (``MATTER_ESCALATION_STREET_DAYS``, ``MATTER_ESCALATION_DISTRICT_DAYS``): a
street's escalation still open when its deadline passes goes up to the district. An escalation ends
when the matter no longer waits for its organisation (it answered, or the matter closed), or when a
supervisor closes it with a finding.

A supervisor may, on an escalation of their level: set a new deadline for the organisation, reassign
the matter to another organisation, or close with a finding. Every step is written on the matter's
timeline (actor kind ``supervisor``, or ``system`` for the job's) and in the action log, and the
handling organisation is told by email (``tasks.tell_escalation``), enqueued on commit.

Who supervises is data: ``Supervisor`` rows (a street, or none for the district), edited in the admin.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit import services as audit
from marketplace.audit.models import Access, Action
from marketplace.background import enqueue_on_commit
from marketplace.ids import parse_id
from marketplace.matters import kinds, workdays
from marketplace.matters.models import Escalation, Matter, Supervisor
from marketplace.matters.services import (
    InvalidInput,
    NotFound,
    NotNow,
    _add_step,
    _pk,
    clean_text,
    desks_for,
)

SUPERVISOR = "supervisor"  # the actor kind of a supervisor's steps on the timeline
STREET, DISTRICT = Escalation.Level.STREET, Escalation.Level.DISTRICT
# How far ahead a supervisor may set an organisation's new deadline.
MAX_NEW_DEADLINE_DAYS = 90

STEP_LABELS = {
    "escalated": lambda: _("Escalated to the street's supervisor"),
    "escalated_district": lambda: _("Escalated to the district's supervisor"),
    "supervision_deadline": lambda: _("Supervisor set a new deadline"),
    "supervision_reassign": lambda: _("Supervisor reassigned it to another organisation"),
    "supervision_finding": lambda: _("Supervisor closed it with a finding"),
}


# --- who supervises ----------------------------------------------------------------


def roles_of(user):
    """``(street ids, is a district supervisor)`` for ``user``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set(), False
    rows = list(Supervisor.objects.filter(user=user).values_list("street_id", flat=True))
    return {street for street in rows if street is not None}, None in rows


def is_supervisor(user):
    streets, district = roles_of(user)
    return bool(streets or district)


def _visible_q(user):
    streets, district = roles_of(user)
    condition = Q(level=STREET, street_id__in=streets) if streets else Q(pk__in=[])
    if district:
        condition |= Q(level=DISTRICT)
    return condition


def queue_of(user, now=None):
    """The open escalations of ``user``'s levels (their streets', the district's), the longest overdue first."""
    if not is_supervisor(user):
        return Escalation.objects.none()
    return (
        Escalation.objects.filter(_visible_q(user), closed_at__isnull=True)
        .select_related("matter__organisation", "matter__applicant", "street")
        .order_by("due_at", "pk")
    )


def escalation_for(user, escalation_id):
    """One open or closed escalation of ``user``'s levels, else NotFound (another street's is the same as none)."""
    pk = parse_id(escalation_id)
    found = (
        Escalation.objects.filter(_visible_q(user), pk=pk)
        .select_related("matter__organisation", "matter__applicant", "matter__dependant", "street")
        .first()
        if pk and is_supervisor(user)
        else None
    )
    if found is None:
        raise NotFound(_("There is no such escalated matter among those you supervise."))
    return found


def record_view(viewer, escalation):
    audit.record_access(viewer, None, Access.What.MATTER_DISTRICT, matter=escalation.matter)


# --- going up --------------------------------------------------------------------------


def _street_of(matter):
    return matter.organisation.street_id if matter.organisation_id else None


def _open(matter, level, reason, now, street_id=None):
    days = settings.MATTER_ESCALATION_STREET_DAYS if level == STREET else settings.MATTER_ESCALATION_DISTRICT_DAYS
    escalation = Escalation.objects.create(
        matter=matter,
        level=level,
        reason=reason,
        street_id=street_id,
        opened_at=now,
        due_at=workdays.deadline(now, days),
    )
    action = "escalated" if level == STREET else "escalated_district"
    text = str(Escalation.Reason(reason).label)
    _add_step(matter, action, None, kinds.SYSTEM, text, now)
    audit.record(
        Action.Code.MATTER_ESCALATED,
        matter=matter,
        detail={"level": level, "reason": reason, "escalation": escalation.pk},
        by_system=True,
    )
    from marketplace.matters import tasks

    enqueue_on_commit(tasks.tell_escalation, escalation.pk)
    return escalation


def _first_level(matter, reason, now):
    street = _street_of(matter)
    return _open(matter, STREET if street else DISTRICT, reason, now, street)


def escalate(matter, reason, now=None):
    """Put ``matter`` (locked, in the caller's transaction) before its street's supervisors, unless it already is."""
    now = now or timezone.now()
    if matter.escalations.filter(closed_at__isnull=True).exists():
        return None
    return _first_level(matter, reason, now)


def on_step(matter, action, now):
    """Called by ``services`` after every step on ``matter`` (locked): "not resolved" escalates at once; an
    escalation for lateness ends when the matter no longer waits for its organisation."""
    if action == "unresolved":
        open_one = matter.escalations.filter(closed_at__isnull=True).first()
        if open_one is not None:
            _close(open_one, Escalation.Outcome.HANDLED, now)
        return escalate(matter, Escalation.Reason.UNRESOLVED, now)
    if matter.waits_for != kinds.STAFF:
        for escalation in matter.escalations.filter(closed_at__isnull=True, reason=Escalation.Reason.LATE):
            _close(escalation, Escalation.Outcome.CLOSED if matter.is_closed else Escalation.Outcome.HANDLED, now)
    return None


def _close(escalation, outcome, now, by=None, finding=""):
    escalation.closed_at = now
    escalation.outcome = outcome
    escalation.closed_by = by if by is not None and by.is_authenticated else None
    escalation.finding = finding
    escalation.save(update_fields=["closed_at", "outcome", "closed_by", "finding"])


def escalate_late_matters(now=None):
    """The job: late matters go to their street, street escalations past their deadline to the district.

    Returns how many escalations it opened. Idempotent: a second run at the same moment opens none.
    """
    now = now or timezone.now()
    opened = 0
    late = (
        Matter.objects.filter(closed_at__isnull=True, waits_for=kinds.STAFF, due_at__lte=now)
        .exclude(escalations__closed_at__isnull=True, escalations__isnull=False)
        .values_list("pk", flat=True)
    )
    for matter_id in list(late):
        with transaction.atomic():
            matter = Matter.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=matter_id)
            if matter.is_overdue(now) and _late_again(matter) and escalate(matter, Escalation.Reason.LATE, now):
                opened += 1
    for escalation_id in Escalation.objects.filter(level=STREET, closed_at__isnull=True, due_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            Matter.objects.select_for_update(of=("self",)).filter(escalations=escalation_id).first()
            escalation = Escalation.objects.select_related("matter").filter(pk=escalation_id).first()
            if escalation is None or escalation.closed_at is not None or escalation.due_at > now:
                continue
            _close(escalation, Escalation.Outcome.RAISED, now)
            _open(escalation.matter, DISTRICT, escalation.reason, now, escalation.street_id)
            opened += 1
    return opened


def _late_again(matter):
    """Not escalated before, or missing a deadline set after its last escalation ended (a new wait)."""
    last = matter.escalations.order_by("-closed_at").values_list("closed_at", flat=True).first()
    return last is None or matter.due_at > last


# --- the supervisor's steps -------------------------------------------------------------


def _locked(user, escalation_id):
    found = escalation_for(user, escalation_id)
    matter = Matter.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=found.matter_id)
    escalation = Escalation.objects.get(pk=found.pk)
    if escalation.closed_at is not None:
        raise NotNow(_("This escalation is already closed."))
    return escalation, matter


def _record(user, matter, escalation, action, text, now, detail=None):
    _add_step(matter, action, user, SUPERVISOR, text, now)
    audit.record(
        Action.Code.MATTER_SUPERVISED,
        matter=matter,
        detail={"step": action, "escalation": escalation.pk, "level": escalation.level, **(detail or {})},
    )


def _clean_day(day, now):
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if not isinstance(day, date):
        raise InvalidInput(_("Choose the day of the new deadline."))
    today = workdays.local_day(now)
    if day <= today or day > today + timedelta(days=MAX_NEW_DEADLINE_DAYS):
        raise InvalidInput(
            _("Choose a day after today and at most %(days)s days ahead.") % {"days": MAX_NEW_DEADLINE_DAYS}
        )
    return day


def set_deadline(user, escalation_id, day, text="", now=None):
    """A new deadline (the end of ``day``) for the organisation of an open matter that waits for it."""
    now = now or timezone.now()
    with transaction.atomic():
        escalation, matter = _locked(user, escalation_id)
        if matter.is_closed or matter.waits_for != kinds.STAFF:
            raise NotNow(_("A new deadline is given only while the matter waits for its organisation."))
        day = _clean_day(day, now)
        text = clean_text(text, _("a note for the organisation"), limit=500)
        matter.due_at = workdays.end_of(day)
        matter.save(update_fields=["due_at"])
        # The level waits at least as long as the organisation was given.
        if escalation.due_at < matter.due_at:
            escalation.due_at = matter.due_at
            escalation.save(update_fields=["due_at"])
        words = _("New deadline for the organisation: %(day)s.") % {"day": day.isoformat()}
        _record(user, matter, escalation, "supervision_deadline", f"{words} {text}".strip(), now, {"due": str(day)})
        _tell(escalation)
    return escalation


def organisations_for(matter):
    """The organisations a supervisor may reassign ``matter`` to: those taking its kind (any other, if none does)."""
    from oscar.core.loading import get_model

    Partner = get_model("partner", "Partner")
    desks = desks_for(matter.kind_spec)
    if desks.exists():
        partners = Partner.objects.filter(pk__in=desks.values("organisation_id"))
    else:
        partners = Partner.objects.all()
    return partners.exclude(pk=matter.organisation_id).order_by("name", "pk")


def reassign(user, escalation_id, organisation, text, now=None):
    """The matter goes to another organisation, with the days of its current step counted afresh."""
    now = now or timezone.now()
    with transaction.atomic():
        escalation, matter = _locked(user, escalation_id)
        if matter.is_closed:
            raise NotNow(_("A closed matter cannot be reassigned."))
        text = clean_text(text, _("why it is reassigned"), required=True, limit=500)
        pk = parse_id(_pk(organisation))
        target = organisations_for(matter).filter(pk=pk).first() if pk else None
        if target is None:
            raise InvalidInput(_("Choose another organisation that takes this kind of matter."))
        old = matter.organisation_id
        matter.organisation, matter.assignee = target, None
        if matter.waits_for == kinds.STAFF:
            days = matter.status_spec.working_days()
            matter.due_at = workdays.deadline(now, days) if days is not None else None
        matter.save(update_fields=["organisation", "assignee", "due_at"])
        words = _("Reassigned to %(name)s: %(reason)s") % {"name": target.name, "reason": text}
        _record(user, matter, escalation, "supervision_reassign", words, now, {"from": old, "to": target.pk})
        _tell(escalation)
        if matter.waits_for == kinds.STAFF:
            from marketplace.matters import tasks

            enqueue_on_commit(tasks.tell_organisation, matter.pk)
    return escalation


def close_with_finding(user, escalation_id, finding, now=None):
    """The supervisor's finding ends the escalation and, if the matter is still open, the matter."""
    now = now or timezone.now()
    with transaction.atomic():
        escalation, matter = _locked(user, escalation_id)
        finding = clean_text(finding, _("the finding"), required=True)
        if not matter.is_closed:
            matter.status = kinds.CLOSED_BY_SUPERVISOR.code
            matter.waits_for = ""
            matter.status_since = matter.closed_at = now
            matter.due_at = None
            matter.save(update_fields=["status", "waits_for", "status_since", "closed_at", "due_at"])
        _close(escalation, Escalation.Outcome.FINDING, now, by=user, finding=finding)
        _record(user, matter, escalation, "supervision_finding", finding, now)
        _tell(escalation)
        from marketplace.matters.services import _tell_applicant

        _tell_applicant(matter)
    return escalation


def _tell(escalation):
    from marketplace.matters import tasks

    enqueue_on_commit(tasks.tell_escalation, escalation.pk)


# --- what the organisation and the district read --------------------------------------------


def open_escalations(matter_ids):
    """The open escalation of each of these matters, by matter id (one query)."""
    return {
        escalation.matter_id: escalation
        for escalation in Escalation.objects.filter(matter_id__in=list(matter_ids), closed_at__isnull=True)
    }


def open_escalation_of(matter):
    return matter.escalations.filter(closed_at__isnull=True).first()


def by_street(now=None):
    """Per street of the handling organisation: open, overdue and escalated matters (open escalations)."""
    from marketplace.matters.services import overdue_q

    now = now or timezone.now()
    rows = list(
        Matter.objects.filter(closed_at__isnull=True)
        .values("organisation__street_id", "organisation__street__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(now)))
        .order_by("-overdue", "-open", "organisation__street__name")
    )
    escalated = dict(
        Escalation.objects.filter(closed_at__isnull=True)
        .values("matter__organisation__street_id")
        .annotate(count=Count("pk"))
        .values_list("matter__organisation__street_id", "count")
    )
    seen = set()
    for row in rows:
        row["escalated"] = escalated.get(row["organisation__street_id"], 0)
        seen.add(row["organisation__street_id"])
    # A "not resolved" case is closed but still escalated: its street shows even with nothing open.
    missing = [street for street in escalated if street not in seen]
    if missing:
        from providers.models import Street

        names = dict(Street.objects.filter(pk__in=[s for s in missing if s]).values_list("pk", "name"))
        for street in missing:
            rows.append(
                {
                    "organisation__street_id": street,
                    "organisation__street__name": names.get(street),
                    "open": 0,
                    "overdue": 0,
                    "escalated": escalated[street],
                }
            )
    return rows


def step_label(action):
    label = STEP_LABELS.get(action)
    return label() if label else None


def order_overdue_first(queryset):
    return queryset.order_by(F("due_at").asc(), "pk")

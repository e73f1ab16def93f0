"""What the handling organisation's staff and the district read of matters (reads only).

The station's queue in groups by deadline, a matter's details and timeline as
staff see them (who did each step, by name), and the district's overdue
matters by street and by organisation. Every change goes through
``marketplace.matters.services``; who may read what is decided there too
(``queue_of``, ``matter_for_staff``, ``district_matters``, ``matter_for``).
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marketplace.matters import kinds, services, workdays
from marketplace.matters.models import Matter
from marketplace.users.models import mask_phone

# The queue's groups of open matters, in the order the page shows them.
OVERDUE, TODAY, WEEK, LATER, WAITING = "overdue", "today", "week", "later", "waiting"
GROUPS = (OVERDUE, TODAY, WEEK, LATER, WAITING)


def group_labels():
    return {
        OVERDUE: _("Overdue"),
        TODAY: _("Due today"),
        WEEK: _("Due this week"),
        LATER: _("Due later"),
        WAITING: _("Waiting for the applicant or the other party"),
    }


def status_choices():
    """The status filter's values: open, closed, and each kind's statuses as ``kind:status``, grouped by kind."""
    choices = [("open", pgettext("matters", "Open")), ("closed", pgettext("matters", "Closed"))]
    for kind in kinds.KINDS.values():
        choices.append(
            (str(kind.name), [(f"{kind.code}:{status.code}", str(status.label)) for status in kind.statuses])
        )
    return choices


def chosen_status(value):
    """(kind, status) a status filter value asks for: ``legal_aid:granted`` names both."""
    if value in ("open", "closed", "", None):
        return None, value or None
    kind_code, _sep, status_code = value.partition(":")
    return kind_code, status_code


def queue(user, provider, kind=None, status=None, mine=False, overdue=False, now=None):
    """The provider's matters ``user`` may see, filtered: services.queue_of's order (open first, oldest deadline)."""
    status_kind, status = chosen_status(status)
    matters = services.queue_of(
        user, status=status, overdue=overdue, now=now, kind=status_kind or kind or None, organisation=provider
    )
    if status_kind and kind and kind != status_kind:
        return matters.none()
    if mine:
        matters = matters.filter(assignee=user)
    return matters


def deadline_day(matter):
    """The last day of the current step."""
    return workdays.last_day(matter.due_at)


# The most matters of one group the page lists: a station with hundreds open narrows with the filters.
GROUP_SIZE = 30


def group_filters(now):
    """Each group as a filter of open matters, by whom they wait for and the end of their deadline's day."""
    today = workdays.local_day(now)
    end_of_today = workdays.end_of(today)
    end_of_week = workdays.end_of(today + timedelta(days=6 - today.weekday()))
    staff = Q(waits_for=kinds.STAFF)
    return {
        OVERDUE: staff & Q(due_at__lte=now),
        TODAY: staff & Q(due_at__gt=now, due_at__lte=end_of_today),
        WEEK: staff & Q(due_at__gt=end_of_today, due_at__lte=end_of_week),
        LATER: staff & (Q(due_at__gt=end_of_week) | Q(due_at__isnull=True)),
        WAITING: ~staff,
    }


def grouped(matters, now=None):
    """The open ``matters`` by group, each in the queue's order and at most ``GROUP_SIZE`` long,
    with how many each group holds; overdue ones know their working days late.

    One query counts every group and one lists each: the page costs the same for 10 open matters
    as for 10,000. Reads the official calendar once for the whole page.
    """
    now = now or timezone.now()
    today = workdays.local_day(now)
    filters = group_filters(now)
    matters = matters.filter(closed_at__isnull=True)
    counts = matters.aggregate(**{group: Count("pk", filter=condition) for group, condition in filters.items()})
    groups = {}
    for group in GROUPS:
        rows = list(matters.filter(filters[group])[:GROUP_SIZE]) if counts[group] else []
        for matter in rows:
            matter.deadline_day = deadline_day(matter)
            matter.group = group
        groups[group] = rows
    late = groups[OVERDUE]
    if late:
        calendar = workdays.calendar_between(min(m.deadline_day for m in late), today)
        for matter in late:
            matter.working_days_late = workdays.working_days_between(matter.deadline_day, today, calendar)
    return groups, counts


def applicant_facts(matter):
    """The applicant, whom it is for, and the other party: names, with phones masked."""
    return {
        "applicant_name": matter.applicant.get_full_name(),
        "applicant_phone": mask_phone(matter.applicant.phone),
        "dependant": matter.dependant.label if matter.dependant_id else "",
        "other_party_name": matter.other_party_name,
        "other_party_phone": mask_phone(matter.other_party_phone),
    }


def timeline_for_staff(matter):
    """Every step, oldest first, saying who took it: staff by their own name."""
    by_kind = {
        kinds.APPLICANT: _("The applicant"),
        kinds.OTHER_PARTY: _("The other party"),
        kinds.SYSTEM: _("The system"),
        kinds.STAFF: _("Staff"),
        "supervisor": _("Supervisor"),
    }
    rows = []
    for step in matter.steps.select_related("actor", "organisation").order_by("at", "pk"):
        if step.actor_kind == kinds.STAFF and step.actor is not None:
            by = step.actor.get_full_name() or by_kind[kinds.STAFF]
            if step.organisation is not None:
                by = f"{by} · {step.organisation.name}"
        elif step.actor_kind == "supervisor" and step.actor is not None:
            by = f"{by_kind['supervisor']} · {step.actor.get_full_name()}"
        elif step.actor_kind == kinds.APPLICANT and step.actor is not None:
            by = f"{by_kind[kinds.APPLICANT]} · {step.actor.get_full_name()}"
        else:
            by = by_kind.get(step.actor_kind, step.actor_kind)
        rows.append(
            {
                "at": step.at,
                "action": step.action,
                "label": services._step_label(matter, step.action),
                "status_label": matter.kind_spec.status(step.status).label,
                "by": by,
                "text": step.text,
            }
        )
    return rows


def materials_of(matter):
    """The matter's files, each with the label of what it is."""
    materials = list(matter.materials.select_related("uploaded_by"))
    for material in materials:
        spec = matter.kind_spec.material(material.kind)
        material.label = spec.label if spec is not None else material.kind
    return materials


def linked_bookings(matter):
    return matter.bookings.select_related("slot__offering__product", "slot__offering__partner").order_by(
        "slot__starts_at", "pk"
    )


# --- the district -------------------------------------------------------------------


def district(kind=None, status=None, overdue=False, now=None):
    status_kind, status = chosen_status(status)
    if status_kind and kind and kind != status_kind:
        return Matter.objects.none()
    return services.district_matters(status=status, overdue=overdue, now=now, kind=status_kind or kind or None)


def _open_and_overdue(now):
    return {
        "open": Count("pk"),
        "overdue": Count("pk", filter=services.overdue_q(now)),
    }


def by_street(now=None):
    """Open, overdue and escalated matters per street of the handling organisation, the most overdue first."""
    from marketplace.matters import supervision

    return supervision.by_street(now)


def by_organisation(now=None):
    """Open and overdue matters per organisation, the most overdue first."""
    now = now or timezone.now()
    return list(
        Matter.objects.filter(closed_at__isnull=True)
        .values("organisation_id", "organisation__name", "organisation__street__name")
        .annotate(**_open_and_overdue(now))
        .order_by("-overdue", "-open", "organisation__name")
    )


def outreach_by_street():
    """Lecture requests (法律九进) per street of the provider that handles them: how many were asked for,
    are still open, were held, and how many people attended the sessions held. Declined and withdrawn
    requests count as asked for only."""
    from django.db.models import Sum

    held = Q(status="held")
    return list(
        Matter.objects.filter(kind=kinds.OUTREACH_REQUEST.code)
        .values("organisation__street_id", "organisation__street__name")
        .annotate(
            requested=Count("pk"),
            open=Count("pk", filter=Q(closed_at__isnull=True)),
            held=Count("pk", filter=held),
            attendance=Sum("attendance", filter=held, default=0),
        )
        .order_by("-held", "-requested", "organisation__street__name")
    )

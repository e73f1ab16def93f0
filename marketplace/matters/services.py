"""The one path for every matter (DESIGN.md §13): submitting, every step, materials, who may see what.

Pages, the console, the API and the jobs call these functions and nothing
else changes a matter. A step is allowed when the matter's kind
(``marketplace.matters.kinds``) lists it from the current status for the
role of the one taking it; it is written to the matter's timeline and to
the action log in the same transaction, moves the deadline (in working
days, ``marketplace.matters.workdays``) and enqueues the notices, which go
out once the transaction commits.

Roles: the ``applicant`` (the resident who submitted, also for a
dependant), ``staff`` of the handling organisation, the ``other_party``
(a mediation's, through the link of their text message), ``system`` (the
jobs), and district supervisors, who read every matter and take no steps.
"""

import re
from contextlib import contextmanager
from datetime import timedelta

import filetype
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit import services as audit
from marketplace.audit.models import Access, Action
from marketplace.background import enqueue_on_commit
from marketplace.errors import DomainError
from marketplace.ids import parse_id
from marketplace.matters import kinds, workdays
from marketplace.matters.models import Desk, Material, Matter, MatterStep, ReferenceCounter
from marketplace.users.models import Dependant, phone_validator
from providers import staff as provider_staff

MAX_TEXT = 4000
REFERENCE = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")


class MatterError(DomainError):
    code = "matter_error"


class UnknownType(MatterError):
    code = "unknown_type"


class InvalidInput(MatterError):
    code = "invalid"


class NotEligible(MatterError):
    code = "not_eligible"


class NotFound(MatterError):
    code = "not_found"


class StepNotAllowed(MatterError):
    code = "step_not_allowed"


class NotNow(MatterError):
    code = "not_now"


class FollowUpUsed(MatterError):
    code = "follow_up_used"


class MaterialsMissing(MatterError):
    code = "materials_missing"


class TooLarge(MatterError):
    code = "too_large"


class UnsupportedType(MatterError):
    code = "unsupported_type"


class NoDesk(MatterError):
    code = "not_available"


# --- who may do what ----------------------------------------------------------


def is_supervisor(user):
    """A district supervisor: the district's administrators, who read every matter."""
    return bool(user is not None and user.is_authenticated and provider_staff.may_use_the_dashboard(user))


def role_of(user, matter):
    """``applicant``, ``staff`` (of the handling organisation), ``supervisor`` or None."""
    if user is None or not user.is_authenticated:
        return None
    if matter.applicant_id == user.pk:
        return kinds.APPLICANT
    if provider_staff.providers_of(user).filter(pk=matter.organisation_id).exists():
        return kinds.STAFF
    if is_supervisor(user):
        return "supervisor"
    return None


def clean_reference(reference):
    reference = (reference or "").strip().upper()
    return reference if REFERENCE.match(reference) else None


def _matters():
    return Matter.objects.select_related("organisation", "assignee", "applicant", "dependant")


def matters_of(user):
    """The resident's own matters, newest first."""
    if user is None or not user.is_authenticated:
        return Matter.objects.none()
    return _matters().filter(applicant=user).order_by("-submitted_at", "-pk")


def matter_of_applicant(user, reference):
    matter = matters_of(user).filter(reference=clean_reference(reference)).first()
    if matter is None:
        raise NotFound(_("You have no matter with this reference number."))
    return matter


def queue_of(user, status=None, overdue=None, now=None, kind=None, organisation=None):
    """The matters at the organisations ``user`` works for: open ones first, the oldest deadline first."""
    now = now or timezone.now()
    # The organisations' numbers first (one small query): against a list rather than a subquery,
    # PostgreSQL reads one organisation's queue in order from matter_queue_idx and stops at the page's end.
    organisations = list(provider_staff.providers_of(user).values_list("pk", flat=True))
    matters = _matters().filter(organisation__in=organisations)
    if organisation is not None:
        matters = matters.filter(organisation=organisation)
    return filtered(matters, status=status, overdue=overdue, now=now, kind=kind)


def district_matters(status=None, overdue=None, now=None, kind=None):
    return filtered(_matters(), status=status, overdue=overdue, now=now or timezone.now(), kind=kind)


def filtered(matters, status=None, overdue=None, now=None, kind=None):
    if kind:
        matters = matters.filter(kind=kind)
    if status == "open":
        matters = matters.filter(closed_at__isnull=True)
    elif status == "closed":
        matters = matters.filter(closed_at__isnull=False)
    elif status:
        matters = matters.filter(status=status)
    if overdue:
        matters = matters.filter(overdue_q(now))
    # Open before closed; among open ones the nearest (or longest past) deadline first; then the most
    # recently closed. The order of matter_queue_idx's columns, so a page of it reads only its rows.
    return matters.order_by(
        F("closed_at").desc(nulls_first=True), F("due_at").asc(nulls_last=True), "submitted_at", "pk"
    )


def overdue_q(now=None):
    return Q(closed_at__isnull=True, waits_for=kinds.STAFF, due_at__lte=now or timezone.now())


def matter_for_staff(user, reference):
    """One matter at the staff member's organisations; another organisation's is the same as none."""
    matter = (
        _matters()
        .filter(reference=clean_reference(reference), organisation__in=provider_staff.providers_of(user).values("pk"))
        .first()
    )
    if matter is None:
        raise NotFound(_("There is no matter with this reference number at your organisation."))
    return matter


def matter_for(user, reference):
    """The matter, for anyone allowed to read it (applicant, handling staff, supervisor), else NotFound."""
    matter = _matters().filter(reference=clean_reference(reference)).first()
    if matter is None or role_of(user, matter) is None:
        raise NotFound(_("There is no such matter among those you may see."))
    return matter


def record_view(viewer, matter, material=None):
    """Write down that someone other than the applicant read the matter (or downloaded a material)."""
    role = role_of(viewer, matter)
    if role == kinds.APPLICANT:
        return
    if material is not None:
        what = Access.What.MATTER_MATERIAL
    elif role == "supervisor":
        what = Access.What.MATTER_DISTRICT
    else:
        what = Access.What.MATTER
    organisation = matter.organisation_id if role == kinds.STAFF else None
    audit.record_access(viewer, organisation, what, matter=matter)


def record_queue_read(staff_user, matters):
    """Write down, in one statement, that ``staff_user`` read these matters of their queue (``queue_of``'s,
    so each is at one of their organisations): one row per matter, as ``record_view`` would write."""
    viewer = staff_user if staff_user is not None and staff_user.is_authenticated else None
    Access.objects.bulk_create(
        Access(
            viewer=viewer,
            organisation_id=matter.organisation_id,
            person_id=matter.applicant_id,
            what=Access.What.MATTER,
            matter_reference=matter.reference,
        )
        for matter in matters
    )


# --- reference numbers and deadlines ------------------------------------------


def next_reference(kind, now):
    """ZX-2026-000123: the kind's prefix, the year, and the next number of that year, never given twice."""
    year = workdays.local_day(now).year
    with transaction.atomic():
        counter, _created = ReferenceCounter.objects.get_or_create(prefix=kind.prefix, year=year)
        counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{kind.prefix}-{year}-{counter.last:06d}"


def _enter(matter, status_code, now):
    """Put the matter in ``status_code``: whom it waits for, until when, and whether it has ended."""
    status = matter.kind_spec.status(status_code)
    matter.status = status.code
    matter.status_since = now
    matter.waits_for = status.waits_for or ""
    days = status.working_days()
    matter.due_at = workdays.deadline(now, days) if days is not None else None
    if status.is_closed:
        matter.closed_at = now
        matter.due_at = None


def _add_step(matter, action, actor, actor_kind, text, now, organisation=None):
    return MatterStep.objects.create(
        matter=matter,
        at=now,
        action=action,
        status=matter.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_kind=actor_kind,
        organisation_id=_pk(organisation),
        text=text,
    )


def _pk(value):
    return getattr(value, "pk", value)


# --- submitting ---------------------------------------------------------------


def clean_text(text, label, required=False, limit=MAX_TEXT):
    text = (text or "").strip() if isinstance(text, str) or text is None else None
    if text is None:
        raise InvalidInput(_("%(field)s must be text.") % {"field": label})
    if required and not text:
        raise InvalidInput(_("Please write %(field)s.") % {"field": label})
    if len(text) > limit:
        raise InvalidInput(_("%(field)s is too long: at most %(limit)s characters.") % {"field": label, "limit": limit})
    return text


def clean_fields(kind, values, now=None):
    """The kind's fields from ``values``: required ones present, choices known, no field it does not have."""
    values = values or {}
    if not isinstance(values, dict):
        raise InvalidInput(_("The details must be a set of named values."))
    unknown = sorted(set(values) - {field.name for field in kind.fields})
    if unknown:
        raise InvalidInput(_("Unknown detail: %(names)s.") % {"names": ", ".join(map(str, unknown))})
    cleaned = {}
    for field in kind.fields:
        value = values.get(field.name)
        if value in (None, ""):
            if field.required:
                raise InvalidInput(_("Please answer: %(field)s.") % {"field": field.label})
            continue
        if field.kind == "choice":
            if not isinstance(value, str) or value not in dict(field.choices):
                raise InvalidInput(_("Choose one of the answers offered for: %(field)s.") % {"field": field.label})
        elif field.kind == "boolean":
            if not isinstance(value, bool):
                raise InvalidInput(_("Answer yes or no for: %(field)s.") % {"field": field.label})
        elif field.kind in CLEAN_FIELD:
            value = CLEAN_FIELD[field.kind](kind, field, value, now or timezone.now())
        else:
            value = clean_text(value, field.label, limit=200)
        cleaned[field.name] = value
    return cleaned


def _clean_service(kind, field, value, now):
    if not isinstance(value, str) or not menu(kind).filter(slug=value).exists():
        raise InvalidInput(_("Choose a topic from the menu for: %(field)s.") % {"field": field.label})
    return value


def _clean_date(kind, field, value, now):
    from datetime import date

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        raise InvalidInput(_("Enter a date for: %(field)s.") % {"field": field.label})
    if value < workdays.local_day(now):
        raise InvalidInput(_("%(field)s cannot be in the past.") % {"field": field.label})
    return value.isoformat()


def _clean_number(kind, field, value, now):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        value = None
    number = parse_id(value) if value is not None else None
    if number is None or not 1 <= number <= MAX_AUDIENCE:
        raise InvalidInput(
            _("Enter a whole number from 1 to %(most)s for: %(field)s.") % {"field": field.label, "most": MAX_AUDIENCE}
        )
    return number


def _clean_phone(kind, field, value, now):
    value = clean_text(value, field.label, limit=11)
    try:
        phone_validator(value)
    except Exception:
        message = _("Enter a mainland mobile number of 11 digits for: %(field)s.") % {"field": field.label}
        raise InvalidInput(message) from None
    return value


CLEAN_FIELD = {"service": _clean_service, "date": _clean_date, "number": _clean_number, "phone": _clean_phone}
MAX_AUDIENCE = 2000


def menu(kind):
    """The services a kind's requests choose from (its ``menu_category``'s public services), by title."""
    from catalog.models import Product

    if not kind.menu_category:
        return Product.objects.none()
    return Product.objects.filter(categories__slug=kind.menu_category, is_public=True).distinct().order_by("title")


def menu_providers(service_slug):
    """The providers offering the menu's service ``service_slug``, by name."""
    from providers.models import Partner

    return Partner.objects.filter(stockrecords__product__slug=service_slug).distinct().order_by("name", "pk")


def menu_providers_of(kind):
    """The providers offering any service of the kind's menu, by name."""
    from providers.models import Partner

    if not kind.menu_category:
        return Partner.objects.none()
    return Partner.objects.filter(stockrecords__product__in=menu(kind)).distinct().order_by("name", "pk")


def legal_aid_screen(category):
    """Whether a legal-aid applicant of ``category`` qualifies, and which materials prove it.

    Returns ``(eligible, message, required material kinds)``. The economic check is passed outright by
    recipients of 低保 or 特困供养 (with the certificate); the claims of art. 32 need no economic check.
    """
    categories = dict(kinds.AID_CATEGORIES)
    if category not in categories:
        return False, _("Choose which of the situations applies to you."), ()
    if category == "none":
        return (
            False,
            _(
                "From your answer, legal aid is not available to you. You can still get free advice: book a free "
                "legal consultation, ask a written question, or call the 12348 legal hotline."
            ),
            (),
        )
    if category in kinds.AID_PROOF_OF_HARDSHIP:
        return True, _("You may apply. Bring your ID card and the proof of hardship."), ("id_card", "hardship_proof")
    return (
        True,
        _("You may apply without an economic check. Bring your ID card and the papers about your case."),
        ("id_card", "case_evidence"),
    )


def required_materials(matter_or_kind, fields=None):
    kind = matter_or_kind.kind_spec if isinstance(matter_or_kind, Matter) else matter_or_kind
    fields = matter_or_kind.fields if isinstance(matter_or_kind, Matter) else (fields or {})
    if kind.code == kinds.LEGAL_AID.code:
        return legal_aid_screen(fields.get("category"))[2]
    return tuple(material.kind for material in kind.materials if material.required)


def desks_for(kind):
    return Desk.objects.filter(kind=kind.code).select_related("organisation")


def _organisation_for(kind, organisation, fields=None):
    if kind.menu_category:
        # A menu's request goes to a provider offering the chosen service: the one the requester chose,
        # else the first by name.
        providers = menu_providers((fields or {}).get("service"))
        if organisation is not None:
            chosen = providers.filter(pk=parse_id(_pk(organisation))).first()
            if chosen is None:
                raise InvalidInput(_("This organisation does not offer the chosen topic."))
            return chosen
        chosen = providers.first()
        if chosen is None:
            raise NoDesk(_("No organisation offers this topic yet."))
        return chosen
    desks = desks_for(kind)
    if organisation is not None:
        desk = desks.filter(organisation_id=parse_id(_pk(organisation))).first()
        if desk is None:
            raise InvalidInput(_("This organisation does not take this kind of matter."))
        return desk.organisation
    desk = desks.first()
    if desk is None:
        raise NoDesk(_("No organisation takes this kind of matter yet."))
    return desk.organisation


def clean_other_party(kind, other_party):
    if not kind.has_other_party:
        if other_party:
            raise InvalidInput(_("This kind of matter has no other party."))
        return "", ""
    if not isinstance(other_party, dict):
        raise InvalidInput(_("Please name the other party and give their mobile number."))
    name = clean_text(other_party.get("name"), _("the other party's name"), required=True, limit=100)
    phone = clean_text(other_party.get("phone"), _("the other party's mobile number"), required=True, limit=11)
    try:
        phone_validator(phone)
    except Exception:
        raise InvalidInput(_("Enter the other party's mainland mobile number of 11 digits.")) from None
    return name, phone


def _dependant_of(user, dependant):
    if dependant in (None, ""):
        return None
    found = Dependant.objects.filter(owner=user, pk=parse_id(_pk(dependant)), removed_at__isnull=True).first()
    if found is None:
        raise InvalidInput(_("Choose one of the people you look after."))
    return found


def submit(
    user,
    kind_code,
    text,
    fields=None,
    other_party=None,
    dependant=None,
    organisation=None,
    materials=(),
    channel=Matter.Channel.WEB,
    now=None,
    submitted_by=None,
):
    """A resident's new matter: checked whole, then created with its first step, or nothing at all.

    ``submitted_by``: staff who wrote it down for the resident (an operator of the 12348 hotline, who
    took it on the phone; a grid worker, at the door, through a kind's ``staff_channels``); the resident
    is the applicant all the same, and the files are the staff member's uploads.

    ``materials``: ``(kind, uploaded file)`` pairs submitted with it. A legal-aid application
    without its required materials waits for them (the 7 working days start when they are complete).
    """
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        raise NotFound(_("Sign in to submit a matter."))
    kind = kinds.kind_of(kind_code) if isinstance(kind_code, str) else None
    if kind is None or not (kind.resident_may_submit or (submitted_by is not None and channel in kind.staff_channels)):
        raise UnknownType(_("There is no such kind of matter."))
    text = clean_text(text, kind.text_label, required=True)
    fields = clean_fields(kind, fields, now)
    if kind.code == kinds.LEGAL_AID.code:
        eligible, message, _required = legal_aid_screen(fields.get("category"))
        if not eligible:
            raise NotEligible(message)
    other_name, other_phone = clean_other_party(kind, other_party)
    dependant = _dependant_of(user, dependant)
    checked = [(_clean_material_kind(kind, material_kind), upload) for material_kind, upload in materials]
    for _kind, upload in checked:
        _check_file(upload)
    with _files_kept_only_on_success() as written, transaction.atomic():
        organisation = _organisation_for(kind, organisation, fields)
        matter = Matter(
            reference=next_reference(kind, now),
            kind=kind.code,
            channel=channel,
            applicant=user,
            dependant=dependant,
            organisation=organisation,
            text=text,
            fields=fields,
            other_party_name=other_name,
            other_party_phone=other_phone,
            submitted_at=now,
        )
        _enter(matter, kind.first_status, now)
        matter.save()
        if submitted_by is not None:
            _add_step(matter, "submitted", submitted_by, kinds.STAFF, _on_behalf(channel), now)
        else:
            _add_step(matter, "submitted", user, kinds.APPLICANT, "", now)
        audit.record(Action.Code.MATTER_SUBMITTED, matter=matter, detail={"kind": kind.code})
        for material_kind, upload in checked:
            if submitted_by is not None:
                _store_material(matter, material_kind, upload, submitted_by, kinds.STAFF, now, written)
            else:
                _store_material(matter, material_kind, upload, user, kinds.APPLICANT, now, written)
        if kind.code == kinds.LEGAL_AID.code and _missing_materials(matter):
            _move(matter, "wait_for_materials", "awaiting_materials", None, kinds.SYSTEM, "", now)
        _after_submit(matter)
    return matter


def _on_behalf(channel):
    if channel == Matter.Channel.HOTLINE:
        return _("Taken down on the phone by the 12348 hotline, with the caller's consent.")
    if channel == Matter.Channel.GRID:
        return _("Recorded at the door by the grid worker.")
    return _("Taken down by staff for the applicant.")


def _after_submit(matter):
    from marketplace.matters import tasks

    enqueue_on_commit(tasks.tell_organisation, matter.pk)
    if matter.kind_spec.has_other_party:
        enqueue_on_commit(tasks.invite_other_party, matter.pk)


# --- the follow-up of a poor rating ---------------------------------------------


def open_follow_up(rating, now=None):
    """The follow-up matter a poor rating opens: the system opens it, the rated provider answers.

    The applicant is the resident who rated (for their dependant if the visit was theirs); the
    rating's comment is the matter's text. Nobody is notified here: ``ratings.services`` tells the
    provider's staff with the rating itself.
    """
    now = now or timezone.now()
    kind = kinds.FOLLOW_UP
    booking = rating.booking
    with transaction.atomic():
        matter = Matter(
            reference=next_reference(kind, now),
            kind=kind.code,
            channel=Matter.Channel.SYSTEM,
            applicant_id=booking.user_id,
            dependant_id=booking.dependant_id,
            organisation_id=booking.slot.offering.partner_id,
            text=rating.comment,
            rating=rating,
            submitted_at=now,
        )
        _enter(matter, kind.first_status, now)
        matter.save()
        matter.bookings.add(booking)
        _add_step(matter, "submitted", None, kinds.SYSTEM, "", now)
        audit.record(Action.Code.MATTER_SUBMITTED, matter=matter, detail={"kind": kind.code}, by_system=True)
    return matter


# --- steps ----------------------------------------------------------------------


def steps_allowed(matter, role):
    """The steps ``role`` may take on ``matter`` now (for the pages: the buttons to show)."""
    steps = matter.kind_spec.steps_from(matter.status, role)
    if matter.kind == kinds.LEGAL_QUESTION.code:
        steps = [s for s in steps if s.action != "follow_up" or matter.follow_ups < matter.kind_spec.max_follow_ups]
    return steps


def _move(matter, action, target, actor, actor_kind, text, now, organisation=None):
    old = matter.status
    if target is not None:
        _enter(matter, target, now)
    matter.save()
    step = _add_step(matter, action, actor, actor_kind, text, now, organisation)
    audit.record(
        Action.Code.MATTER_STEP,
        matter=matter,
        detail={"step": action, "from": old, "to": matter.status},
        by_system=actor_kind == kinds.SYSTEM,
    )
    # Supervision (督办): "not resolved" goes up at once; an escalation for lateness ends once answered.
    from marketplace.matters import supervision

    supervision.on_step(matter, action, now)
    return step


def take_step(user, reference, action, text="", to=None, assignee=None, stars=None, now=None, matter=None):
    """``user`` takes the step ``action`` on the matter: allowed for their role from its status, or refused.

    ``to``: the organisation a transfer goes to; ``assignee``: the staff member an assignment names;
    ``stars``: a rating of an answer (1 to 5).
    """
    now = now or timezone.now()
    if not isinstance(action, str):
        raise StepNotAllowed(_("There is no such step."))
    with transaction.atomic():
        found = matter or _matters().filter(reference=clean_reference(reference)).first()
        role = role_of(user, found) if found is not None else None
        if role not in (kinds.APPLICANT, kinds.STAFF):
            raise NotFound(_("There is no such matter among those you may see."))
        matter = Matter.objects.select_for_update().get(pk=found.pk)
        return _take(matter, role, user, action, text, to, assignee, stars, now)


def _take(matter, role, user, action, text, to, assignee, stars, now):
    kind = matter.kind_spec
    step = kind.step(action)
    if step is None:
        raise StepNotAllowed(_("This kind of matter has no such step."))
    if step not in steps_allowed(matter, role):
        if action == "follow_up" and matter.follow_ups >= kind.max_follow_ups and matter.status == "answered":
            raise FollowUpUsed(_("You have already asked your follow-up question."))
        raise StepNotAllowed(
            _("“%(step)s” cannot be done now: the matter is “%(status)s”.")
            % {"step": step.label, "status": matter.status_spec.label}
        )
    if step.needs == "booking":
        raise StepNotAllowed(_("Link an appointment with its booking code."))
    if step.needs in ("session", "attendance"):
        raise StepNotAllowed(_("Use the session's form for this step."))
    text = clean_text(text, step.text_label or _("the text"), required=step.needs_text)
    organisation = matter.organisation_id if role == kinds.STAFF else None
    if step.needs == "assignee":
        matter.assignee = _assignee_at(matter, assignee)
        text = text or _("Assigned to %(name)s") % {"name": matter.assignee.get_full_name()}
    elif step.needs == "organisation":
        target_org = _transfer_target(matter, to)
        text = _("Transferred to %(name)s: %(reason)s") % {"name": target_org.name, "reason": text}
        matter.organisation, matter.assignee = target_org, None
    if action == "follow_up":
        matter.follow_ups += 1
    if action == "rate":
        matter.stars = _clean_stars(stars)
    if action == "agree" and not matter.materials.filter(kind="agreement").exists():
        raise MaterialsMissing(_("Upload the signed agreement before recording it."))
    if action == "materials_complete":
        missing = _missing_materials(matter)
        if missing:
            raise MaterialsMissing(_("Still missing: %(materials)s.") % {"materials": _labels(matter, missing)})
    _move(matter, action, step.target, user, role, text, now, organisation)
    if step.tells_applicant or matter.is_closed:
        _tell_applicant(matter)
    # The organisation is told when the applicant hands it back, and a transferred matter's new organisation too.
    if (role == kinds.APPLICANT or step.needs == "organisation") and matter.waits_for == kinds.STAFF:
        from marketplace.matters import tasks

        enqueue_on_commit(tasks.tell_organisation, matter.pk)
    return matter


def _tell_applicant(matter):
    from marketplace.matters import tasks

    step = matter.steps.order_by("-at", "-pk").first()
    enqueue_on_commit(tasks.tell_applicant, matter.pk, step.pk)


def _clean_stars(stars):
    stars = parse_id(stars)
    if stars is None or not 1 <= stars <= 5:
        raise InvalidInput(_("Choose from 1 to 5 stars."))
    return stars


def _assignee_at(matter, assignee):
    from django.contrib.auth import get_user_model

    person = (
        get_user_model().objects.filter(pk=parse_id(_pk(assignee)), partners=matter.organisation_id).first()
        if parse_id(_pk(assignee))
        else None
    )
    if person is None:
        raise InvalidInput(_("Choose a member of this organisation's staff."))
    return person


def transfer_targets(matter):
    """The organisations a matter may be transferred to: the others taking its kind; for a menu's request
    (法律九进), the other providers offering its topic."""
    if matter.kind_spec.menu_category:
        return menu_providers(matter.fields.get("service")).exclude(pk=matter.organisation_id)
    return [desk.organisation for desk in desks_for(matter.kind_spec).exclude(organisation=matter.organisation_id)]


def _transfer_target(matter, to):
    if matter.kind_spec.menu_category:
        target = transfer_targets(matter).filter(pk=parse_id(_pk(to))).first() if parse_id(_pk(to)) else None
        if target is None:
            raise InvalidInput(_("Choose another provider offering this topic."))
        return target
    target = (
        desks_for(matter.kind_spec).filter(organisation_id=parse_id(_pk(to))).first() if parse_id(_pk(to)) else None
    )
    if target is None or target.organisation_id == matter.organisation_id:
        raise InvalidInput(_("Choose another organisation that takes this kind of matter."))
    return target.organisation


def other_party_answer(matter_id, accept, text="", now=None):
    """The other party of a mediation says yes or no, through the link of their text message."""
    now = now or timezone.now()
    with transaction.atomic():
        matter = Matter.objects.select_for_update().filter(pk=matter_id, kind=kinds.MEDIATION.code).first()
        if matter is None:
            raise NotFound(_("This link is not valid."))
        action = "accept" if accept else "decline"
        step = matter.kind_spec.step(action)
        if matter.status not in step.sources:
            raise StepNotAllowed(_("This request has already been answered or has ended."))
        text = clean_text(text, step.text_label or _("the text"), limit=500)
        _move(matter, action, step.target, None, kinds.OTHER_PARTY, text, now)
        _tell_applicant(matter)
        return matter


def system_step(matter_id, action, text="", now=None):
    """A step the system takes (a job's): only from a status the kind allows, else nothing happens."""
    now = now or timezone.now()
    with transaction.atomic():
        matter = Matter.objects.select_for_update().filter(pk=matter_id).first()
        if matter is None:
            return None
        step = matter.kind_spec.step(action)
        if step is None or kinds.SYSTEM not in step.by or matter.status not in step.sources:
            return None
        _move(matter, action, step.target, None, kinds.SYSTEM, text, now)
        if step.tells_applicant or matter.is_closed:
            _tell_applicant(matter)
        return matter


# --- materials ------------------------------------------------------------------


def _clean_material_kind(kind, material_kind):
    if not isinstance(material_kind, str) or kind.material(material_kind) is None:
        raise InvalidInput(_("Choose what this file is from the list."))
    return material_kind


def _check_file(upload):
    size = getattr(upload, "size", None)
    if not size:
        raise InvalidInput(_("The file is empty."))
    if size > settings.MATTER_MATERIAL_MAX_BYTES:
        raise TooLarge(
            _("The file is too large: at most %(mb)s MB.") % {"mb": settings.MATTER_MATERIAL_MAX_BYTES // (1024 * 1024)}
        )
    content_type = content_type_of(upload)
    if content_type not in settings.MATTER_MATERIAL_TYPES:
        raise UnsupportedType(_("Upload a PDF or a photo (JPEG, PNG, HEIC or WebP)."))
    return content_type


def content_type_of(upload):
    """The type the file's content shows (its first bytes), whatever its name says."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    return guess.mime if guess is not None else None


def _store_material(matter, material_kind, upload, user, by_kind, now, written):
    content_type = _check_file(upload)
    name = (getattr(upload, "name", "") or material_kind).replace("\\", "/").rsplit("/", 1)[-1][-200:]
    material = Material(
        matter=matter,
        kind=material_kind,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_at=now,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        by_kind=by_kind,
    )
    material.file.save(name, upload, save=False)
    written.append((material.file.storage, material.file.name))
    material.save()
    audit.record(Action.Code.MATERIAL_ADDED, matter=matter, detail={"kind": material_kind, "material": material.pk})
    return material


@contextmanager
def _files_kept_only_on_success():
    """The files written inside are deleted again if what wrote them fails: no file without its row."""
    written = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def add_material(user, reference, material_kind, upload, now=None):
    """The applicant (or the handling staff) adds a file to the matter while its kind accepts materials."""
    now = now or timezone.now()
    with _files_kept_only_on_success() as written, transaction.atomic():
        found = _matters().filter(reference=clean_reference(reference)).first()
        role = role_of(user, found) if found is not None else None
        if role not in (kinds.APPLICANT, kinds.STAFF):
            raise NotFound(_("There is no such matter among those you may see."))
        matter = Matter.objects.select_for_update().get(pk=found.pk)
        kind = matter.kind_spec
        material_kind = _clean_material_kind(kind, material_kind)
        if matter.is_closed or (role == kinds.APPLICANT and matter.status not in kind.material_statuses):
            raise NotNow(_("Materials cannot be added to this matter now."))
        material = _store_material(matter, material_kind, upload, user, role, now, written)
        if matter.status == "awaiting_materials" and role == kinds.APPLICANT and not _missing_materials(matter):
            _move(matter, "materials_complete", "submitted", user, kinds.APPLICANT, "", now)
            from marketplace.matters import tasks

            enqueue_on_commit(tasks.tell_organisation, matter.pk)
    return material


def _missing_materials(matter):
    present = set(matter.materials.values_list("kind", flat=True))
    return [kind for kind in required_materials(matter) if kind not in present]


def _labels(matter, material_kinds):
    return "、".join(str(matter.kind_spec.material(kind).label) for kind in material_kinds)


def material_for(user, material_id):
    """A material and its matter, for someone allowed to read the matter; the download is recorded."""
    material = (
        Material.objects.select_related("matter").filter(pk=parse_id(material_id)).first()
        if parse_id(material_id)
        else None
    )
    if material is None or material.matter.purged_at is not None or role_of(user, material.matter) is None:
        raise NotFound(_("There is no such file among those you may see."))
    record_view(user, material.matter, material=material)
    return material


# --- what the applicant and the public read ---------------------------------------


def timeline_for_applicant(matter):
    """Every step, in the applicant's words: staff named by their organisation, never by themselves."""
    rows = []
    for step in matter.steps.select_related("organisation").order_by("at", "pk"):
        rows.append(
            {
                "at": step.at,
                "action": step.action,
                "label": _step_label(matter, step.action),
                "status": step.status,
                "status_label": matter.kind_spec.status(step.status).resident_label,
                "by": who(step),
                "text": step.text,
            }
        )
    return rows


def _step_label(matter, action):
    if action == "submitted":
        return _("Submitted")
    if action == "wait_for_materials":
        return _("Waiting for the required materials")
    from marketplace.matters import supervision

    if supervision.step_label(action):
        return supervision.step_label(action)
    step = matter.kind_spec.step(action)
    return step.label if step is not None else action


def who(step):
    by = {"kind": {kinds.APPLICANT: "resident", kinds.OTHER_PARTY: "other_party"}.get(step.actor_kind, step.actor_kind)}
    if step.actor_kind == kinds.STAFF and step.organisation is not None:
        by["name"] = step.organisation.name
    if step.actor_kind == "supervisor":
        # A supervisor (督办) acts for the street or the district: named by their office, never by themselves.
        by = {"kind": kinds.STAFF, "name": _("Supervisor")}
    return by


def progress(reference, phone_last4):
    """What anyone with the reference number and the last four digits of the applicant's phone may see.

    Status and dates only: no names, no text. An unknown reference and wrong digits answer alike.
    """
    reference = clean_reference(reference)
    digits = (phone_last4 or "").strip() if isinstance(phone_last4, str) else ""
    matter = Matter.objects.select_related("applicant").filter(reference=reference).first() if reference else None
    if (
        matter is None
        or not re.fullmatch(r"\d{4}", digits)
        or not matter.applicant.phone
        or not matter.applicant.phone.endswith(digits)
    ):
        raise NotFound(_("No matter matches this reference number and these digits."))
    kind = matter.kind_spec
    return {
        "reference": matter.reference,
        "type": {"code": kind.code, "name": str(kind.name)},
        "status": matter.status,
        "status_label": str(matter.status_spec.resident_label),
        "submitted_at": matter.submitted_at,
        "due_at": matter.due_at,
        "closed_at": matter.closed_at,
        "steps": [
            {"at": at, "status_label": str(kind.status(status).resident_label)}
            for at, status in matter.steps.order_by("at", "pk").values_list("at", "status")
        ],
    }


# --- jobs -----------------------------------------------------------------------


def lapse_waiting_matters(now=None):
    """Close the matters whose wait for the applicant (or the other party) ran out, where the kind
    has a "lapse" step from that status: an answered question nobody rated, a mediation request the
    other party never answered. A legal-aid application waiting for materials is not closed: the
    centre decides what to do with it."""
    now = now or timezone.now()
    # A poor rating's follow-up closes at its deadline, not at the hour the job runs (the street
    # index counts its hours to close), and the rating's booking keeps the record of it.
    from ratings.services import close_lapsed_cases

    closed = close_lapsed_cases(now)
    for matter_id in Matter.objects.filter(
        closed_at__isnull=True, waits_for__in=(kinds.APPLICANT, kinds.OTHER_PARTY), due_at__lte=now
    ).values_list("pk", flat=True):
        closed += system_step(matter_id, "lapse", now=now) is not None
    return closed


def purge_expired(now=None):
    """Remove the text, parties and materials of matters closed longer than the retention period; keep the figures."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MATTER_RETENTION_DAYS)
    purged = 0
    for matter_id in Matter.objects.filter(closed_at__lt=cutoff, purged_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            matter = Matter.objects.select_for_update().filter(pk=matter_id, purged_at__isnull=True).first()
            if matter is None:
                continue
            files = [(m.file.storage, m.file.name) for m in matter.materials.all()]
            matter.materials.all().delete()
            matter.steps.update(text="")
            matter.text, matter.fields = "", {}
            matter.other_party_name = matter.other_party_phone = ""
            matter.purged_at = now
            matter.save(update_fields=["text", "fields", "other_party_name", "other_party_phone", "purged_at"])
            audit.record(Action.Code.MATTER_PURGED, matter=matter, by_system=True)
            transaction.on_commit(lambda files=files: [storage.delete(name) for storage, name in files])
            purged += 1
    return purged


# --- bookings of a matter ---------------------------------------------------------


def link_booking(user, reference, code, now=None):
    """Staff of the handling organisation link one of the applicant's appointments there to the matter.

    Written in the timeline as the step "link_booking" (the status stays) and in the action log with the
    booking's code. Another organisation's matter is none; a booking not the applicant's, or not at one of
    the organisation's services, is refused alike.
    """
    from marketplace.booking.models import Booking

    now = now or timezone.now()
    code = "".join(str(code or "").split()).upper() if isinstance(code, str) else ""
    with transaction.atomic():
        found = _matters().filter(reference=clean_reference(reference)).first()
        if found is None or role_of(user, found) != kinds.STAFF:
            raise NotFound(_("There is no matter with this reference number at your organisation."))
        matter = Matter.objects.select_for_update().get(pk=found.pk)
        step = matter.kind_spec.step("link_booking")
        if step is None or step not in steps_allowed(matter, kinds.STAFF):
            raise StepNotAllowed(
                _("An appointment cannot be linked now: the matter is “%(status)s”.")
                % {"status": matter.status_spec.label}
            )
        booking = (
            Booking.objects.filter(
                code=code, user_id=matter.applicant_id, slot__offering__partner_id=matter.organisation_id
            ).first()
            if code
            else None
        )
        if booking is None:
            raise InvalidInput(_("No appointment of the applicant at this organisation has this booking code."))
        if matter.bookings.filter(pk=booking.pk).exists():
            raise InvalidInput(_("This appointment is already linked to the matter."))
        matter.bookings.add(booking)
        _add_step(matter, step.action, user, kinds.STAFF, booking.code, now, matter.organisation_id)
        audit.record(
            Action.Code.MATTER_STEP,
            booking=booking,
            matter=matter,
            detail={"step": step.action, "from": matter.status, "to": matter.status, "booking": booking.code},
        )
    return booking


# --- a lecture request's session (法律九进) ------------------------------------------


def _staff_step(user, reference, action):
    """The matter locked, for staff of its organisation taking ``action`` now, else the refusal."""
    found = _matters().filter(reference=clean_reference(reference)).first()
    if found is None or role_of(user, found) != kinds.STAFF:
        raise NotFound(_("There is no matter with this reference number at your organisation."))
    matter = Matter.objects.select_for_update().get(pk=found.pk)
    step = matter.kind_spec.step(action)
    if step is None or step not in steps_allowed(matter, kinds.STAFF):
        raise StepNotAllowed(
            _("“%(step)s” cannot be done now: the matter is “%(status)s”.")
            % {"step": step.label if step else action, "status": matter.status_spec.label}
        )
    return matter, step


def schedule_session(user, reference, starts_at, minutes, now=None):
    """Staff of the provider schedule an accepted request as a session: a slot of its offering of the chosen
    service, made for this audience alone (``providers.scheduling.add_session_slot``: capacity = the
    expected audience, closed to online booking), linked to the matter, which is then "scheduled"."""
    from providers import scheduling

    now = now or timezone.now()
    minutes = parse_id(minutes)
    if minutes is None or not 15 <= minutes <= 8 * 60:
        raise InvalidInput(_("The session lasts from 15 minutes to 8 hours."))
    if starts_at is None or timezone.is_naive(starts_at) or starts_at <= now:
        raise InvalidInput(_("Choose a start time still ahead."))
    with transaction.atomic():
        matter, step = _staff_step(user, reference, "schedule")
        offering = matter.organisation.stockrecords.filter(product__slug=matter.fields.get("service")).first()
        if offering is None:
            raise InvalidInput(_("Your organisation does not offer this topic any more."))
        try:
            slot = scheduling.add_session_slot(
                offering, starts_at, starts_at + timedelta(minutes=minutes), matter.fields.get("audience") or 1
            )
        except scheduling.SlotTaken:
            raise InvalidInput(_("A slot of this service already starts at this time: choose another.")) from None
        matter.session = slot
        local = timezone.localtime(starts_at)
        text = _("Session on %(day)s at %(time)s, %(minutes)s minutes, at %(address)s.") % {
            "day": local.strftime("%Y-%m-%d"),
            "time": local.strftime("%H:%M"),
            "minutes": minutes,
            "address": matter.fields.get("address", ""),
        }
        _move(matter, step.action, step.target, user, kinds.STAFF, text, now, matter.organisation_id)
        _tell_applicant(matter)
    return matter


def record_session_held(user, reference, attendance, text, now=None):
    """Staff close a scheduled request with what was done and how many attended; only once the session began."""
    now = now or timezone.now()
    attendance = parse_id(attendance)
    with transaction.atomic():
        matter, step = _staff_step(user, reference, "held")
        if attendance is None or attendance > MAX_AUDIENCE:
            raise InvalidInput(_("Enter how many people attended (a whole number)."))
        text = clean_text(text, step.text_label, required=True)
        if matter.session is not None and matter.session.starts_at > now:
            raise NotNow(_("The session has not begun yet."))
        matter.attendance = attendance
        _move(matter, step.action, step.target, user, kinds.STAFF, text, now, matter.organisation_id)
        _tell_applicant(matter)
    return matter

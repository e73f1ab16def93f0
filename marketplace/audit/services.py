"""Recording who did what, and reading it back for the resident, the provider and the API.

``record`` is called by the domain services inside their own transaction, so a
change rolled back leaves no entry. Who acted and through which door come from
``marketplace.audit.context``, set at the door.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from marketplace.audit import context
from marketplace.audit.models import Access, Action, ActorKind, Door  # noqa: F401 (their codes, for callers)
from marketplace.background import scrub


def masked(value):
    """A detail with phones, ID numbers and emails masked: free text (a closure's reason, say) may carry them."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item) for item in value]
    return value


def _pk(value):
    return getattr(value, "pk", value)


def _provider_of(booking):
    return booking.slot.offering.partner_id


def _new_action(acting, action, actor, booking_code, person_id, provider_id, detail, at=None, matter_reference=""):
    kind, organisation_id = ActorKind.SYSTEM, None
    if actor is not None:
        at_their_desk = acting.door in (Door.COUNTER, Door.CONSOLE)
        if person_id is not None and actor.pk == person_id and not at_their_desk:
            kind = ActorKind.RESIDENT
        else:
            kind = ActorKind.STAFF
            if provider_id is not None and actor.partners.filter(pk=provider_id).exists():
                organisation_id = provider_id
    entry = Action(
        actor=actor,
        actor_kind=kind,
        organisation_id=organisation_id,
        door=acting.door,
        action=action,
        booking_code=booking_code or "",
        matter_reference=matter_reference,
        person_id=person_id,
        provider_id=provider_id,
        detail=masked({**acting.notes, **(detail or {})}),
    )
    if at is not None:
        entry.at = at
    return entry


def record(action, booking=None, person=None, provider=None, detail=None, by_system=False, at=None, matter=None):
    """Write down one change of state; call it inside the transaction that makes the change.

    ``booking`` gives the code, the resident concerned and the provider unless they are named;
    ``matter`` its reference, its applicant and its organisation.
    ``by_system``: the change is the system's own (a payment hold lapsing), whoever's request found it.
    """
    acting = context.current()
    actor = None if by_system else acting.actor
    if matter is not None:
        person = matter.applicant_id if person is None else person
        provider = matter.organisation_id if provider is None else provider
    person_id = _pk(person) if person is not None else (booking.user_id if booking is not None else None)
    provider_id = _pk(provider) if provider is not None else (_provider_of(booking) if booking is not None else None)
    entry = _new_action(
        acting,
        action,
        actor,
        booking.code if booking is not None else "",
        person_id,
        provider_id,
        detail,
        at,
        matter_reference=matter.reference if matter is not None else "",
    )
    entry.save()
    return entry


def record_bookings(action, bookings, detail=None, by_system=False):
    """One entry for each of ``bookings`` (their slots' offerings loaded), written at once."""
    acting = context.current()
    actor = None if by_system else acting.actor
    entries = [
        _new_action(acting, action, actor, booking.code, booking.user_id, _provider_of(booking), detail)
        for booking in bookings
    ]
    return Action.objects.bulk_create(entries)


def record_access(viewer, organisation, what, bookings=(), people=(), matter=None):
    """Write down that ``viewer``, for ``organisation``, saw the personal data of these residents.

    One row per person seen: the resident of each booking (their dependants' data
    is theirs to see), and each of ``people``.
    """
    seen = {}
    for booking in bookings:
        seen.setdefault(booking.user_id, set()).add(booking.code)
    for person in people:
        seen.setdefault(_pk(person), set())
    if matter is not None:
        seen.setdefault(matter.applicant_id, set())
    if not seen:
        return []
    viewer = viewer if viewer is not None and viewer.is_authenticated else None
    return Access.objects.bulk_create(
        Access(
            viewer=viewer,
            organisation_id=_pk(organisation),
            person_id=person_id,
            what=what,
            booking_code=codes.pop() if len(codes) == 1 else "",
            matter_reference=matter.reference if matter is not None else "",
        )
        for person_id, codes in seen.items()
    )


# --- reading it back -----------------------------------------------------------


def history_of(booking):
    """A booking's entries, oldest first."""
    return Action.objects.filter(booking_code=booking.code).select_related("organisation").order_by("at", "pk")


def access_log_of(user):
    """Each time a provider's staff saw ``user``'s (or their dependants') personal data, newest first."""
    return Access.objects.filter(person=user).select_related("organisation").order_by("-at", "-pk")


def by_json(entry):
    """Who did it, for the API: staff are named by their organisation, never by themselves."""
    by = {"kind": entry.actor_kind}
    if entry.actor_kind == ActorKind.STAFF and entry.organisation is not None:
        by["name"] = entry.organisation.name
    return by


def who_for_resident(entry):
    """Who did it, in the resident's words."""
    if entry.actor_kind == ActorKind.RESIDENT:
        return _("You")
    if entry.actor_kind == ActorKind.STAFF:
        if entry.organisation is not None:
            return _("The provider (%(name)s)") % {"name": entry.organisation.name}
        return _("The platform's staff")
    return _("The system")


def eligibility_rule_names(kinds):
    from oscar.core.loading import get_model

    labels = dict(get_model("catalogue", "EligibilityRule").Kind.choices)
    return pgettext("separator between choices", ", ").join(str(labels.get(kind, kind)) for kind in kinds)


def what_changed(entry):
    """The detail worth reading beside an entry, in words ("" if none)."""
    detail = entry.detail or {}
    parts = []
    if "from" in detail and "to" in detail:
        parts.append(_("from %(old)s to %(new)s") % {"old": detail["from"], "new": detail["to"]})
    if detail.get("rules"):
        parts.append(_("rules overridden: %(rules)s") % {"rules": eligibility_rule_names(detail["rules"])})
    if detail.get("reason"):
        parts.append(_("reason: %(reason)s") % {"reason": detail["reason"]})
    if detail.get("via") == "waiting_list":
        parts.append(_("from the waiting list"))
    if detail.get("hold_lapsed"):
        parts.append(_("no payment arrived while the place was held"))
    if detail.get("amount"):
        parts.append(_("¥%(amount)s") % {"amount": detail["amount"]})
    if detail.get("booked_again"):
        parts.append(_("the payment came after the hold had lapsed; the place was booked again"))
    if detail.get("refund_due"):
        parts.append(_("the payment came after the booking was cancelled; it is paid back in full"))
    if detail.get("stars"):
        parts.append(ngettext("%(stars)d star", "%(stars)d stars", detail["stars"]) % {"stars": detail["stars"]})
    return "; ".join(parts)


def history_for_resident(booking):
    return [
        {
            "at": entry.at,
            "action": entry.get_action_display(),
            "who": who_for_resident(entry),
            "detail": what_changed(entry),
        }
        for entry in history_of(booking)
    ]

"""Console: a booking's history, as the provider's staff see it (who did what, through which door)."""

from django.http import Http404
from django.shortcuts import render

from marketplace.audit import services as audit
from marketplace.booking import services
from providers.console.access import console_view


def _who_for_staff(entry, provider):
    if entry.actor_kind == audit.ActorKind.STAFF and entry.organisation_id == provider.pk and entry.actor:
        # Among colleagues the staff member is named; other organisations only by their name.
        return f"{entry.organisation.name} · {entry.actor.get_full_name()}"
    if entry.actor_kind == audit.ActorKind.STAFF:
        return entry.organisation.name if entry.organisation else audit.who_for_resident(entry)
    return entry.get_actor_kind_display()


@console_view(methods=["GET"])
def booking_history(request, provider, code):
    booking = (
        services.bookings_at_providers_of(request.user)
        .filter(slot__offering__partner=provider, code=code.strip().upper())
        .select_related("user")
        .first()
    )
    if booking is None:
        # Another provider's booking (or console) answers exactly like one that does not exist.
        raise Http404
    audit.record_access(request.user, provider, audit.Access.What.BOOKING, [booking])
    entries = [
        {
            "at": entry.at,
            "action": entry.get_action_display(),
            "who": _who_for_staff(entry, provider),
            "door": entry.get_door_display(),
            "detail": audit.what_changed(entry),
        }
        for entry in audit.history_of(booking).select_related("actor")
    ]
    return render(
        request, "providers/booking_history.html", {"provider": provider, "booking": booking, "entries": entries}
    )

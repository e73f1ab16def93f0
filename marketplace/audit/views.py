"""The record read back: the resident's "who has seen my data", and a booking's history in the provider console."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from marketplace.audit import services as audit
from marketplace.booking import services as bookings
from providers import console


@login_required
@require_GET
def access_log(request):
    return render(request, "audit/access_log.html", {"accesses": audit.access_log_of(request.user)[:500]})


def _who_for_staff(entry, provider):
    if entry.actor_kind == audit.ActorKind.STAFF and entry.organisation_id == provider.pk and entry.actor:
        # Among colleagues the staff member is named; other organisations only by their name.
        return f"{entry.organisation.name} · {entry.actor.get_full_name()}"
    if entry.actor_kind == audit.ActorKind.STAFF:
        return entry.organisation.name if entry.organisation else audit.who_for_resident(entry)
    return entry.get_actor_kind_display()


@login_required
@require_GET
def provider_booking_history(request, partner_id, code):
    provider = console.provider_of(request.user, partner_id)
    booking = (
        bookings.bookings_at_providers_of(request.user)
        .filter(slot__offering__partner=provider, code=code.strip().upper())
        .select_related("user")
        .first()
        if provider is not None
        else None
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
        request, "audit/provider_booking.html", {"provider": provider, "booking": booking, "entries": entries}
    )


# Included in the provider console's own URLs (namespace "provider").
console_urlpatterns = [
    path("<int:partner_id>/bookings/<str:code>/history/", provider_booking_history, name="booking-history")
]

"""“My data”: everything the service holds about a resident and their dependants (PIPL: access and copy).

One builder for every door: the readable page, the JSON download and
``GET /api/v1/me/export`` all show what :func:`export_of` returns, so a copy
never says less than the page. Times are ISO 8601 strings in the site's zone,
money yuan decimal strings, as everywhere in the API.

The export is the resident's own copy: their phone numbers (and their
dependants') are written in full there. The readable page masks them like every
other page, since it may be open on a shared screen at a community centre.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.audit import services as audit
from marketplace.hotline.models import Call
from marketplace.matters import services as matters
from marketplace.users import identity
from marketplace.users.models import Dependant, mask_phone

Booking = get_model("booking", "Booking")
WaitlistEntry = get_model("booking", "WaitlistEntry")
Notice = get_model("notifications", "Notice")
Rating = get_model("ratings", "Rating")
GatewayPayment = get_model("payment", "GatewayPayment")
GatewayRefund = get_model("payment", "GatewayRefund")

EXPORT_VERSION = 1


def when(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment is not None else None


def yuan(fen):
    return f"{Decimal(fen) / 100:.2f}"


def _profile(user, full_numbers):
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "phone": user.phone if full_numbers else user.masked_phone,
        # The resident's own copy holds their ID card number in full; the page, masked.
        "id_number": (identity.id_number_of(user) if full_numbers else identity.masked_id_number(user)) or None,
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "home_community": (
            {"id": user.home_community_id, "name": user.home_community.name} if user.home_community_id else None
        ),
        "language": user.language,
        "elderly_mode": user.elderly_mode,
        "registered_at": when(user.date_joined),
        "last_sign_in_at": when(user.last_login),
    }


def _dependant(dependant, full_numbers):
    return {
        "id": dependant.pk,
        "name": dependant.name,
        "relation": dependant.relation,
        "phone": dependant.phone if full_numbers else dependant.masked_phone,
        "added_at": when(dependant.created),
        "removed_at": when(dependant.removed_at),
    }


def _payment(payment):
    return {
        "reference": payment.reference,
        "amount": yuan(payment.amount),
        "currency": payment.currency,
        "status": payment.status,
        "created_at": when(payment.created_at),
        "paid_at": when(payment.paid_at),
        "refunds": [
            {
                "amount": yuan(refund.amount),
                "status": refund.status,
                "reason": refund.reason,
                "created_at": when(refund.created_at),
                "refunded_at": when(refund.refunded_at),
            }
            for refund in payment.refunds.all()
        ],
    }


def _rating(rating):
    return {
        "booking": rating.booking.code,
        "stars": rating.stars,
        "tags": list(rating.tags or []),
        "comment": rating.comment,
        "created_at": when(rating.created_at),
        "reply": rating.reply,
        "replied_at": when(rating.replied_at),
    }


def _history_entry(entry):
    return {
        "at": when(entry.at),
        "action": entry.action,
        "by": audit.by_json(entry),
        "door": entry.door,
        "detail": entry.detail or None,
    }


def _booking(booking, history):
    slot = booking.slot
    provider = slot.offering.partner
    service = slot.offering.product
    rating = getattr(booking, "rating", None)
    return {
        "code": booking.code,
        "status": booking.status,
        "dependant": {"id": booking.dependant_id, "name": booking.dependant.name} if booking.dependant_id else None,
        "service": {"id": service.pk, "name": service.title},
        "provider": {"id": provider.pk, "name": provider.name, "address": provider.address},
        "slot": {"id": slot.pk, "starts_at": when(slot.starts_at), "ends_at": when(slot.ends_at)},
        "price": f"{booking.line.line_price_incl_tax:.2f}",
        "currency": booking.order.currency,
        "channel": booking.channel,
        "note": booking.note,
        "created_at": when(booking.created_at),
        "cancelled_at": when(booking.cancelled_at),
        "cancelled_by": booking.cancelled_by or None,
        "cancel_reason": booking.cancel_reason,
        "payments": [_payment(payment) for payment in booking.payments.all()],
        "rating": _rating(rating) if rating is not None else None,
        "history": [_history_entry(entry) for entry in history.get(booking.code, [])],
    }


def _matter(matter, full_numbers):
    """A matter and its timeline, in the applicant's words (staff named by their organisation)."""
    kind = matter.kind_spec
    return {
        "reference": matter.reference,
        "type": {"code": kind.code, "name": str(kind.name)},
        "status": matter.status,
        "status_label": str(matter.resident_status_label),
        "channel": matter.channel,
        "dependant": {"id": matter.dependant_id, "name": matter.dependant.name} if matter.dependant_id else None,
        "organisation": {"id": matter.organisation_id, "name": matter.organisation.name},
        "text": matter.text,
        "fields": matter.fields,
        "other_party": (
            {
                "name": matter.other_party_name,
                "phone": matter.other_party_phone if full_numbers else mask_phone(matter.other_party_phone),
            }
            if matter.other_party_name
            else None
        ),
        "stars": matter.stars,
        "submitted_at": when(matter.submitted_at),
        "due_at": when(matter.due_at),
        "closed_at": when(matter.closed_at),
        "purged_at": when(matter.purged_at),
        "timeline": [
            {
                "at": when(step["at"]),
                "action": step["action"],
                "label": str(step["label"]),
                "status": step["status"],
                "status_label": str(step["status_label"]),
                "by": step["by"],
                "text": step["text"],
            }
            for step in matters.timeline_for_applicant(matter)
        ],
        "materials": [
            {
                "id": material.pk,
                "kind": material.kind,
                "name": material.name,
                "size": material.size,
                "uploaded_at": when(material.uploaded_at),
            }
            for material in matter.materials.all()
        ],
        "bookings": [booking.code for booking in matter.bookings.all()],
    }


def _grid(user):
    from marketplace.grid import services as grid_services

    grid = grid_services.export_of(user)
    if grid is not None:
        grid["consented_at"], grid["withdrawn_at"] = when(grid["consented_at"]), when(grid["withdrawn_at"])
    return grid


def bookings_held(user):
    """Every booking of the account, for the resident and for each dependant, cancelled ones included."""
    return (
        Booking.objects.filter(user=user)
        .select_related("slot__offering__product", "slot__offering__partner", "order", "line", "dependant", "rating")
        .prefetch_related("payments__refunds")
        .order_by("-created_at", "-pk")
    )


def export_of(user, now=None, full_numbers=True):
    """Everything held about ``user`` and their dependants, as JSON-ready data.

    ``full_numbers=False`` masks the phone numbers, for the readable page.
    """
    bookings = list(bookings_held(user))
    history = {}
    entries = audit.Action.objects.filter(booking_code__in=[b.code for b in bookings]).select_related("organisation")
    for entry in entries.order_by("at", "pk"):
        history.setdefault(entry.booking_code, []).append(entry)
    ratings = Rating.objects.filter(booking__user=user).select_related("booking").order_by("created_at", "pk")
    return {
        "format": EXPORT_VERSION,
        "generated_at": when(now or timezone.now()),
        "profile": _profile(user, full_numbers),
        "dependants": [
            _dependant(each, full_numbers) for each in Dependant.objects.filter(owner=user).order_by("created", "pk")
        ],
        "bookings": [_booking(booking, history) for booking in bookings],
        "ratings": [_rating(rating) for rating in ratings],
        # Written questions, mediation and legal-aid applications, follow-ups of ratings, with their timelines.
        "matters": [
            _matter(matter, full_numbers)
            for matter in matters.matters_of(user).prefetch_related("materials", "bookings")
        ],
        # The resident's grid and their consent that its grid worker sees them (marketplace.grid).
        "grid": _grid(user),
        # The resident's calls to the 12348 hotline, as the operators wrote them down.
        "hotline_calls": [
            {
                "at": when(call.taken_at),
                "phone": call.phone if full_numbers else call.masked_phone,
                "topic": call.topic,
                "summary": call.summary,
                "outcome": call.outcome,
                "booking": call.booking.code if call.booking_id else None,
                "matter": call.matter.reference if call.matter_id else None,
            }
            for call in Call.objects.filter(caller=user)
            .select_related("booking", "matter")
            .order_by("-taken_at", "-pk")
        ],
        "waiting_list": [
            {
                "id": entry.pk,
                "slot": {"id": entry.slot_id, "starts_at": when(entry.slot.starts_at)},
                "service": {"id": entry.slot.offering.product_id, "name": entry.slot.offering.product.title},
                "provider": {"id": entry.slot.offering.partner_id, "name": entry.slot.offering.partner.name},
                "status": entry.status,
                "joined_at": when(entry.joined_at),
                "offered_at": when(entry.offered_at),
                "closed_at": when(entry.closed_at),
            }
            for entry in WaitlistEntry.objects.filter(user=user)
            .select_related("slot__offering__product", "slot__offering__partner")
            .order_by("-joined_at", "-pk")
        ],
        "notices": [
            {
                "kind": notice.kind,
                "channel": notice.channel,
                "status": notice.status,
                "booking": notice.booking.code if notice.booking_id else None,
                "created_at": when(notice.created_at),
                "sent_at": when(notice.sent_at),
            }
            for notice in Notice.objects.filter(user=user).select_related("booking").order_by("-created_at", "-pk")
        ],
        "access_log": [
            {
                "at": when(access.at),
                "organisation": (
                    {"id": access.organisation_id, "name": access.organisation.name} if access.organisation else None
                ),
                "what": access.what,
                "booking": access.booking_code or None,
                "matter": access.matter_reference or None,
            }
            for access in audit.access_log_of(user)
        ],
        # What the resident did with the account itself (looking at and downloading this data).
        "account_history": [
            _history_entry(entry)
            for entry in audit.Action.objects.filter(person=user, booking_code="")
            .select_related("organisation")
            .order_by("at", "pk")
        ],
    }


def copy_for(user, now=None):
    """The resident's copy (the JSON download, ``GET /api/v1/me/export``), written down in the record."""
    audit.record(audit.Action.Code.DATA_EXPORTED, person=user)
    return export_of(user, now=now)


def page_for(user, now=None):
    """What the resident's “My data” page shows, numbers masked; looking is written down too.

    The export's data, with its times as times (the template formats them) and each code beside its label.
    """
    audit.record(audit.Action.Code.DATA_VIEWED, person=user)
    data = _readable(export_of(user, now=now, full_numbers=False))
    labels = {
        "status": dict(Booking.Status.choices),
        "cancelled_by": dict(Booking.CancelledBy.choices),
        "channel": dict(Booking.Channel.choices),
        "relation": dict(Dependant.Relation.choices),
        "action": dict(audit.Action.Code.choices),
        "door": dict(audit.Door.choices),
        "what": dict(audit.Access.What.choices),
        "call_topic": dict(Call.Topic.choices),
        "call_outcome": dict(Call.Outcome.choices),
        "kind": dict(Notice.Kind.choices),
        "notice_channel": dict(Notice.Channel.choices),
        "notice_status": dict(Notice.Status.choices),
        "waiting_status": dict(WaitlistEntry.Status.choices),
        "payment_status": dict(GatewayPayment.Status.choices),
        "refund_status": dict(GatewayRefund.Status.choices),
        "tag": dict(Rating.Tag.choices),
    }
    for booking in data["bookings"]:
        booking["status_label"] = labels["status"].get(booking["status"], booking["status"])
        booking["cancelled_by_label"] = labels["cancelled_by"].get(booking["cancelled_by"], "")
        booking["channel_label"] = labels["channel"].get(booking["channel"], booking["channel"])
        for payment in booking["payments"]:
            payment["status_label"] = labels["payment_status"].get(payment["status"], payment["status"])
            for refund in payment["refunds"]:
                refund["status_label"] = labels["refund_status"].get(refund["status"], refund["status"])
        for entry in booking["history"]:
            _label_entry(entry, labels)
    for entry in data["account_history"]:
        _label_entry(entry, labels)
    for matter in data["matters"]:
        for step in matter["timeline"]:
            step["who"] = _who(step["by"])
    for dependant in data["dependants"]:
        dependant["relation_label"] = labels["relation"].get(dependant["relation"], dependant["relation"])
    for rating in data["ratings"]:
        rating["tag_labels"] = [labels["tag"].get(tag, tag) for tag in rating["tags"]]
    for access in data["access_log"]:
        access["what_label"] = labels["what"].get(access["what"], access["what"])
    for notice in data["notices"]:
        notice["kind_label"] = labels["kind"].get(notice["kind"], notice["kind"])
        notice["channel_label"] = labels["notice_channel"].get(notice["channel"], notice["channel"])
        notice["status_label"] = labels["notice_status"].get(notice["status"], notice["status"])
    for entry in data["waiting_list"]:
        entry["status_label"] = labels["waiting_status"].get(entry["status"], entry["status"])
    for call in data["hotline_calls"]:
        call["topic_label"] = labels["call_topic"].get(call["topic"], call["topic"])
        call["outcome_label"] = labels["call_outcome"].get(call["outcome"], call["outcome"])
    return data


def _label_entry(entry, labels):
    entry["action_label"] = labels["action"].get(entry["action"], entry["action"])
    entry["door_label"] = labels["door"].get(entry["door"], entry["door"])
    entry["who"] = _who(entry["by"])


def _who(by):
    return (
        {
            "resident": _("You"),
            "system": _("The system"),
            "other_party": _("The other party"),
        }.get(by["kind"])
        or by.get("name")
        or _("The platform's staff")
    )


def _readable(value, key=""):
    """The export's times back as datetimes, for the template to write in the page's language."""
    if isinstance(value, dict):
        return {name: _readable(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_readable(item) for item in value]
    if isinstance(value, str) and (key == "at" or key.endswith("_at")):
        return timezone.localtime(parse_datetime(value))
    return value

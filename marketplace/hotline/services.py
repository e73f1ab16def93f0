"""The 12348 hotline's rules: take a call, find or register the caller, book for them, write their matter
down, promise a call-back and keep it. The workspace's pages (``marketplace.hotline.views``) only call these.

A call is personal data: every read of a caller's data is written to the access log (the resident sees
it under "who has seen my data") and every change to the action log, through the door ``hotline``.
Booking goes through :func:`book_by_hotline` (the same rules as every door, once the operator is known) and a
matter through ``marketplace.matters.services.submit`` (the caller its applicant, the operator who wrote it
down); the confirmation and the organisation's notice leave as background tasks like any other.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit import services as audit
from marketplace.audit.models import Access, Action
from marketplace.booking import services as booking_services
from marketplace.errors import DomainError
from marketplace.hotline.models import Call, CallBack
from marketplace.hotline.operators import is_operator
from marketplace.matters import services as matter_services
from marketplace.matters.models import Matter
from marketplace.users import services as user_services

SUMMARY_LIMIT = 2000
NOTE_LIMIT = 500
# How far ahead a call-back may be promised: a call-back is a promise for days, not months.
CALL_BACK_HORIZON = timedelta(days=90)


class HotlineError(DomainError):
    code = "hotline_error"


class NotOperator(HotlineError):
    code = "not_operator"


class InvalidInput(HotlineError):
    code = "invalid"


class NotFound(HotlineError):
    code = "not_found"


class CallerUnknown(HotlineError):
    code = "caller_unknown"


class AlreadyDone(HotlineError):
    code = "already_done"


def _require_operator(user):
    if not is_operator(user):
        raise NotOperator(_("Only an operator of the 12348 hotline may do this."))


def _phone(phone):
    try:
        return user_services.normalise_phone(phone)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error


def _text(value, limit, label, required=False):
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(_("Enter %(what)s.") % {"what": label})
    if len(text) > limit:
        raise InvalidInput(_("%(what)s is too long: at most %(limit)d characters.") % {"what": label, "limit": limit})
    return text


# --- calls -------------------------------------------------------------------------------------


def take_call(operator, phone, topic, summary="", outcome=Call.Outcome.ANSWERED, now=None):
    """Write a call down as it is taken: the caller's number, what it was about, how it ended (so far)."""
    _require_operator(operator)
    if topic not in Call.Topic.values:
        raise InvalidInput(_("Choose what the call was about."))
    if outcome not in Call.Outcome.values:
        raise InvalidInput(_("Choose how the call ended."))
    call = Call(
        taken_at=now or timezone.now(),
        operator=operator,
        phone=_phone(phone),
        topic=topic,
        summary=_text(summary, SUMMARY_LIMIT, _("the summary")),
        outcome=outcome,
    )
    with transaction.atomic():
        callers = list(user_services.find_resident_by_phone(call.phone)[:2])
        if len(callers) == 1:
            # One account has this number: the caller is most likely its holder; the operator may change it.
            call.caller = callers[0]
        call.save()
        audit.record(Action.Code.CALL_TAKEN, person=call.caller, detail={"call": call.pk, "topic": topic})
    return call


def _calls():
    return Call.objects.select_related("caller", "operator", "booking", "matter")


def call(call_id):
    """The call with this id, or None (no read recorded: for a change, whose page reads it after)."""
    return _calls().filter(pk=call_id).first() if str(call_id).isdigit() else None


def call_for(operator, call_id):
    """One call, read by an operator: the read is recorded for the caller."""
    _require_operator(operator)
    found = call(call_id)
    if found is None:
        raise NotFound(_("There is no such call."))
    audit.record_access(operator, None, Access.What.HOTLINE_CALL, people=[found.caller_id] if found.caller_id else [])
    return found


def callers_of(operator, call):
    """The accounts holding the call's number (an older resident may share a child's phone): a lookup,
    recorded for each of them."""
    _require_operator(operator)
    callers = list(user_services.find_resident_by_phone(call.phone))
    audit.record_access(operator, None, Access.What.HOTLINE_LOOKUP, people=callers)
    return callers


def identify_caller(operator, call, resident_id):
    """The caller is this account holder of the call's number (nobody else's account can be named)."""
    _require_operator(operator)
    resident = user_services.find_resident_by_phone(call.phone).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound(_("Nobody with this phone number has that account."))
    call.caller = resident
    call.save(update_fields=["caller"])
    return resident


def register_caller(operator, call, name):
    """A caller with no account: registered by name and the call's number, as at the counter (no email)."""
    _require_operator(operator)
    try:
        resident = user_services.register_resident_at_counter(name=name, phone=call.phone)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    call.caller = resident
    call.save(update_fields=["caller"])
    return resident


def _caller_of(call):
    if call.caller_id is None or not call.caller.is_active:
        raise CallerUnknown(_("Find the caller by their phone number, or register them, first."))
    return call.caller


def slots_for(offering, day, now=None):
    return booking_services.slots_for_the_hotline(offering, day, now=now)


def book_by_hotline(operator, slot_id, resident, consent, note="", now=None, mode=None, declared_group=""):
    """Book for a resident as the 12348 hotline: only an operator may, for any caller
    (``marketplace.booking.services.book_for_resident`` through the hotline, with its rules)."""
    _require_operator(operator)
    return booking_services.book_for_resident(
        operator,
        booking_services.Booking.Channel.HOTLINE,
        slot_id,
        resident,
        consent,
        note=note,
        now=now,
        mode=mode,
        declared_group=declared_group,
    )


def book_for_caller(operator, call, slot_id, consent, note="", now=None, mode=None, declared_group=""):
    """Book a place for the caller, with the consent they gave on the phone; the call records the booking.

    ``mode``: on site or online (video), the caller's choice for a service offered both ways;
    ``declared_group``: the group the caller declares for a service for members of a group."""
    _require_operator(operator)
    resident = _caller_of(call)
    with transaction.atomic():
        booking = book_by_hotline(
            operator, slot_id, resident, consent, note=note, now=now, mode=mode, declared_group=declared_group
        )
        call.booking = booking
        call.outcome = Call.Outcome.BOOKED
        call.save(update_fields=["booking", "outcome"])
    return booking


def record_matter(operator, call, kind_code, text, fields=None, other_party=None, organisation=None, now=None):
    """Write the call down as a matter of the matters engine: the caller applies, the operator submits."""
    _require_operator(operator)
    resident = _caller_of(call)
    with transaction.atomic():
        matter = matter_services.submit(
            resident,
            kind_code,
            text,
            fields=fields,
            other_party=other_party,
            organisation=organisation,
            channel=Matter.Channel.HOTLINE,
            now=now,
            submitted_by=operator,
        )
        call.matter = matter
        call.outcome = Call.Outcome.MATTER
        call.save(update_fields=["matter", "outcome"])
    return matter


# --- call-backs --------------------------------------------------------------------------------


def _due(due_at, now):
    if due_at is None:
        raise InvalidInput(_("Choose when to call back."))
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    if due_at < now - timedelta(minutes=1):
        raise InvalidInput(_("A call-back is due in the future: choose a later time."))
    if due_at > now + CALL_BACK_HORIZON:
        raise InvalidInput(_("A call-back is due within %(days)d days.") % {"days": CALL_BACK_HORIZON.days})
    return due_at


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def schedule_call_back(operator, call, due_at, note="", now=None):
    _require_operator(operator)
    now = now or timezone.now()
    call_back = CallBack(
        call=call,
        due_at=_due(due_at, now),
        note=_text(note, NOTE_LIMIT, _("the note")),
        created_at=now,
        created_by=operator,
    )
    with transaction.atomic():
        call_back.save()
        if call.outcome == Call.Outcome.ANSWERED:
            call.outcome = Call.Outcome.CALL_BACK
            call.save(update_fields=["outcome"])
        audit.record(
            Action.Code.CALL_BACK_SCHEDULED,
            person=call.caller_id,
            detail={"call": call.pk, "due": _local(call_back.due_at)},
        )
    return call_back


def _open_call_back(call_back_id):
    call_back = (
        CallBack.objects.select_for_update().select_related("call").filter(pk=call_back_id).first()
        if str(call_back_id).isdigit()
        else None
    )
    if call_back is None:
        raise NotFound(_("There is no such call-back."))
    if call_back.done_at is not None:
        raise AlreadyDone(_("This call-back has already been made."))
    return call_back


def call_back_done(operator, call_back_id, result="", now=None):
    """The operator called the resident back: the call-back leaves the queue."""
    _require_operator(operator)
    now = now or timezone.now()
    result = _text(result, NOTE_LIMIT, _("the result"))
    with transaction.atomic():
        call_back = _open_call_back(call_back_id)
        call_back.done_at, call_back.done_by, call_back.result = now, operator, result
        call_back.save(update_fields=["done_at", "done_by", "result"])
        audit.record(
            Action.Code.CALL_BACK_DONE,
            person=call_back.call.caller_id,
            detail={"call": call_back.call_id, "due": _local(call_back.due_at)},
        )
    return call_back


def move_call_back(operator, call_back_id, due_at, note="", now=None):
    """The call-back is due at another time (the resident asked for later, or did not answer)."""
    _require_operator(operator)
    now = now or timezone.now()
    due_at = _due(due_at, now)
    note = _text(note, NOTE_LIMIT, _("the note"))
    with transaction.atomic():
        call_back = _open_call_back(call_back_id)
        old = call_back.due_at
        call_back.due_at = due_at
        if note:
            call_back.note = note
        call_back.save(update_fields=["due_at", "note"])
        audit.record(
            Action.Code.CALL_BACK_MOVED,
            person=call_back.call.caller_id,
            detail={"call": call_back.call_id, "from": _local(old), "to": _local(due_at)},
        )
    return call_back


def queue(operator, now=None, recent=20):
    """The operator's queue: every call-back not yet made, the soonest due first (so the overdue lead),
    each marked ``overdue``, and the calls of the last day, newest first. The callers listed, masked as
    they are, are recorded as seen."""
    _require_operator(operator)
    now = now or timezone.now()
    call_backs = list(
        CallBack.objects.filter(done_at__isnull=True).select_related("call__caller").order_by("due_at", "pk")
    )
    for call_back in call_backs:
        call_back.overdue = call_back.is_overdue(now)
    calls = list(_calls().filter(taken_at__gte=now - timedelta(days=1))[:recent])
    seen = {call_back.call.caller_id for call_back in call_backs} | {call.caller_id for call in calls}
    audit.record_access(operator, None, Access.What.HOTLINE_QUEUE, people=sorted(seen - {None}))
    return call_backs, calls

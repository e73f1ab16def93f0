"""The rules of rating a visit (好差评) and of the follow-up case a poor rating opens.

Pages, the console and any API come through here. A resident rates a visit
they were checked in for, once, within ``RATING_WINDOW_DAYS`` of its end. A
provider may reply once, publicly. A rating of ``FOLLOW_UP_MAX_STARS`` or
fewer opens a case: the provider answers within ``FOLLOW_UP_ANSWER_DAYS``
working days, the resident says whether it is resolved; an answer the
resident leaves unconfirmed for ``FOLLOW_UP_CONFIRM_DAYS`` working days
closes on its own (``close_lapsed_cases``). A moderator may hide a rating,
with a reason that is kept; hidden ratings count nowhere.

A case is a matter of kind ``follow_up`` (``marketplace.matters``): it is
opened, answered, confirmed and lapsed through ``marketplace.matters.services``,
so it stands in the organisation's one queue with one timeline. The functions
here keep the rating's words (its pages, its errors, the booking's history).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit import services as audit
from marketplace.booking import rules as booking_rules
from marketplace.booking.models import Booking
from marketplace.booking.services import bookings_at_providers_of
from marketplace.errors import DomainError
from marketplace.ids import parse_id
from marketplace.matters import kinds as matter_kinds
from marketplace.matters import services as matters
from marketplace.matters import workdays
from marketplace.matters.models import Matter, MatterStep
from providers.models import Partner
from ratings import signals
from ratings.models import Rating
from ratings.satisfaction import satisfaction_by, satisfaction_of

MAX_TEXT = 1000


class RatingError(DomainError):
    """A rating rule said no."""

    code = "rating_error"


class NotFound(RatingError):
    code = "not_found"


class InvalidInput(RatingError):
    code = "invalid"


class NotRateable(RatingError):
    """Not checked in, not begun, window over, or already rated (the API's ``not_ratable``)."""

    code = "not_ratable"


class AlreadyRated(NotRateable):
    """A visit is rated once: one of the reasons a visit is not ratable."""


class AlreadyReplied(RatingError):
    code = "already_replied"


class CaseNotAnswerable(RatingError):
    code = "case_not_answerable"


class CaseNotConfirmable(RatingError):
    code = "case_not_confirmable"


class NotModerator(RatingError):
    code = "not_moderator"


def visible_ratings():
    return Rating.objects.filter(hidden_at__isnull=True)


# --- the follow-up cases, as matters ---------------------------------------------

FOLLOW_UP = matter_kinds.FOLLOW_UP
OPEN, ANSWERED, RESOLVED, UNRESOLVED, LAPSED = "open", "answered", "resolved", "unresolved", "lapsed"
CONFIRMATIONS = (RESOLVED, UNRESOLVED)


def follow_ups():
    """Every follow-up case (a ``follow_up`` matter of a rating), each with what its steps say:
    ``opened_at``, ``answered_at``, ``answer``, ``answered_by_id`` and ``resident_note``."""
    steps = MatterStep.objects.filter(matter=OuterRef("pk"))
    answer = steps.filter(action="answer").order_by("at", "pk")
    confirmation = steps.filter(action__in=CONFIRMATIONS).order_by("-at", "-pk")
    return Matter.objects.filter(kind=FOLLOW_UP.code, rating__isnull=False).annotate(
        opened_at=F("submitted_at"),
        answered_at=Subquery(answer.values("at")[:1]),
        answer=Coalesce(Subquery(answer.values("text")[:1]), Value("", output_field=TextField())),
        answered_by_id=Subquery(answer.values("actor")[:1]),
        resident_note=Coalesce(Subquery(confirmation.values("text")[:1]), Value("", output_field=TextField())),
    )


def case_of(rating):
    """The rating's follow-up case, or None (a rating above ``FOLLOW_UP_MAX_STARS`` has none)."""
    if rating is None:
        return None
    return follow_ups().select_related("rating__booking").filter(rating=rating).first()


def hours_to_close(case):
    if case.closed_at is None:
        return None
    return (case.closed_at - case.submitted_at).total_seconds() / 3600


# --- the resident -------------------------------------------------------------


def service_satisfaction(service_id, min_sample=None):
    """The satisfaction of a service from its visible ratings, and of each provider offering it (by name):
    ``(Satisfaction, [(partner, Satisfaction)])`` in two queries; a provider nobody rated reads as no
    ratings yet."""
    counted = visible_ratings().filter(booking__slot__offering__product_id=service_id)
    by_provider = satisfaction_by(counted, "booking__slot__offering__partner", min_sample)
    providers = Partner.objects.filter(stockrecords__product_id=service_id).distinct().order_by("name", "pk")
    return satisfaction_of(counted, min_sample), [(partner, by_provider[partner.pk]) for partner in providers]


def rating_deadline(booking):
    return booking.slot.ends_at + timedelta(days=settings.RATING_WINDOW_DAYS)


def is_rated(booking):
    """Whether the visit has a rating (no query when the booking came with ``select_related("rating")``)."""
    try:
        return booking.rating is not None
    except Rating.DoesNotExist:
        return False


def can_rate(booking, now=None):
    """Whether the resident may rate this visit now (checked in, begun, not yet rated, within the window)."""
    now = now or timezone.now()
    return (
        booking.status == Booking.Status.CHECKED_IN
        and booking_rules.visit_began(booking, now)
        and now <= rating_deadline(booking)
        and not is_rated(booking)
    )


def visits_to_rate(user, now=None):
    """The resident's visits :func:`can_rate` allows rating now, as a query, soonest deadline first."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            user=user,
            status=Booking.Status.CHECKED_IN,
            slot__starts_at__lte=now,
            slot__ends_at__gte=now - timedelta(days=settings.RATING_WINDOW_DAYS),
            rating__isnull=True,
        )
        .select_related("slot__offering__product", "slot__offering__partner")
        .order_by("slot__ends_at", "pk")
    )


def cases_to_confirm(user):
    """The follow-up cases of the resident's ratings that the provider answered and wait for their word."""
    return (
        follow_ups()
        .filter(rating__booking__user=user, status=ANSWERED)
        .select_related("rating__booking__slot__offering__product", "rating__booking__slot__offering__partner")
        .order_by("status_since", "pk")
    )


def clean_text(text, field_label, required=False, limit=MAX_TEXT):
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(_("Please write %(field)s.") % {"field": field_label})
    if len(text) > limit:
        raise InvalidInput(
            _("%(field)s is too long: at most %(limit)s characters.") % {"field": field_label, "limit": limit}
        )
    return text


def clean_stars(stars):
    stars = parse_id(stars)  # 1 to 5 in ASCII digits: "٣" is not 3
    if stars is None or not 1 <= stars <= 5:
        raise InvalidInput(_("Choose from 1 to 5 stars."))
    return stars


def clean_tags(tags):
    known = set(Rating.Tag.values)
    tags = list(dict.fromkeys(tags or ()))
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        raise InvalidInput(_("Unknown tag: %(tags)s.") % {"tags": ", ".join(map(str, unknown))})
    return tags


def opens_case(stars):
    return stars <= settings.FOLLOW_UP_MAX_STARS


def rate_visit(user, code, stars, tags=(), comment="", now=None):
    """The resident's rating of the visit booked under ``code``; a poor one opens a follow-up case."""
    now = now or timezone.now()
    stars = clean_stars(stars)
    tags = clean_tags(tags)
    comment = clean_text(comment, _("the comment"))
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .select_related("slot")
            .filter(user=user, code=(code or "").strip().upper())
            .first()
            if user is not None and user.is_authenticated
            else None
        )
        if booking is None:
            raise NotFound(_("You have no booking with this code."))
        if Rating.objects.filter(booking=booking).exists():
            raise AlreadyRated(_("You have already rated this visit."))
        if booking.status != Booking.Status.CHECKED_IN:
            raise NotRateable(_("Only a visit you were checked in for can be rated."))
        if not booking_rules.visit_began(booking, now):
            raise NotRateable(_("This visit has not begun yet: you can rate it once it has started."))
        if now > rating_deadline(booking):
            raise NotRateable(
                _("Visits can be rated for %(days)s days after the appointment; this one can no longer be rated.")
                % {"days": settings.RATING_WINDOW_DAYS}
            )
        try:
            with transaction.atomic():
                rating = Rating.objects.create(booking=booking, stars=stars, tags=tags, comment=comment, created_at=now)
        except IntegrityError:
            raise AlreadyRated(_("You have already rated this visit.")) from None
        audit.record(audit.Action.Code.RATED, booking, detail={"rating": rating.pk, "stars": stars})
        signals.rating_posted.send(sender=Rating, rating=rating)
        if opens_case(stars):
            # The rule opens it, not the resident: a poor rating always does.
            case = matters.open_follow_up(rating, now)
            audit.record(audit.Action.Code.CASE_OPENED, booking, detail={"case": case.reference}, by_system=True)
            signals.case_opened.send(sender=Matter, case=case)
    return rating


def own_case(user, case_id):
    case = (
        follow_ups().select_related("rating__booking").filter(pk=parse_id(case_id), rating__booking__user=user).first()
        if user is not None and user.is_authenticated and parse_id(case_id)
        else None
    )
    if case is None:
        raise NotFound(_("There is no such follow-up case among yours."))
    return case


def confirm_case(user, case_id, resolved, note="", now=None):
    """The resident says whether the provider's answer resolved the case; either way it closes."""
    now = now or timezone.now()
    note = clean_text(note, _("the note"), limit=500)
    with transaction.atomic():
        case = own_case(user, case_id)
        case = Matter.objects.select_for_update(of=("self",)).select_related("rating__booking").get(pk=case.pk)
        if case.status != ANSWERED:
            raise CaseNotConfirmable(
                _("This case is waiting for the provider's answer.")
                if case.status == OPEN
                else _("This case is already closed.")
            )
        try:
            matters.take_step(user, case.reference, RESOLVED if resolved else UNRESOLVED, note, now=now, matter=case)
        except matters.StepNotAllowed as error:
            raise CaseNotConfirmable(error.message) from None
        audit.record(
            audit.Action.Code.CASE_CLOSED,
            case.rating.booking,
            detail={"case": case.reference, "resolved": bool(resolved)},
        )
    return follow_ups().get(pk=case.pk)


# --- the provider -------------------------------------------------------------


def ratings_at_providers_of(staff_user, partner=None):
    """Every rating (hidden ones too, marked) of visits at the providers ``staff_user`` works for."""
    bookings = bookings_at_providers_of(staff_user)
    if partner is not None:
        bookings = bookings.filter(slot__offering__partner=partner)
    return Rating.objects.filter(booking__in=bookings.values("pk")).select_related(
        "booking__slot__offering__product", "booking__slot__offering__partner", "booking__user", "matter"
    )


def rating_at_providers_of(staff_user, rating_id, partner=None):
    rating = (
        ratings_at_providers_of(staff_user, partner).filter(pk=parse_id(rating_id)).first()
        if parse_id(rating_id)
        else None
    )
    if rating is None:
        raise NotFound(_("There is no such rating of a visit to your provider."))
    return rating


def check_reply(staff_user, rating_id, text, partner=None):
    """What :func:`reply_to_rating` would publish, checked as it would be, changing nothing:
    the rating and the cleaned text, for the page that asks before publishing."""
    rating = rating_at_providers_of(staff_user, rating_id, partner)
    text = clean_text(text, _("the reply"), required=True)
    if rating.replied_at is not None:
        raise AlreadyReplied(_("This rating already has your reply; a provider replies once."))
    return rating, text


def reply_to_rating(staff_user, rating_id, text, partner=None, now=None):
    """The provider's one public reply to a rating."""
    now = now or timezone.now()
    text = clean_text(text, _("the reply"), required=True)
    with transaction.atomic():
        rating = rating_at_providers_of(staff_user, rating_id, partner)
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.replied_at is not None:
            raise AlreadyReplied(_("This rating already has your reply; a provider replies once."))
        rating.reply, rating.replied_at, rating.replied_by = text, now, staff_user
        rating.save(update_fields=["reply", "replied_at", "replied_by"])
        audit.record(audit.Action.Code.RATING_REPLIED, rating.booking, detail={"rating": rating.pk})
    return rating


def cases_at_providers_of(staff_user, partner=None):
    return (
        follow_ups()
        .filter(rating__in=ratings_at_providers_of(staff_user, partner).values("pk"))
        .select_related(
            "rating__booking__slot__offering__product",
            "rating__booking__slot__offering__partner",
            "rating__booking__user",
        )
    )


def answer_deadline(case):
    """The end of the ``FOLLOW_UP_ANSWER_DAYS``-th working day after the case opened: the matter's
    deadline while it waits for the answer."""
    if case.status == OPEN and case.due_at is not None:
        return case.due_at
    return workdays.deadline(case.submitted_at, settings.FOLLOW_UP_ANSWER_DAYS)


def is_overdue(case, now=None):
    return case.status == OPEN and (now or timezone.now()) >= answer_deadline(case)


def overdue_cases(now=None):
    """Every case ``is_overdue`` holds true of, as a query: open past its answer deadline."""
    return follow_ups().filter(matters.overdue_q(now or timezone.now()))


def answer_case(staff_user, case_id, text, partner=None, now=None):
    """The provider's answer to an open case; the resident is then asked whether it is resolved."""
    now = now or timezone.now()
    text = clean_text(text, _("the answer"), required=True, limit=2000)
    with transaction.atomic():
        case = (
            cases_at_providers_of(staff_user, partner).filter(pk=parse_id(case_id)).first()
            if parse_id(case_id)
            else None
        )
        if case is None:
            raise NotFound(_("There is no such follow-up case at your provider."))
        case = Matter.objects.select_for_update(of=("self",)).select_related("rating__booking").get(pk=case.pk)
        if case.status != OPEN:
            raise CaseNotAnswerable(_("This case has already been answered."))
        try:
            # The resident hears of it from the matter's step (``marketplace.matters.tasks.tell_applicant``).
            matters.take_step(staff_user, case.reference, "answer", text, now=now, matter=case)
        except matters.StepNotAllowed as error:
            raise CaseNotAnswerable(error.message) from None
        except matters.NotFound:
            raise NotFound(_("There is no such follow-up case at your provider.")) from None
        audit.record(audit.Action.Code.CASE_ANSWERED, case.rating.booking, detail={"case": case.reference})
    return follow_ups().get(pk=case.pk)


def close_lapsed_cases(now=None):
    """Close answered cases the resident left unconfirmed for ``FOLLOW_UP_CONFIRM_DAYS`` working days;
    return how many.

    Each closes at its deadline (the matter's ``due_at``), not at the moment this job happens to
    run, so the time to close does not depend on when the job ran.
    """
    now = now or timezone.now()
    closed = 0
    lapsed = Matter.objects.filter(
        kind=FOLLOW_UP.code, status=ANSWERED, waits_for=matter_kinds.APPLICANT, due_at__lte=now
    ).order_by("due_at", "pk")
    for case_id, due_at in lapsed.values_list("pk", "due_at"):
        with transaction.atomic():
            case = matters.system_step(case_id, "lapse", now=due_at)
            if case is None:
                continue
            audit.record(
                audit.Action.Code.CASE_CLOSED,
                case.rating.booking,
                detail={"case": case.reference, "lapsed": True},
                by_system=True,
            )
            closed += 1
    return closed


# --- the moderator ------------------------------------------------------------


def is_moderator(user):
    return user is not None and user.is_authenticated and user.has_perm("ratings.moderate_rating")


def hide_rating(moderator, rating_id, reason, now=None):
    """Hide an abusive rating from every page and figure; the reason is kept with it."""
    if not is_moderator(moderator):
        raise NotModerator(_("Only a moderator can hide ratings."))
    reason = clean_text(reason, _("the reason"), required=True, limit=200)
    with transaction.atomic():
        rating = (
            Rating.objects.select_for_update().filter(pk=parse_id(rating_id)).first() if parse_id(rating_id) else None
        )
        if rating is None:
            raise NotFound(_("There is no such rating."))
        rating.hidden_at, rating.hidden_by, rating.hidden_reason = now or timezone.now(), moderator, reason
        rating.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit.record(audit.Action.Code.RATING_HIDDEN, rating.booking, detail={"rating": rating.pk, "reason": reason})
    return rating


def restore_rating(moderator, rating_id):
    """Show a hidden rating again; who hid it and why stays on record."""
    if not is_moderator(moderator):
        raise NotModerator(_("Only a moderator can restore ratings."))
    with transaction.atomic():
        rating = (
            Rating.objects.select_for_update().filter(pk=parse_id(rating_id)).first() if parse_id(rating_id) else None
        )
        if rating is None:
            raise NotFound(_("There is no such rating."))
        rating.hidden_at = None
        rating.save(update_fields=["hidden_at"])
        audit.record(audit.Action.Code.RATING_RESTORED, rating.booking, detail={"rating": rating.pk})
    return rating

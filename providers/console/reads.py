"""The provider console's reads: the day's list, the week's counts, ratings and cases.

State changes (check-in, no-shows) go through ``marketplace.booking.services``;
everything here only reads, and always starts from the bookings the staff
member may see (:func:`bookings_at_providers_of`).
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.booking import rules
from marketplace.booking.services import bookings_at_providers_of, local_day
from providers.scheduling import day_start
from ratings import services as rating_services
from ratings.satisfaction import satisfaction_by, satisfaction_of

Booking = get_model("booking", "Booking")
StockRecord = get_model("partner", "StockRecord")

DAY_COLUMNS_RELATED = ("user", "dependant", "slot__offering__product")


def offerings_of(partner):
    return StockRecord.objects.filter(partner=partner).select_related("product").order_by("product__title", "pk")


def today(now=None):
    return local_day(now or timezone.now())


def monday_of(day):
    return day - timedelta(days=day.weekday())


def bookings_between(user, partner, first_day, days, offering=None):
    """The bookings on ``partner``'s slots starting in [first_day, first_day + days), in time order."""
    start = day_start(first_day)
    end = day_start(first_day + timedelta(days=days))
    bookings = (
        bookings_at_providers_of(user)
        .filter(slot__offering__partner=partner, slot__starts_at__gte=start, slot__starts_at__lt=end)
        .select_related(*DAY_COLUMNS_RELATED)
        .order_by("slot__starts_at", "slot__offering__product__title", "slot_id", "pk")
    )
    if offering is not None:
        bookings = bookings.filter(slot__offering=offering)
    return bookings


def day_bookings(user, partner, day, offering=None, now=None):
    """The day's list; each booking says whether it may be checked in, or marked as a no-show, now."""
    now = now or timezone.now()
    bookings = list(bookings_between(user, partner, day, 1, offering))
    for booking in bookings:
        booking.check_in_due = rules.check_in_due(booking, now)
        # Not yet: the row says when, so the clerk can tell an early resident without trying.
        booking.check_in_opens_at = (
            rules.check_in_opens_at(booking)
            if booking.is_expected and not booking.is_online and rules.check_in_window(booking, now) == rules.EARLY
            else None
        )
        # An online booking: the clerk opens the same video room from here while its join link is open.
        joinable = booking.is_online and (booking.is_expected or booking.status == booking.Status.CHECKED_IN)
        window = rules.join_window(booking, now) if joinable else None
        booking.join_open = window == rules.OPEN
        booking.join_opens_at = rules.join_opens_at(booking) if window == rules.EARLY else None
        booking.no_show_due = rules.no_show_markable(booking, now)
    return bookings


def week_counts(user, partner, monday):
    """Seven days from ``monday``: [(day, [(offering, count)…], total)], cancelled bookings left out."""
    offerings = list(offerings_of(partner))
    counts = Counter(
        (local_day(starts_at), offering_id)
        for starts_at, offering_id in bookings_between(user, partner, monday, 7)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("slot__starts_at", "slot__offering_id")
    )
    week = []
    for index in range(7):
        day = monday + timedelta(days=index)
        per_offering = [(offering, counts[(day, offering.pk)]) for offering in offerings]
        week.append((day, per_offering, sum(count for _offering, count in per_offering)))
    return offerings, week


# Ratings and follow-up cases (好差评): reads only; replies and answers go through ``ratings.services``.

RATING_FILTERS = ("all", "awaiting_reply", "poor", "open_cases", "overdue_cases")
RECENT_DAYS = 30


def provider_ratings(user, partner, chosen="all", now=None):
    """The provider's ratings newest first, hidden ones included (the page marks them), filtered by ``chosen``."""
    ratings = (
        rating_services.ratings_at_providers_of(user, partner)
        .select_related("booking__dependant")
        .order_by("-created_at", "-pk")
    )
    if chosen == "awaiting_reply":
        ratings = ratings.filter(replied_at__isnull=True)
    elif chosen == "poor":
        ratings = ratings.filter(stars__lte=settings.FOLLOW_UP_MAX_STARS)
    elif chosen == "open_cases":
        ratings = ratings.filter(matter__status=rating_services.OPEN)
    elif chosen == "overdue_cases":
        ratings = ratings.filter(matter__in=rating_services.overdue_cases(now).values("pk"))
    return ratings


def provider_satisfaction(user, partner, now=None):
    """The provider's own satisfaction from visible ratings: all time, the last 30 days, and per offering."""
    now = now or timezone.now()
    counted = rating_services.ratings_at_providers_of(user, partner) & rating_services.visible_ratings()
    by_offering = satisfaction_by(counted, "booking__slot__offering")
    return {
        "all_time": satisfaction_of(counted),
        "recent": satisfaction_of(counted.filter(created_at__gte=now - timedelta(days=RECENT_DAYS))),
        "recent_days": RECENT_DAYS,
        "offerings": [(offering, by_offering[offering.pk]) for offering in offerings_of(partner)],
    }


def open_case_count(user, partner):
    return rating_services.cases_at_providers_of(user, partner).filter(status=rating_services.OPEN).count()


def provider_cases(user, partner, now=None):
    """The provider's cases: open ones oldest first (each with its deadline and whether it is overdue),
    answered ones awaiting the resident, then closed ones, latest closed first."""
    now = now or timezone.now()
    cases = rating_services.cases_at_providers_of(user, partner).select_related("rating__booking__dependant")
    open_cases = list(cases.filter(status=rating_services.OPEN).order_by("submitted_at", "pk"))
    for case in open_cases:
        case.deadline = rating_services.answer_deadline(case)
        case.overdue = rating_services.is_overdue(case, now)
    answered = list(cases.filter(status=rating_services.ANSWERED).order_by("status_since", "pk"))
    closed = cases.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    return open_cases, answered, closed

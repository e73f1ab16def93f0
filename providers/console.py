"""The provider console's reads: whose providers, the day's list, the week's counts.

State changes (check-in, no-shows) go through ``marketplace.booking.services``;
everything here only reads, and always starts from the bookings the staff
member may see (:func:`bookings_at_providers_of`).
"""

from collections import Counter
from datetime import datetime, time, timedelta

from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.booking.services import EXPECTED, bookings_at_providers_of, local_day

Booking = get_model("order", "Booking")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

DAY_COLUMNS_RELATED = ("user", "dependant", "slot__offering__product")


def providers_of(user):
    """The providers ``user`` works for."""
    if user is None or not user.is_authenticated:
        return Partner.objects.none()
    return Partner.objects.filter(users=user).order_by("name", "pk")


def provider_of(user, partner_id):
    """One of the staff member's providers, or None: another provider is the same as none."""
    return providers_of(user).filter(pk=partner_id).first()


def offerings_of(partner):
    return StockRecord.objects.filter(partner=partner).select_related("product").order_by("product__title", "pk")


def today(now=None):
    return local_day(now or timezone.now())


def day_start(day):
    """Local midnight (Asia/Shanghai) at the start of ``day``, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


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
    """The day's list; each booking says whether it may be marked as a no-show now."""
    now = now or timezone.now()
    bookings = list(bookings_between(user, partner, day, 1, offering))
    for booking in bookings:
        booking.no_show_due = booking.status in EXPECTED and booking.slot.ends_at <= now
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

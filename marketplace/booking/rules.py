"""The questions a booking asks, each answered in one place.

Every door (pages, the console, the API, Oscar's checkout, jobs, search) asks
these functions rather than restating a rule: when can a slot be booked
online (the book-ahead window and the minimum notice), when can a booking be
cancelled, when may a no-show be marked, when has a payment hold lapsed.
The status groups they use are defined once, on :class:`Booking`.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Expression, F, IntegerField, Q
from django.utils import timezone

from marketplace.booking.models import Booking


def local_day(moment):
    """The calendar day of ``moment`` in the site's zone (Asia/Shanghai), whatever zone is active."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def start_of_local_day(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


# When a slot can be booked online.


def booking_horizon(service, now):
    """The latest start a resident may book now: bookings open ``book_ahead_days`` ahead."""
    return now + timedelta(days=service.book_ahead_days)


def earliest_online_start(service, now):
    """Online, a slot must start after this: the service's minimum notice lets the resident get there."""
    return now + timedelta(minutes=service.min_notice_minutes)


def opens_for_booking_at(service, starts_at):
    """When a slot starting at ``starts_at`` enters the booking window."""
    return starts_at - timedelta(days=service.book_ahead_days)


def within_window_online(service, starts_at, now):
    return earliest_online_start(service, now) < starts_at <= booking_horizon(service, now)


def window_filter(services_rules, now):
    """A ``Q`` for slots of the services named inside their own service's online booking window.

    ``services_rules``: (service id, book_ahead_days, min_notice_minutes) of each service concerned. The
    services are grouped by their pair and named by id, so the slots are found without joining the
    services' table: joined, PostgreSQL may walk every service and look for its slots one by one
    (7 s for 1,000 services among 100,000 in bench/search_bench.py's rebuild, with statistics not yet
    gathered after a bulk load), where the ids lead it straight to the offerings' index.
    """
    groups = {}
    for service_id, days, minutes in services_rules:
        groups.setdefault((days, minutes), []).append(service_id)
    condition = Q(pk__in=[])
    for (days, minutes), service_ids in groups.items():
        condition |= Q(
            **{
                "offering__product__in": service_ids,
                "starts_at__gt": now + timedelta(minutes=minutes),
                "starts_at__lte": now + timedelta(days=days),
            }
        )
    return condition


# Cancelling, check-in, no-shows and holds.


def cancel_deadline(booking):
    return booking.slot.starts_at - timedelta(hours=booking.slot.offering.product.cancel_until_hours)


def resident_may_cancel(booking, now):
    return booking.is_cancellable and now <= cancel_deadline(booking)


def check_in_opens_at(booking):
    """The earliest moment the resident can be checked in: a little before the slot, so early arrivals wait
    checked in, but not hours ahead, when a check-in would let a visit be rated before it took place."""
    return booking.slot.starts_at - timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)


def check_in_closes_at(booking):
    """After the slot has ended the resident did not come: that is a no-show, not a late check-in."""
    return booking.slot.ends_at


EARLY, OPEN, CLOSED = "early", "open", "closed"


def check_in_window(booking, now):
    """Where ``now`` lies against the booking's check-in window: ``EARLY``, ``OPEN`` or ``CLOSED``."""
    if now < check_in_opens_at(booking):
        return EARLY
    if now >= check_in_closes_at(booking):
        return CLOSED
    return OPEN


def check_in_due(booking, now):
    # An online booking is checked in by the resident joining its video room, never at a counter.
    return booking.is_expected and not booking.is_online and check_in_window(booking, now) == OPEN


# When an online booking's join link opens the video room.


def join_opens_at(booking):
    """The join link opens a few minutes before the slot, so the resident can settle in."""
    return booking.slot.starts_at - timedelta(minutes=settings.VIDEO_JOIN_OPENS_MINUTES)


def join_window(booking, now):
    """Where ``now`` lies against the join link's window: ``EARLY``, ``OPEN`` or ``CLOSED`` (the slot ended)."""
    if now < join_opens_at(booking):
        return EARLY
    if now >= booking.slot.ends_at:
        return CLOSED
    return OPEN


def visit_began(booking, now):
    """A visit can be rated only once it has begun, whenever the resident was checked in."""
    return booking.slot.starts_at <= now


def no_show_markable(booking, now):
    """A resident who was expected is a no-show once their slot has ended, not before."""
    return booking.is_expected and booking.slot.ends_at <= now


def hold_lapsed(booking, now):
    """Whether a booking awaiting payment has outlived its hold: its place counts as free."""
    return (
        booking.status == Booking.Status.PENDING_PAYMENT
        and booking.hold_expires_at is not None
        and booking.hold_expires_at <= now
    )


def lapsed_hold_filter(now, prefix=""):
    """``hold_lapsed`` as a ``Q`` on bookings (``prefix`` reaches them from another model)."""
    return Q(**{f"{prefix}status": Booking.Status.PENDING_PAYMENT, f"{prefix}hold_expires_at__lte": now})


class RowSQL(Expression):
    """An expression written out as SQL about each row of the query it annotates, which it reaches
    through one key (``key``: a field path such as ``"pk"``, or an expression). Subclasses give
    ``as_sql_about(key_sql, compiler, connection)``.

    For the few questions every booking or list of times asks, where building Django's ``Subquery``
    or ``Exists`` cost a measured share of the request: each subclass sits beside the other forms of
    its rule, and a test holds them together.
    """

    def __init__(self, key):
        super().__init__()
        self.key = key if hasattr(key, "resolve_expression") else F(key)

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def get_group_by_cols(self):
        # Correlated: grouping by the row's key is grouping by this value.
        return self.key.get_group_by_cols()

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        sql, params = self.as_sql_about(key_sql, compiler, connection)
        # A subclass names the key before any parameter of its own.
        return sql, (*key_params, *params)


class LapsedHolds(RowSQL):
    """How many bookings of a slot (``slot``: its primary key, e.g. ``"pk"``) hold a place whose
    payment hold has lapsed at ``now``: ``lapsed_hold_filter`` counted per slot, for slot queries.

    Written out as SQL because every list of times a resident sees reads it: Django's ``Subquery``
    of the same count cost the service page about 0.5 ms of its 11 to build and compile
    (bench/service_page_cpu.py). tests/marketplace/booking/test_holds.py checks that it counts
    exactly the bookings ``hold_lapsed`` calls lapsed.
    """

    output_field = IntegerField()
    ALIAS = "lapsed_hold"

    def __init__(self, slot, now):
        super().__init__(slot)
        self.now = now

    def as_sql_about(self, slot_sql, compiler, connection):
        field = Booking._meta.get_field
        quote = connection.ops.quote_name

        def column(name):
            return f"{self.ALIAS}.{quote(field(name).column)}"

        if hasattr(self.now, "as_sql"):  # a Param of a prepared query (marketplace/prepared.py)
            now_sql, now_params = compiler.compile(self.now)
        else:
            now_sql, now_params = "%s", (field("hold_expires_at").get_db_prep_value(self.now, connection),)
        sql = (
            f"(SELECT COUNT(*) FROM {quote(Booking._meta.db_table)} {self.ALIAS}"
            f" WHERE {column('slot')} = {slot_sql} AND {column('status')} = %s"
            f" AND {column('hold_expires_at')} <= {now_sql})"
        )
        return sql, (Booking.Status.PENDING_PAYMENT, *now_params)

"""The demo's past: about three months of bookings, visits, ratings and follow-up cases.

Every step goes through the real services with a past ``now`` (``book``,
``check_in``, ``mark_no_show``, ``rate_visit``, ``reply_to_rating``,
``answer_case``, ``confirm_case``, ``hide_rating``), so statuses, ratings and
cases are exactly what residents and providers would have produced. Only
the past slots are written directly: the generator makes future ones only.
The streets differ on purpose (``demo_data.STREET_HISTORY``), drawn from one
seeded ``random.Random``, so a fresh database always gets the same ranking.

The history is made once: when the demo residents already have bookings, a
re-run adds nothing.
"""

import random
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from demo import data as demo_data
from marketplace.booking import online
from marketplace.booking import services as booking_services
from marketplace.booking import signals as booking_signals
from marketplace.booking.models import Booking
from providers import scheduling
from providers.models import Community, ScheduleRule, Slot
from ratings import services as rating_services
from ratings import signals as rating_signals

Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")

HOUR = timedelta(hours=1)


@dataclass
class Visit:
    slot: Slot
    street: str
    resident: object = None  # a given resident (the demo's 张丽); drawn from the pool when None
    fate: str = ""  # "", or for 张丽's visits: "unrated", "case to confirm"


@contextmanager
def past_events_unannounced():
    """Residents are not sent confirmations, nor staff reminders, for what happened months ago.

    The search index's availability is about future slots, which the past
    bookings do not touch (``seed_all`` rebuilds the index at its end anyway).
    """
    from marketplace.notifications import receivers as notices
    from search import receivers as search

    muted = (
        (booking_signals.booking_placed, notices.on_booking_placed, "notifications.placed"),
        (booking_signals.booking_placed, search.booking_placed_on_slot, None),
        (booking_signals.booking_cancelled, notices.on_booking_cancelled, "notifications.cancelled"),
        (rating_signals.case_opened, notices.on_case_opened, "notifications.case_opened"),
    )
    disconnected = [
        (signal, receiver, uid) for signal, receiver, uid in muted if signal.disconnect(receiver, dispatch_uid=uid)
    ]
    try:
        yield
    finally:
        for signal, receiver, uid in disconnected:
            signal.connect(receiver, dispatch_uid=uid)


def case_notices_dropped():
    """The follow-up cases are matters: the notices of their past steps, which the matters services
    enqueue on commit (not through signals), are dropped as the demo's other matters' are."""
    from demo.matters import past_notices_dropped

    return past_notices_dropped() if transaction.get_connection().in_atomic_block else nullcontext()


def seed_residents():
    """The pool of demo residents, created when missing (demo password); {email: user}, created."""
    User = get_user_model()
    pool = demo_data.resident_pool()
    users = {user.email: user for user in User.objects.filter(email__in=[email for email, _n, _p in pool])}
    missing = [
        (number, email, name, phone) for number, (email, name, phone) in enumerate(pool, 1) if email not in users
    ]
    if missing:
        password = make_password(demo_data.DEMO_PASSWORD)
        communities = dict(Community.objects.values_list("slug", "pk"))
        new = []
        for number, email, name, phone in missing:
            # What the services' eligibility rules read (the over-65 check-up, for one).
            birth_date, community = demo_data.resident_details(number)
            new.append(
                User(
                    email=email,
                    name=name,
                    phone=phone,
                    password=password,
                    birth_date=birth_date,
                    home_community_id=communities.get(community),
                )
            )
        User.objects.bulk_create(new)
        users = {user.email: user for user in User.objects.filter(email__in=[email for email, _n, _p in pool])}
    return users, len(missing)


def history_start(today):
    month = today.replace(day=1)
    for _month in range(demo_data.HISTORY_MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def past_sessions(start, today):
    """The sessions the free offerings' weekly plans would have opened on [start, today), by street.

    {street slug: {day: [unsaved Slot, …]}}; official holidays (国庆) have none.
    """
    rules = list(
        ScheduleRule.objects.filter(is_active=True, offering__price=0)
        .select_related("offering__partner__street")
        .order_by("pk")
    )
    street_of = {}
    for rule in rules:
        # The plans as they were when the history happened: in memory only, the stored ones stay as they are.
        rule.valid_from, rule.valid_to, rule.closed_days = start, None, set()
        street_of[rule.offering_id] = rule.offering.partner.street.slug
    zone = scheduling.local_zone()
    planned = scheduling.planned_slots(
        rules, start, today, scheduling.official_days(start, today), datetime.combine(start, time.min, tzinfo=zone)
    )
    sessions = {}
    for (offering_id, starts_at), slot in sorted(planned.items(), key=lambda item: item[0][1]):
        day = timezone.localtime(starts_at, zone).date()
        sessions.setdefault(street_of[offering_id], {}).setdefault(day, []).append(slot)
    return sessions


def draw_visits(rng, sessions, start, today, taken):
    """Which past sessions residents booked: each street's monthly volume, spread over its open days.

    ``taken``: places already given, by (offering id, starts_at).
    """
    visits = []
    months = (today - start).days / 30.4
    for street, profile in demo_data.STREET_HISTORY.items():
        days = sorted(sessions.get(street, {}))
        if not days:
            continue
        for _booking in range(round(profile.bookings_per_month * months)):
            for _attempt in range(10):
                slot = rng.choice(sessions[street][rng.choice(days)])
                key = (slot.offering_id, slot.starts_at)
                if taken.get(key, 0) < slot.capacity - slot.counter_capacity:
                    taken[key] = taken.get(key, 0) + 1
                    visits.append(Visit(slot, street))
                    break
    return visits


def zhang_li_visits(sessions, today, resident):
    """The demo resident (resident@example.com) finds a visit to rate and a follow-up case to confirm."""
    consultations = {
        day: [slot for slot in slots if slot.capacity == 1]
        for day, slots in sessions.get("tuodong", {}).items()
        if day <= today - timedelta(days=2)
    }
    days = sorted((day for day, slots in consultations.items() if slots), reverse=True)
    earlier = next((day for day in days if day <= today - timedelta(days=6)), None)
    if earlier is None:
        return []
    recent = days[0]
    return [
        Visit(consultations[recent][0], "tuodong", resident, "unrated"),
        Visit(consultations[earlier][0], "tuodong", resident, "case to confirm"),
    ]


def seed_history(now=None):
    """Make the demo's past once; return how many (residents, bookings, ratings) this run created."""
    now = now or timezone.now()
    residents, new_residents = seed_residents()
    created = {"demo residents": new_residents, "past bookings": 0, "ratings": 0}
    if Booking.objects.filter(user__in=residents.values()).exists():
        return created
    zone = scheduling.local_zone()
    today = timezone.localtime(now, zone).date()
    start = history_start(today)
    rng = random.Random(demo_data.HISTORY_SEED)
    sessions = past_sessions(start, today)
    User = get_user_model()
    zhang_li = User.objects.filter(email__iexact=demo_data.USERS[0].email).first()
    visits = zhang_li_visits(sessions, today, zhang_li) if zhang_li is not None else []
    visits += draw_visits(
        rng, sessions, start, today, taken={(v.slot.offering_id, v.slot.starts_at): 1 for v in visits}
    )
    visits.sort(key=lambda visit: visit.slot.starts_at)

    # The slots residents booked, as the generator would have made them then.
    wanted = {}
    for visit in visits:
        wanted.setdefault((visit.slot.offering_id, visit.slot.starts_at), visit.slot)
    # A demo database seeded on an earlier day already has that day's generated slots.
    Slot.objects.bulk_create(wanted.values(), ignore_conflicts=True)
    saved = {
        (slot.offering_id, slot.starts_at): slot
        for slot in Slot.objects.filter(
            offering_id__in={key[0] for key in wanted}, starts_at__lt=datetime.combine(today, time.min, tzinfo=zone)
        ).select_related("offering__partner")
    }
    staff = {}
    for partner in Partner.objects.prefetch_related("users"):
        members = sorted(partner.users.all(), key=lambda user: user.pk)
        if members:
            staff[partner.pk] = members[0]
    moderator = User.objects.filter(email__iexact="moderator@example.com").first()
    pool = sorted(residents.values(), key=lambda user: user.email)

    story = History(rng, now, staff, moderator, pool)
    with past_events_unannounced():
        for visit in visits:
            visit.slot = saved[(visit.slot.offering_id, visit.slot.starts_at)]
            story.live(visit)
        with case_notices_dropped():
            rating_services.close_lapsed_cases(now=now)
    story.date_bookings()
    created["past bookings"], created["ratings"] = story.bookings, story.ratings
    return created


class History:
    """Lives each visit through the services, in the order the slots happened."""

    def __init__(self, rng, now, staff, moderator, pool):
        self.rng, self.now, self.staff, self.moderator, self.pool = rng, now, staff, moderator, pool
        self.booked_at = {}  # booking → the moment it was booked
        self.bookings = self.ratings = 0
        self.abuse_posted = False
        self.overdue_left = False
        # Its own stream, so the streets without cancellations draw exactly what they drew before.
        self.closures = random.Random(2026)

    def live(self, visit):
        rng, slot = self.rng, visit.slot
        staff = self.staff[slot.offering.partner_id]
        profile = demo_data.STREET_HISTORY[visit.street]
        booking = self.book(visit)
        if booking is None:
            return
        if not visit.fate and profile.provider_cancels and self.closures.random() < profile.provider_cancels:
            cancelled_at = max(self.booked_at[booking] + timedelta(minutes=10), slot.starts_at - 2 * HOUR)
            booking_services.cancel_booking(
                booking, by=Booking.CancelledBy.PROVIDER, reason=demo_data.PROVIDER_CANCEL_REASON, now=cancelled_at
            )
            return
        if visit.fate or rng.random() >= profile.no_show:
            early = timedelta(minutes=rng.randint(2, 15))
            if booking.is_online:
                # An online visit is the resident joining the video room, which opens a few minutes before.
                online.create_room(booking.pk)
                booking.refresh_from_db()
                online.join(booking, now=slot.starts_at - min(early, timedelta(minutes=online.join_opens_minutes())))
            else:
                booking_services.check_in(staff, booking.code, now=slot.starts_at - early)
        else:
            booking_services.mark_no_show(staff, booking.code, now=slot.ends_at + timedelta(minutes=rng.randint(5, 90)))
            return
        if visit.fate == "unrated" or (not visit.fate and rng.random() >= profile.rated):
            return
        rated_at = slot.ends_at + HOUR * rng.uniform(0.2, 72)
        if rated_at >= self.now:
            return
        if not visit.fate and not self.abuse_posted and visit.street == demo_data.ABUSIVE_RATING["street"]:
            self.post_abuse(booking, rated_at)
            return
        stars = 2 if visit.fate else rng.choices(range(1, 6), weights=profile.stars)[0]
        rating = rating_services.rate_visit(
            booking.user, booking.code, stars, self.tags(stars), self.comment(stars), now=rated_at
        )
        self.ratings += 1
        if stars >= 4 and rng.random() < 0.3:
            self.reply(staff, rating, rated_at + HOUR * rng.uniform(2, 30))
        if stars <= 2:
            with case_notices_dropped():
                self.follow_up(visit, staff, profile, rating_services.case_of(rating), booking.user)

    def book(self, visit):
        slot = visit.slot
        booked_at = slot.starts_at - HOUR * self.rng.uniform(3, 120)
        candidates = [visit.resident] if visit.resident else [self.rng.choice(self.pool) for _try in range(6)]
        for resident in candidates:
            try:
                booking = booking_services.book(resident, slot.pk, now=booked_at)
            except booking_services.BookingError:
                continue  # this resident already holds this service then: another one books it
            self.booked_at[booking] = booked_at
            self.bookings += 1
            return booking
        return None

    def tags(self, stars):
        pool = (
            demo_data.GOOD_TAGS
            if stars >= 4
            else demo_data.POOR_TAGS
            if stars <= 2
            else self.rng.choice((demo_data.GOOD_TAGS, demo_data.POOR_TAGS))
        )
        return self.rng.sample(pool, self.rng.randint(0, 2 if stars == 3 else 3))

    def comment(self, stars):
        if self.rng.random() < 0.35 and stars > 2:
            return ""
        texts = (
            demo_data.GOOD_COMMENTS
            if stars >= 4
            else demo_data.POOR_COMMENTS
            if stars <= 2
            else demo_data.FAIR_COMMENTS
        )
        return self.rng.choice(texts)

    def reply(self, staff, rating, replied_at):
        if replied_at < self.now:
            rating_services.reply_to_rating(staff, rating.pk, self.rng.choice(demo_data.REPLIES), now=replied_at)

    def follow_up(self, visit, staff, profile, case, resident):
        rng = self.rng
        if visit.fate:  # 张丽's: answered the next day, hers to confirm
            rating_services.answer_case(staff, case.pk, demo_data.CASE_ANSWERS[0], now=case.opened_at + 20 * HOUR)
            return
        answered_at = case.opened_at + HOUR * rng.uniform(*profile.answer_hours)
        waited = self.now - case.opened_at
        # Wide enough that a month of 青云's cases always offers one, whatever day the seed runs.
        if not self.overdue_left and visit.street == "qingyun" and timedelta(days=4) < waited < timedelta(days=30):
            self.overdue_left = True  # one case the provider has not answered, past its deadline
            return
        if answered_at >= self.now:
            return
        rating_services.answer_case(staff, case.pk, rng.choice(demo_data.CASE_ANSWERS), now=answered_at)
        if rng.random() >= profile.confirmed:
            return  # the resident never says; the case lapses after the confirmation days
        confirmed_at = answered_at + HOUR * rng.uniform(2, 48)
        if confirmed_at < self.now:
            resolved = rng.random() < profile.resolved
            note = rng.choice(demo_data.RESOLVED_NOTES if resolved else demo_data.UNRESOLVED_NOTES)
            rating_services.confirm_case(resident, case.pk, resolved, note, now=confirmed_at)

    def post_abuse(self, booking, rated_at):
        abuse = demo_data.ABUSIVE_RATING
        rating = rating_services.rate_visit(
            booking.user, booking.code, abuse["stars"], (), abuse["comment"], now=rated_at
        )
        self.ratings += 1
        self.abuse_posted = True
        if self.moderator is not None and rating_services.is_moderator(self.moderator):
            rating_services.hide_rating(self.moderator, rating.pk, abuse["reason"], now=rated_at + 3 * HOUR)

    def date_bookings(self):
        """Each booking and its order dated when the resident booked, not when the seed ran."""
        bookings = list(self.booked_at)
        for booking in bookings:
            booking.created_at = self.booked_at[booking]
        Booking.objects.bulk_update(bookings, ["created_at"], batch_size=500)
        orders = Order.objects.in_bulk([booking.order_id for booking in bookings])
        for booking in bookings:
            orders[booking.order_id].date_placed = self.booked_at[booking]
        Order.objects.bulk_update(orders.values(), ["date_placed"], batch_size=500)


ONLINE_CONSULTATION = "online-legal-consultation"


def seed_online_booking(now=None):
    """The demo resident (resident@example.com) holds an online video consultation ahead, so its join link,
    the video room and the console's "open the video room" can be tried. Once: a re-run adds nothing."""
    now = now or timezone.now()
    User = get_user_model()
    Product = get_model("catalogue", "Product")
    resident = User.objects.filter(email__iexact=demo_data.USERS[0].email).first()
    service = Product.objects.filter(slug=ONLINE_CONSULTATION).first()
    if resident is None or service is None:
        return {"online bookings": 0}
    if Booking.objects.filter(user=resident, mode=Booking.Mode.ONLINE, status__in=Booking.ACTIVE).exists():
        return {"online bookings": 0}
    for slot in Slot.objects.open_future(now).filter(offering__product=service).order_by("starts_at")[:20]:
        try:
            booking_services.book(resident, slot.pk, now=now)
        except booking_services.BookingError:
            continue
        return {"online bookings": 1}
    return {"online bookings": 0}

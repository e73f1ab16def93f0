from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord


class Street(models.Model):
    """A street (街道) of the district; the unit the district's index ranks."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self):
        return self.name


class Community(models.Model):
    """A community (社区) inside a street."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="communities", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    population = models.PositiveIntegerField(
        _("residents"),
        null=True,
        blank=True,
        help_text=_("Registered residents; the street index counts bookings per 1,000 of them."),
    )
    latitude = models.DecimalField(_("centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("centre longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("The community's centre, from which the 10-minute service circle is measured."),
    )

    class Meta:
        ordering = ["street__position", "pk"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_unique_name_per_street")]

    def __str__(self):
        return self.name


class Partner(AbstractPartner):
    """A provider organisation: a legal-service station, health centre, school…

    ``users`` (from Oscar) are its staff.
    """

    class Kind(models.TextChoices):
        LEGAL_STATION = "legal_station", _("Community legal-service station")
        HEALTH_CENTRE = "health_centre", _("Community health centre")
        SCHOOL = "school", _("School")
        SOCIAL_SECURITY = "social_security", _("Social-security office")
        LIBRARY = "library", _("Library")
        CULTURE_HALL = "culture_hall", _("Culture hall")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="providers", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name=_("community"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opening_notes = models.CharField(_("opening notes"), max_length=200, blank=True)


class StockRecord(AbstractStockRecord):
    """An offering: this provider offers this service at this price (0 for a free service)."""

    pay_on_site = models.BooleanField(
        _("can be paid on site"),
        default=False,
        help_text=_("Residents may book without paying online and pay at the provider (到场支付)."),
    )


def lapsed_holds(now):
    """How many places of the slot being read are held by bookings whose payment hold has lapsed
    (``rules.LapsedHolds``).

    ``num_booked`` still counts them until somebody releases them; what residents
    see and what the booking service takes treats them as free at once.
    """
    from marketplace.booking.rules import LapsedHolds

    return LapsedHolds("pk", now)


def has_places():
    """Q: the slot, read with its ``lapsed_holds``, still has a place a resident can book online
    (the places held for the counter do not count, places of lapsed payment holds do)."""
    return Q(num_booked__lt=F("capacity") - F("counter_capacity") + F("lapsed_holds"))


@dataclass(frozen=True)
class OpenDay:
    """A local date with open slots of one offering."""

    day: date
    first: datetime  # its first open slot's start
    first_free: datetime | None  # its first start with a free place online


def open_days_by_offering(rows):
    """{offering id: [OpenDay, …] in date order} of ``SlotQuerySet.open_day_rows``: offerings without
    any of those slots are left out."""
    days = {}
    for offering, day, first, first_free in rows:
        days.setdefault(offering, []).append(OpenDay(day, first, first_free))
    return days


# Up to this many services, next_free_starts asks for each one's soonest free slot on its own.
FEW_SERVICES = 3


class SlotQuerySet(models.QuerySet):
    def open_future(self, now=None):
        """Open slots still ahead, each knowing how many of its places lapsed holds keep (``lapsed_holds``)."""
        now = now or timezone.now()
        return self.filter(is_open=True, starts_at__gt=now).with_lapsed_holds(now)

    def with_lapsed_holds(self, now=None):
        if "lapsed_holds" in self.query.annotations:
            return self
        return self.annotate(lapsed_holds=lapsed_holds(now or timezone.now()))

    def with_places(self, now=None):
        """Slots a resident can still book online: the places held for the counter do not count,
        places of lapsed payment holds do."""
        return self.with_lapsed_holds(now).filter(has_places())

    def open_day_rows(self):
        """(offering id, local date, first start, first start with a free place online) of these
        slots (e.g. those a service page shows), by offering and date: what ``open_days_by_offering``
        reads."""
        return (
            self.with_lapsed_holds()
            .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
            .order_by()
            .values_list("offering", "day")
            .annotate(first=Min("starts_at"), first_free=Min("starts_at", filter=has_places()))
            .order_by("offering", "day")
        )

    def in_window(self, service, earliest, horizon):
        """Slots of ``service`` (its id) starting after ``earliest``, at the latest at ``horizon``."""
        return self.filter(offering__product_id=service, starts_at__gt=earliest, starts_at__lte=horizon)

    def in_booking_window(self, now=None, *, service=None, services=None):
        """Slots inside their service's online booking window: after its minimum notice, at most its
        book-ahead days ahead (``marketplace.booking.rules``). ``service``: the slots of that service
        only; or ``services``: a queryset of the services concerned."""
        from marketplace.booking import rules

        if service is None and services is None:
            # Each service has its own window: there is no window of every slot.
            raise TypeError("in_booking_window() needs service or services")
        now = now or timezone.now()
        if service is not None:
            return self.in_window(
                service.pk, rules.earliest_online_start(service, now), rules.booking_horizon(service, now)
            )
        rows = services.order_by().values_list("pk", "book_ahead_days", "min_notice_minutes")
        return self.filter(rules.window_filter(rows, now))

    def bookable_alternatives(self, product, now=None, exclude_user=None):
        """Slots of the service ``product`` a resident could book now, at any provider, soonest first.

        ``exclude_user``: leave out the slots that resident already holds a place on.
        """
        now = now or timezone.now()
        slots = (
            self.open_future(now)
            .with_places()
            .in_booking_window(now, service=product)
            .select_related("offering__partner", "offering__product")
            .order_by("starts_at", "pk")
        )
        if exclude_user is not None:
            Booking = self.model._meta.get_field("bookings").related_model
            held = Booking.objects.filter(user=exclude_user, status__in=Booking.ACTIVE).values("slot_id")
            slots = slots.exclude(pk__in=held)
        return slots

    def next_free_starts(self, product_ids, now=None):
        """{service id: the soonest slot with a free place a resident can book now} for these services
        (those with none are left out): inside each service's booking window, as booking itself asks."""
        from catalog.models import Product

        now = now or timezone.now()
        product_ids = list(product_ids)
        if len(product_ids) <= FEW_SERVICES:
            return self._next_free_starts_one_by_one(product_ids, now)
        rows = (
            self.open_future(now)
            .with_places()
            .in_booking_window(now, services=Product.objects.filter(pk__in=product_ids))
            .order_by()
            .values("offering__product")
            .annotate(first=Min("starts_at"))
        )
        return {row["offering__product"]: row["first"] for row in rows}

    def _next_free_starts_one_by_one(self, product_ids, now):
        # A booking asks about one service. Walking its slots in start order stops at the first one
        # with a free place; the aggregate above reads (and counts the lapsed holds of) every slot in
        # the window: 17 ms instead of under 2 for a service with 8,000 slots (bench/booking_bench.py).
        from catalog.models import Product

        starts = {}
        for service in Product.objects.filter(pk__in=product_ids).only("book_ahead_days", "min_notice_minutes"):
            first = (
                self.open_future(now)
                .with_places()
                .in_booking_window(now, service=service)
                .order_by("starts_at")
                .values_list("starts_at", flat=True)
                .first()
            )
            if first is not None:
                starts[service.pk] = first
        return starts


class Slot(models.Model):
    """A bookable time of one offering (a provider's stock record of a service).

    ``num_booked`` is only ever changed by conditional updates in the booking
    service; the check constraint is the last line of defence against overbooking.
    """

    offering = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="slots", verbose_name=_("offering")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    counter_capacity = models.PositiveIntegerField(
        _("places held for walk-ins"),
        default=0,
        help_text=_("Online bookings stop this many places short of the capacity; the counter can use them all."),
    )
    num_booked = models.PositiveIntegerField(_("places booked"), default=0)
    is_open = models.BooleanField(_("open for booking"), default=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.CheckConstraint(condition=Q(num_booked__lte=F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(
                condition=Q(counter_capacity__lte=F("capacity")), name="slot_counter_within_capacity"
            ),
            models.UniqueConstraint(fields=["offering", "starts_at"], name="slot_unique_start_per_offering"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="slot_starts_at_idx")]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.offering} {local:%Y-%m-%d %H:%M}"

    @property
    def online_capacity(self):
        return max(self.capacity - self.counter_capacity, 0)

    @property
    def num_taken(self):
        """Places taken, not counting lapsed payment holds when the slot was read with them (``open_future``)."""
        return self.num_booked - getattr(self, "lapsed_holds", 0)

    @property
    def remaining(self):
        """Places a resident can still book online."""
        return max(self.online_capacity - self.num_taken, 0)

    @property
    def is_full(self):
        """Full for online booking; the counter may still have held-back places."""
        return self.num_taken >= self.online_capacity

    @property
    def held_back_remaining(self):
        """Places only the counter can still give: free at the counter but not online."""
        return self.remaining_at_counter - self.remaining

    @property
    def remaining_at_counter(self):
        return max(self.capacity - self.num_taken, 0)

    @property
    def is_past(self):
        return self.starts_at <= timezone.now()

    # A service page shows a day's times as buttons: plain strftime, not a template filter per time.
    @property
    def local_start_iso(self):
        """The start in ISO 8601 in the current time zone, for a <time datetime>."""
        return timezone.localtime(self.starts_at).isoformat()

    @property
    def local_time_range(self):
        """ "09:00–09:30" in the current time zone."""
        return f"{timezone.localtime(self.starts_at):%H:%M}–{timezone.localtime(self.ends_at):%H:%M}"


ALL_WEEKDAYS = 0b1111111  # bit 0 = Monday … bit 6 = Sunday (date.weekday() order)
WEEKDAY_CHOICES = sorted(WEEKDAYS.items())


def parse_local_time(value):
    """ "HH:MM" → time, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


class ScheduleRule(models.Model):
    """A weekly plan of one offering: on these weekdays, these hours, slots of this length.

    Slots are materialised from active rules by ``providers.scheduling``; a rule
    never touches a slot somebody has booked.
    """

    offering = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="schedule_rules", verbose_name=_("offering")
    )
    weekdays = models.PositiveSmallIntegerField(
        _("days of the week"),
        default=0b0011111,
        validators=[
            MinValueValidator(1, _("Choose at least one day of the week.")),
            MaxValueValidator(ALL_WEEKDAYS, _("Choose days of the week only.")),
        ],
        help_text=_("Bitmask: Monday = 1, Tuesday = 2, Wednesday = 4 … Sunday = 64."),
    )
    opens_at = models.TimeField(_("opening time"))
    closes_at = models.TimeField(_("closing time"))
    breaks = models.JSONField(
        _("breaks"),
        default=list,
        blank=True,
        help_text=_('Local times, e.g. [["12:00", "13:30"]]: no slot overlaps a break.'),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        validators=[MinValueValidator(1, _("A slot must last at least one minute."))],
    )
    capacity = models.PositiveIntegerField(
        _("places per slot"), default=1, validators=[MinValueValidator(1, _("A slot needs at least one place."))]
    )
    counter_capacity = models.PositiveIntegerField(
        _("places held for walk-ins"), default=0, help_text=_("Part of the capacity kept for the counter.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Last day; empty: open-ended."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["offering", "valid_from", "opens_at", "pk"]
        verbose_name = _("schedule rule")
        verbose_name_plural = _("schedule rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekdays__gte=1, weekdays__lte=ALL_WEEKDAYS), name="schedule_rule_weekdays_valid"
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="schedule_rule_closes_after_opens"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=1), name="schedule_rule_slot_length_positive"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="schedule_rule_capacity_positive"),
            models.CheckConstraint(
                condition=Q(counter_capacity__lte=F("capacity")), name="schedule_rule_counter_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="schedule_rule_valid_to_after_from",
            ),
        ]

    def __str__(self):
        days = "、".join(str(name) for day, name in WEEKDAY_CHOICES if self.works_on(day))
        return f"{self.offering} {days} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def works_on(self, weekday):
        return bool(self.weekdays & (1 << weekday))

    def plans_on(self, day, weekday):
        """Whether the rule makes slots on ``day``, which works as ``weekday`` (see ``scheduling.working_weekday``)."""
        return self.works_on(weekday) and self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @staticmethod
    def weekday_mask(days):
        mask = 0
        for day in days:
            mask |= 1 << int(day)
        return mask

    def break_times(self):
        """The breaks as sorted (start, end) times; assumes a clean rule."""
        return sorted((parse_local_time(start), parse_local_time(end)) for start, end in self.breaks or [])

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The closing time must be after the opening time.")
        if self.capacity is not None and self.counter_capacity is not None and self.counter_capacity > self.capacity:
            errors["counter_capacity"] = _("Places held for walk-ins cannot exceed the places per slot.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The last valid day cannot be before the first.")
        breaks_error = self.breaks_error("closes_at" not in errors)
        if breaks_error:
            errors["breaks"] = breaks_error
        if errors:
            raise ValidationError(errors)

    def breaks_error(self, hours_valid=True):
        breaks = self.breaks or []
        pairs = []
        if not isinstance(breaks, list):
            return _('Breaks must be a list of [start, end] pairs such as [["12:00", "13:30"]].')
        for item in breaks:
            start = end = None
            if isinstance(item, list | tuple) and len(item) == 2:
                start, end = parse_local_time(item[0]), parse_local_time(item[1])
            if start is None or end is None or end <= start:
                return _("Each break needs a start and an end time (HH:MM), the end after the start.")
            pairs.append((start, end))
        if not hours_valid or not (self.opens_at and self.closes_at):
            return None
        pairs.sort()
        for start, end in pairs:
            if start <= self.opens_at or end >= self.closes_at:
                return _("The break %(start)s–%(end)s must lie inside the opening hours.") % {
                    "start": f"{start:%H:%M}",
                    "end": f"{end:%H:%M}",
                }
        for (start, end), (next_start, next_end) in zip(pairs, pairs[1:], strict=False):
            if next_start < end:
                return _("The breaks %(first)s and %(second)s overlap.") % {
                    "first": f"{start:%H:%M}–{end:%H:%M}",
                    "second": f"{next_start:%H:%M}–{next_end:%H:%M}",
                }
        return None


class CalendarDay(models.Model):
    """A day the official calendar makes different: a public holiday or a make-up workday (调休).

    Data, not code: the State Council publishes each year's days in November
    and an administrator enters them in the admin.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (closed)")
        MAKEUP_WORKDAY = "makeup_workday", _("Make-up workday")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    works_as_weekday = models.PositiveSmallIntegerField(
        _("works as"),
        choices=WEEKDAY_CHOICES,
        null=True,
        blank=True,
        help_text=_("On a make-up workday, the weekly plans of this weekday apply."),
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 春节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("official calendar day")
        verbose_name_plural = _("official calendar days")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="holiday", works_as_weekday__isnull=True)
                | Q(kind="makeup_workday", works_as_weekday__gte=0, works_as_weekday__lte=6),
                name="calendar_day_makeup_has_weekday",
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self):
        if self.kind == self.Kind.MAKEUP_WORKDAY and self.works_as_weekday is None:
            raise ValidationError({"works_as_weekday": _("Say which weekday's plans a make-up workday follows.")})
        if self.kind == self.Kind.HOLIDAY and self.works_as_weekday is not None:
            raise ValidationError({"works_as_weekday": _("A holiday is closed; it works as no weekday.")})


class Closure(models.Model):
    """A provider closed for a day or a period (holiday, staff absence), whole or one offering.

    Closing cancels the bookings inside with the reason and tells the residents
    (``providers.closures``); the generator makes no slots on closed days.
    """

    partner = models.ForeignKey(
        "partner.Partner", on_delete=models.CASCADE, related_name="closures", verbose_name=_("provider")
    )
    offering = models.ForeignKey(
        "partner.StockRecord",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("service"),
        help_text=_("Empty: every service of the provider is closed."),
    )
    starts_on = models.DateField(_("first closed day"))
    ends_on = models.DateField(_("last closed day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="closure_ends_after_start")
        ]

    def __str__(self):
        return f"{self.partner} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d} {self.reason}"


from oscar.apps.partner.models import *  # noqa: E402, F403

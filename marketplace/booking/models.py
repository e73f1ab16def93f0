from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The statuses that hold a place on a slot. Spelled out as strings because the
# unique constraints below (and so their migrations) name them.
ACTIVE_STATUSES = ["pending_payment", "booked", "confirmed", "checked_in"]


class Booking(models.Model):
    """One booked place on a slot: the resident's side of an order line.

    The booking domain's own model. Its table is still ``order_booking``: it was
    born in Oscar's order fork and moved here with its data (migration
    ``booking.0002``).
    """

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        BOOKED = "booked", _("Booked")
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    # The status groups, defined once for code and templates (``is_active`` and so on below).
    # Statuses that hold a place on the slot.
    ACTIVE = tuple(ACTIVE_STATUSES)
    # Statuses a booking can still be cancelled from (by the resident within the deadline, by the provider).
    CANCELLABLE = (Status.PENDING_PAYMENT, Status.BOOKED, Status.CONFIRMED)
    # The resident is expected: a visit can be recorded (check-in on the day, no-show once the slot ended).
    EXPECTED = (Status.BOOKED, Status.CONFIRMED)
    # Worth a reminder the day before: expected, not a hold still awaiting payment.
    REMINDABLE = EXPECTED

    class Channel(models.TextChoices):
        ONLINE = "online", _("Booked online")
        COUNTER = "counter", _("Booked at the counter")
        HOTLINE = "hotline", _("Booked by the hotline")
        GRID = "grid", _("Booked by a grid worker")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        ONLINE = "online", _("Online")

    class RoomStatus(models.TextChoices):
        # An onsite booking has no room; an online one has its room asked for once it is placed.
        NONE = "", _("No video room")
        PENDING = "pending", _("Video room being prepared")
        READY = "ready", _("Video room ready")
        FAILED = "failed", _("Video room could not be prepared")

    class CancelledBy(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        PROVIDER = "provider", _("Provider")

    code = models.CharField(_("booking code"), max_length=16, unique=True)
    # Bookings and their orders are kept for accounting and the statistics, never deleted by cascade:
    # a resident who leaves is anonymised instead (``marketplace.users.services.delete_account``).
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="bookings")
    line = models.OneToOneField("order.Line", on_delete=models.PROTECT, related_name="booking")
    slot = models.ForeignKey("partner.Slot", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resident")
    )
    dependant = models.ForeignKey(
        "users.Dependant",
        # Kept while their bookings are (a removed dependant is only hidden, a departed one anonymised).
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("for dependant"),
        help_text=_("The person served, when the resident booked for a dependant rather than for themselves."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    channel = models.CharField(_("booked"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counter_bookings",
        verbose_name=_("booked by (staff)"),
    )
    hold_expires_at = models.DateTimeField(
        _("place held until"),
        null=True,
        blank=True,
        help_text=_("A booking awaiting payment holds its place until then; afterwards the place is free again."),
    )
    consent_at = models.DateTimeField(
        _("consent recorded at"),
        null=True,
        blank=True,
        help_text=_("When the resident, present at the counter, agreed that staff book for them."),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    # An online booking's video room at the video-room provider (marketplace.video).
    room_status = models.CharField(_("video room"), max_length=10, choices=RoomStatus.choices, blank=True)
    room_id = models.CharField(_("video room id"), max_length=100, blank=True)
    room_url = models.CharField(_("video room address"), max_length=500, blank=True)
    # Who entered the room through the join link: for an online booking, the resident joining is the check-in.
    resident_joined_at = models.DateTimeField(_("resident joined at"), null=True, blank=True)
    staff_joined_at = models.DateTimeField(_("staff joined at"), null=True, blank=True)
    # A service for members of a group (低保, 特困…): the group the person declared, and what the clerk checks.
    declared_group = models.CharField(_("group declared"), max_length=30, blank=True)
    evidence = models.CharField(
        _("evidence to check"),
        max_length=50,
        blank=True,
        help_text=_("The proof of the declared group the clerk checks on arrival, e.g. 低保证."),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    class Meta:
        db_table = "order_booking"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # One active place on a slot per person served, whatever door the booking came in by:
            # the resident for themselves, and each of their dependants. NULLs are distinct in a
            # unique constraint, hence two of them.
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(status__in=ACTIVE_STATUSES, dependant__isnull=True),
                name="booking_one_active_per_resident_and_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "dependant"],
                condition=Q(status__in=ACTIVE_STATUSES, dependant__isnull=False),
                name="booking_one_active_per_dependant_and_slot",
            ),
        ]

    @property
    def person_served(self):
        """Who comes to the slot: the dependant booked for, or the resident."""
        if self.dependant_id:
            return self.dependant.name or self.user.get_full_name()
        return self.user.get_full_name()

    def __str__(self):
        return self.code

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def is_cancellable(self):
        return self.status in self.CANCELLABLE

    @property
    def is_online(self):
        return self.mode == self.Mode.ONLINE

    @property
    def is_expected(self):
        return self.status in self.EXPECTED


class WaitlistEntry(models.Model):
    """A resident waiting for a place on a full slot, first come, first served.

    An offered entry holds one of the slot's places (counted in ``num_booked``)
    until the resident accepts, declines, or the offer lapses.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Place offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", pgettext_lazy("waiting-list offer", "Declined")
        LAPSED = "lapsed", _("Offer lapsed")
        LEFT = "left", _("Left the waiting list")
        # Ended without a place for the resident: the time came, or the provider closed it.
        ENDED = "ended", _("Ended: the time came without a free place")
        CLOSED = "closed", _("Ended: the provider closed the time")

    # Statuses still in the queue; an offered one also holds a place.
    IN_LINE = (Status.WAITING, Status.OFFERED)
    ENDED_WITHOUT_PLACE = (Status.ENDED, Status.CLOSED)

    slot = models.ForeignKey(
        "partner.Slot", on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("slot")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("resident"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    offered_at = models.DateTimeField(_("place offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    booking = models.OneToOneField(
        "booking.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("booking made from the offer"),
    )

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_entry_per_resident_and_slot",
            )
        ]
        indexes = [models.Index(fields=["slot", "status", "joined_at"], name="waitlist_queue_idx")]

    def __str__(self):
        return f"{self.slot} · {self.user_id} · {self.status}"

    @property
    def is_offered(self):
        return self.status == self.Status.OFFERED

"""The record of who did what: changes of state (``Action``) and reading of personal data (``Access``).

Rows are only ever added. Bookings are named by their code, not a foreign key:
the record outlives any reshaping of the booking tables, and a code is what
residents, staff and administrators quote.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The record of who did what is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The record of who did what is never deleted.")


class ActorKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class Door(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    COUNTER = "counter", _("Counter")
    CONSOLE = "console", _("Provider console")
    HOTLINE = "hotline", _("Hotline")
    GRID = "grid", _("Grid worker")
    JOB = "job", _("Scheduled job")
    GATEWAY = "gateway", _("Payment gateway")


class Action(AppendOnly):
    class Code(models.TextChoices):
        PLACED = "placed", _("Booked")
        PAID = "paid", _("Paid")
        RESCHEDULED = "rescheduled", _("Moved to another time")
        CANCELLED = "cancelled", pgettext_lazy("action", "Cancelled")
        CHECKED_IN = "checked_in", pgettext_lazy("action", "Checked in")
        NO_SHOW = "no_show", _("Marked as a no-show")
        REFUNDED = "refunded", _("Refunded")
        CLOSURE_CREATED = "closure_created", _("Closure created")
        CLOSURE_LIFTED = "closure_lifted", _("Closure lifted")
        PLAN_SAVED = "plan_saved", _("Weekly plan saved")
        PLAN_DELETED = "plan_deleted", _("Weekly plan deleted")
        SLOT_CHANGED = "slot_changed", _("Time slot changed")
        RATING_HIDDEN = "rating_hidden", _("Rating hidden")
        RATING_RESTORED = "rating_restored", _("Rating shown again")
        CASE_ANSWERED = "case_answered", _("Follow-up answered")
        CASE_CLOSED = "case_closed", _("Follow-up closed")
        RATED = "rated", _("Visit rated")
        CASE_OPENED = "case_opened", _("Follow-up opened")
        RATING_REPLIED = "rating_replied", _("Provider replied to the rating")
        WAITLIST_JOINED = "waitlist_joined", _("Joined the waiting list")
        WAITLIST_LEFT = "waitlist_left", _("Left the waiting list")
        WAITLIST_OFFERED = "waitlist_offered", _("Place offered from the waiting list")
        WAITLIST_ACCEPTED = "waitlist_accepted", _("Place from the waiting list accepted")
        WAITLIST_DECLINED = "waitlist_declined", _("Place from the waiting list declined")
        WAITLIST_LAPSED = "waitlist_lapsed", _("Offer from the waiting list lapsed")
        WAITLIST_ENDED = "waitlist_ended", _("Waiting list ended without a place")
        COUNTER_REGISTERED = "counter_registered", _("Registered at the counter")
        DEPENDANT_ADDED = "dependant_added", _("Dependant added")
        DEPENDANT_REMOVED = "dependant_removed", _("Dependant removed")
        DEPENDANT_CHANGED = "dependant_changed", _("Dependant's details changed")
        DATA_VIEWED = "data_viewed", _("Looked at their own data")
        DATA_EXPORTED = "data_exported", _("Downloaded their own data")
        ACCOUNT_DELETED = "account_deleted", _("Deleted their account")
        TOKENS_PURGED = "tokens_purged", _("Expired app sign-ins removed")
        MATTER_SUBMITTED = "matter_submitted", _("Matter submitted")
        MATTER_STEP = "matter_step", _("Step taken on a matter")
        MATERIAL_ADDED = "material_added", _("Material added to a matter")
        MATTER_PURGED = "matter_purged", _("Matter's personal content removed after the retention period")
        MATTER_ESCALATED = "matter_escalated", _("Matter escalated to a supervisor")
        MATTER_SUPERVISED = "matter_supervised", _("Supervisor's step on an escalated matter")
        ROOM_READY = "room_ready", _("Video room prepared")
        ROOM_FAILED = "room_failed", _("Video room could not be prepared")
        JOINED = "joined", _("Joined the online consultation")
        PROFILE_CHANGED = "profile_changed", _("Changed their profile")
        SMS_REGISTERED = "sms_registered", _("Registered by signing in with an SMS code")
        ACCOUNT_CLAIMED = "account_claimed", _("Signed in for the first time to the account made at a counter")
        # The 12348 hotline (marketplace.hotline).
        CALL_TAKEN = "call_taken", _("Call to the 12348 hotline recorded")
        CALL_BACK_SCHEDULED = "call_back_scheduled", _("Call-back scheduled")
        CALL_BACK_DONE = "call_back_done", _("Call-back made")
        CALL_BACK_MOVED = "call_back_moved", _("Call-back moved to another time")
        RULES_OVERRIDDEN = "rules_overridden", _("Booked despite the service's rules")
        # Grids and grid workers (marketplace.grid).
        GRID_CONSENT_GIVEN = "grid_consent", _("Agreed that their grid worker sees them and books for them")
        GRID_CONSENT_WITHDRAWN = "grid_withdrawn", _("Withdrew their consent to their grid worker")
        DEMAND_RECORDED = "demand_recorded", _("Demand recorded at the door by a grid worker")
        # A lecture request's session (法律九进): its slot, outside the weekly plans.
        SESSION_SCHEDULED = "session_scheduled", _("Session made for an organisation's request")
        INDEX_PUBLISHED = "index_published", _("Street index period published")
        FORMULA_CHANGED = "formula_changed", _("Street index weights and minimums changed")

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    actor_kind = models.CharField(_("done by (kind)"), max_length=10, choices=ActorKind.choices)
    # The organisation the actor acted for: named to residents instead of the staff member.
    organisation = models.ForeignKey(
        "partner.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting for"),
    )
    door = models.CharField(_("door"), max_length=10, choices=Door.choices)
    action = models.CharField(_("action"), max_length=20, choices=Code.choices)
    booking_code = models.CharField(_("booking code"), max_length=16, blank=True, db_index=True)
    matter_reference = models.CharField(_("matter reference"), max_length=20, blank=True, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident concerned"),
    )
    provider = models.ForeignKey(
        "partner.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    detail = models.JSONField(_("what changed"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["person", "at"], name="audit_action_person_idx"),
            models.Index(fields=["provider", "at"], name="audit_action_provider_idx"),
            models.Index(fields=["at"], name="audit_action_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.booking_code}".strip()


class Access(AppendOnly):
    class What(models.TextChoices):
        DAY_LIST = "day_list", _("Day's booking list")
        DAY_CSV = "day_csv", _("Day's booking list (CSV export)")
        DAY_PRINT = "day_print", _("Day's booking list (printed)")
        WEEK_LIST = "week_list", _("Week's booking list")
        COUNTER_SEARCH = "counter_search", _("Search by phone at the counter")
        BOOKING = "booking", _("A booking's history")
        COUNTER_BOOKING = "counter_booking", _("Booking for you at the counter")
        COUNTER_BOOKED = "counter_booked", _("Booking made at the counter (confirmation)")
        COUNTER_SLIP = "counter_slip", _("Booking slip (printed)")
        CLOSURE_PREVIEW = "closure_preview", _("Bookings a closure would cancel")
        # The district administrator's operations view (marketplace.operations).
        OPS_DAY = "ops_day", _("The district's list of a day's bookings")
        OPS_LOOKUP = "ops_lookup", _("A lookup by booking code or phone number")
        OPS_BOOKING = "ops_booking", _("A booking and its history")
        OPS_CSV = "ops_csv", _("The district's booking list (CSV export)")
        # Matters (marketplace.matters): seen by the handling organisation, the district, or the other party.
        MATTER = "matter", _("A matter of yours")
        MATTER_MATERIAL = "matter_material", _("A material of your matter (downloaded)")
        MATTER_DISTRICT = "matter_district", _("A matter of yours, read by the district's supervisors")
        MATTER_OTHER_PARTY = "matter_other_party", _("Your mediation request, read by the other party")
        # Identity data (marketplace.users.identity).
        ID_NUMBER = "id_number", _("Your ID card number, shown in full")
        ID_LOOKUP = "id_lookup", _("A search by ID card number")
        # The 12348 hotline's operators (marketplace.hotline).
        HOTLINE_LOOKUP = "hotline_lookup", _("A lookup by phone at the 12348 hotline")
        HOTLINE_CALL = "hotline_call", _("Your call to the 12348 hotline")
        HOTLINE_QUEUE = "hotline_queue", _("The 12348 hotline's list of calls and call-backs")
        HOTLINE_BOOKING = "hotline_booking", _("Booking for you by the 12348 hotline")
        # Grid workers (marketplace.grid).
        GRID_RESIDENTS = "grid_residents", _("The list of your grid's residents, read by your grid worker")
        GRID_BOOKING = "grid_booking", _("Booking for you by your grid worker")
        GRID_DEMAND = "grid_demand", _("A demand about you, read by your grid worker")

    # What the district's administrators saw, not a provider's staff.
    BY_DISTRICT = (What.OPS_DAY, What.OPS_LOOKUP, What.OPS_BOOKING, What.OPS_CSV, What.MATTER_DISTRICT)

    at = models.DateTimeField(_("at"), default=timezone.now)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("seen by"),
    )
    organisation = models.ForeignKey(
        "partner.Partner", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    what = models.CharField(_("what was seen"), max_length=20, choices=What.choices)
    booking_code = models.CharField(_("booking code"), max_length=16, blank=True)
    matter_reference = models.CharField(_("matter reference"), max_length=20, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        indexes = [
            models.Index(fields=["person", "-at"], name="audit_access_person_idx"),
            models.Index(fields=["organisation", "at"], name="audit_access_org_idx"),
            models.Index(fields=["at"], name="audit_access_at_idx"),
        ]

    # What the 12348 hotline's operators saw.
    BY_HOTLINE = (What.HOTLINE_LOOKUP, What.HOTLINE_CALL, What.HOTLINE_QUEUE, What.HOTLINE_BOOKING)
    # What grid workers saw.
    BY_GRID = (What.GRID_RESIDENTS, What.GRID_BOOKING, What.GRID_DEMAND)

    @property
    def by_district(self):
        return self.what in self.BY_DISTRICT

    @property
    def by_hotline(self):
        return self.what in self.BY_HOTLINE

    @property
    def by_grid(self):
        return self.what in self.BY_GRID

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"

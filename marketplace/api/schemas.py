"""What goes in and out of the API (API.md is the contract; these are its shapes).

Inputs are strict enough that nothing malformed reaches a service module:
ids are positive integers, texts are bounded and free of characters a
database cannot store, so bad input is a 400, never a 500.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, Strict, model_serializer
from pydantic_core import PydanticCustomError

from marketplace.ids import MAX_ID  # the one rule for ids


def _storable(value):
    # PostgreSQL refuses NUL in text and any database refuses lone surrogates,
    # which JSON's "\ud800" escapes can smuggle in.
    if "\x00" in value:
        raise PydanticCustomError("value_error", "contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PydanticCustomError("value_error", "contains characters that are not valid Unicode") from error
    return value


def _blank_is_none(value):
    # ``?mode=`` from a form means "any", like leaving the parameter out.
    return None if value == "" else value


def Text(max_length):  # noqa: N802 (reads like a type)
    return Annotated[str, Field(max_length=max_length), AfterValidator(_storable)]


# A JSON integer, not "5", 5.0 or true: a slot id of another shape is a mistake.
BodyId = Annotated[int, Strict(), Field(gt=0, le=MAX_ID)]
PathId = Annotated[int, Field(gt=0, le=MAX_ID)]
BookingCode = Annotated[str, Field(min_length=1, max_length=16), AfterValidator(_storable)]


class Error(Schema):
    detail: str = Field(description="What went wrong, for people, in the request's language.")
    code: str = Field(description="What went wrong, for programs: a stable machine code.")


class BookingRefused(Error):
    rule: Literal["age", "residence", "per_year", "group"] | None = Field(
        None,
        description="With code `not_eligible`: the rule of the service that refuses the person served.",
    )


# Authentication


class RegisterIn(Schema):
    email: Text(254)
    password: Text(1024)
    name: Text(100)
    phone: Text(11)


class UserOut(Schema):
    id: int
    email: str
    name: str


class TokenIn(Schema):
    email: Text(254)
    password: Text(1024)


class TokenOut(Schema):
    token: str = Field(description="Send it as “Authorization: Bearer <token>”. Shown once; stored hashed.")


# Catalog


class CategoryOut(Schema):
    slug: str
    name: str
    children: list["CategoryOut"]


class CategoryRef(Schema):
    slug: str
    name: str


class Place(Schema):
    slug: str
    name: str


class ServiceFilters(Schema):
    q: Text(100) = ""
    category: Text(100) = ""
    street: Text(100) = ""
    community: Text(100) = ""
    free: Annotated[bool | None, BeforeValidator(_blank_is_none)] = None
    mode: Annotated[Literal["onsite", "online"] | None, BeforeValidator(_blank_is_none)] = None
    available_within_days: Annotated[Annotated[int, Field(ge=0, le=366)] | None, BeforeValidator(_blank_is_none)] = None
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class SuggestFilters(Schema):
    q: Annotated[Text(50), Field(min_length=1), BeforeValidator(_stripped)]


class Suggestion(Schema):
    id: int
    name: str
    url: str


class SuggestionList(Schema):
    results: list[Suggestion]


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    summary: str
    category: CategoryRef | None
    is_free: bool
    min_price: str | None = Field(description="The lowest offering's price in yuan; null if nobody offers it yet.")
    currency: str
    mode: str
    next_slot_at: datetime | None
    url: str


class Facet(Schema):
    value: str
    label: str
    count: int
    selected: bool


class Facets(Schema):
    category: list[Facet]
    street: list[Facet]
    free: list[Facet]
    mode: list[Facet]


class ServiceList(Schema):
    count: int
    page: int
    results: list[ServiceOut]
    facets: Facets


class ProviderOut(Schema):
    id: int
    name: str
    street: Place | None
    community: Place | None
    address: str


class OfferingOut(Schema):
    id: int
    provider: ProviderOut
    price: str | None
    currency: str


class BookingRules(Schema):
    book_ahead_days: int
    min_notice_minutes: int = Field(
        0, description="Online, a slot can be booked up to this many minutes before it starts."
    )
    cancel_until_hours: int
    max_active_per_resident: int = Field(description="Per person served (the resident, each dependant); 0: no limit.")
    one_per_day: bool = Field(False, description="A person may hold only one booking of this service a day.")


class ServiceDetail(ServiceOut):
    description: str
    offerings: list[OfferingOut]
    booking_rules: BookingRules


class SlotFilters(Schema):
    date_from: Annotated[date | None, BeforeValidator(_blank_is_none)] = Field(None, alias="from")
    date_to: Annotated[date | None, BeforeValidator(_blank_is_none)] = Field(None, alias="to")
    provider: Annotated[PathId | None, BeforeValidator(_blank_is_none)] = None


class ProviderRef(Schema):
    id: int
    name: str


class SlotOut(Schema):
    id: int
    offering: int
    provider: ProviderRef
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int


class SlotList(Schema):
    results: list[SlotOut]


# Bookings


class BookingIn(Schema):
    slot: BodyId
    dependant: BodyId | None = Field(
        None, description="The id of one of the caller's dependants the place is for; null or left out: the caller."
    )
    note: Annotated[Text(200) | None, Field(description="For the provider, up to 200 characters.")] = None
    pay_on_site: Annotated[
        bool,
        Strict(),
        Field(description="Pay a paid service at the provider instead of online, where the offering allows it."),
    ] = False
    mode: Literal["onsite", "online"] | None = Field(
        None,
        description=(
            "For a service of mode “both”: on site or online (by video). Left out or null: the service's own "
            "mode (on site for “both”); a mode the service is not offered in is refused (400 invalid)."
        ),
    )
    group: Annotated[
        Text(30) | None,
        Field(
            description="For a service for members of a group (e.g. recipients of the minimum living allowance): the "
            "group the person served declares, as the service names it; "
            "the evidence is checked on arrival."
        ),
    ] = None


class ServiceRef(Schema):
    id: int
    name: str


class BookingProvider(Schema):
    id: int
    name: str
    address: str


class BookingSlot(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime


class Payment(Schema):
    required: bool
    status: Literal["not_required", "on_site", "pending", "paid", "refund_pending", "refunded", "unpaid"] = Field(
        description=(
            "“not_required” for a free booking; “on_site” means pay at the provider; “pending”: awaiting online "
            "payment, the place held until “held_until”; “paid”; “refund_pending” while the gateway has not yet "
            "paid a refund back; “refunded”; “unpaid”: cancelled before it was paid."
        )
    )
    pay_url: str | None = Field(None, description="Where to pay, once a payment has been started (see /pay).")
    held_until: datetime | None = Field(None, description="A booking awaiting payment holds its place until then.")

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, handler):
        # API.md: ``pay_url?`` is there only when there is somewhere to pay.
        return {key: value for key, value in handler(self).items() if value is not None}


class PayOut(Schema):
    pay_url: str


class DependantRef(Schema):
    id: int
    name: str
    relation: str


class BookingOut(Schema):
    code: str
    status: Literal["pending_payment", "booked", "confirmed", "checked_in", "no_show", "cancelled"]
    dependant: DependantRef | None = Field(description="Who the place is for, when not the resident themselves.")
    service: ServiceRef
    provider: BookingProvider
    slot: BookingSlot
    price: str
    currency: str
    payment: Payment
    created_at: datetime
    mode: Literal["onsite", "online"] = Field(description="On site at the provider, or online by video.")
    join_url: str | None = Field(
        description=(
            "An online booking's join link (absolute): it opens the video room from a few minutes before the "
            "slot until it ends; null for an onsite booking."
        )
    )


class BookingList(Schema):
    results: list[BookingOut]


# The record of who did what


class ActedBy(Schema):
    kind: Literal["resident", "staff", "system"]
    name: str | None = Field(None, description="For staff, their organisation's name (never the person's).")

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class HistoryEntry(Schema):
    at: datetime
    action: str = Field(
        description="placed, paid, rescheduled, cancelled, checked_in, no_show, refunded, waitlist_accepted, "
        "rated, case_opened, rating_replied, case_answered, case_closed, rating_hidden, rating_restored, joined, …"
    )
    by: ActedBy
    door: Literal["web", "api", "counter", "console", "hotline", "grid", "job", "gateway"]
    detail: dict | None = Field(None, description="What changed, e.g. the old and new times of a move.")

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class History(Schema):
    results: list[HistoryEntry]


class AccessEntry(Schema):
    at: datetime
    organisation: ProviderRef
    what: str = Field(
        description="day_list, day_csv, day_print, counter_search, counter_booking, counter_booked, counter_slip, "
        "closure_preview, booking, matter, matter_material, …"
    )


class AccessLog(Schema):
    results: list[AccessEntry]


# Formatting shared by the routers


def money(amount):
    """Yuan as a decimal string: ``"30.00"``."""
    return f"{amount:.2f}"


def local(moment):
    """An aware time in the site's zone, so it is written with ``+08:00``."""
    return timezone.localtime(moment) if moment is not None else None

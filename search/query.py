"""What a search asks and what it answers, the same whichever backend runs it."""

from dataclasses import dataclass, field

SORTS = ("relevance", "soonest", "newest")
# Facets the answer counts; "community" only once a street is chosen (103 boxes help nobody).
FACETS = ("category", "street", "community", "free", "mode")
MODES = ("onsite", "online")
# The product modes each choice finds: a service offered both ways is found by either.
MODE_COVERS = {"onsite": ("onsite", "both"), "online": ("online", "both")}
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class ServiceQuery:
    """A search for services. Values within one filter are alternatives (OR); filters combine with AND.

    categories: category slugs, each with its sub-categories. streets, communities: slugs.
    providers: partner ids. free: True for services with a free offering, False for the others.
    modes: "onsite" and/or "online" (a service offered both ways matches either).
    available_within_days: only services with a place bookable online within that many days.
    """

    q: str = ""
    categories: tuple = ()
    streets: tuple = ()
    communities: tuple = ()
    providers: tuple = ()
    free: bool | None = None
    modes: tuple = ()
    available_within_days: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True

    @property
    def offset(self):
        return (max(self.page, 1) - 1) * self.page_size


@dataclass
class RawResult:
    """A backend's answer: product ids of the page in order, the total, and counts per facet value."""

    ids: list
    total: int
    facets: dict = field(
        default_factory=dict
    )  # {"street": {"panjiang": 12, ...}, "free": {"true": 3, "false": 9}, ...}


@dataclass
class Hit:
    product: object  # catalogue.Product with min_price and next_slot_at set
    title_html: str
    summary_html: str


@dataclass
class SearchResult:
    hits: list
    count: int
    page: int
    page_size: int
    facets: dict = field(default_factory=dict)  # {name: [{"value", "label", "count", "selected"}, ...]}
    # With no hits: queries that would find something, and services residents book most.
    corrections: list = field(default_factory=list)
    popular: list = field(default_factory=list)
    # The words searched one by one when the whole query matched nothing (search.text.relaxed): the hits,
    # if any, have some of them, not all.
    parts: list = field(default_factory=list)

    @property
    def relaxed(self):
        return bool(self.parts) and bool(self.count)

    @property
    def num_pages(self):
        return max((self.count + self.page_size - 1) // self.page_size, 1)

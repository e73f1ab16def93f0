"""The editors' site: the home page, sectors, service guides, articles and communities.

Pages hold what editors write; services, providers, slots and bookings stay
in the marketplace apps and are only read here (DESIGN.md §3). The one
write is the service a guide page describes: a ServicePage creates or links
its product and keeps the product's name, summary and sector equal to its
own (``cms.services.sync_service``), so the two can never disagree.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from catalog.models import in_language
from cms import chrome
from cms.blocks import ArticleBodyBlock, ServiceGuideBlock
from cms.forms import GuideCopyForm, ServicePageForm
from marketplace import pagecache
from marketplace.booking import rules
from marketplace.booking.eligibility import HasRules, rules_of
from marketplace.ids import parse_id
from marketplace.links import validate_safe_link
from marketplace.prepared import Param, Prepared
from providers.geo import great_circle_metres
from providers.models import Slot, open_days_by_offering
from ratings.satisfaction import Satisfaction


def requested_day(value):
    try:
        return parse_date(value or "")
    except ValueError:
        return None


@dataclass
class Position:
    """Where a resident is, to order the providers by distance: their chosen community or their location."""

    latitude: float
    longitude: float
    # The community's name, or "" for a position the browser gave (?lat=&lng=).
    community: str = ""

    @property
    def query(self):
        """The query string that keeps a browser's position on the page's own links ("" for a community)."""
        return "" if self.community else urlencode({"lat": self.latitude, "lng": self.longitude}) + "&"


def requested_position(request):
    """The position the browser sent (?lat=&lng=, in degrees), or None."""
    try:
        lat, lng = (float(request.GET.get(name, "")) for name in ("lat", "lng"))
    except ValueError:
        return None
    if -90 <= lat <= 90 and -180 <= lng <= 180:
        return Position(lat, lng)
    return None


def resident_position(request):
    """The browser's position if it sent one, else the centre of the community the resident chose, or None."""
    position = requested_position(request)
    if position is not None:
        return position
    session = getattr(request, "session", None)
    chosen = session.get(CommunityPage.SESSION_KEY) if session is not None else None
    if not chosen:
        return None
    page = CommunityPage.objects.live().filter(community_id=chosen).select_related("community").first()
    if page is None:
        return None
    community = page.community
    latitude, longitude = (
        (community.latitude, community.longitude) if community.latitude is not None else (page.latitude, page.longitude)
    )
    if latitude is None or longitude is None:
        return None
    return Position(float(latitude), float(longitude), community.name)


@dataclass
class ProviderChoice:
    """One provider of a service as the service page lists it."""

    offering: object
    distance: float | None  # metres from the resident's position, when both are known
    satisfaction: object
    days: list  # providers.models.OpenDay: the dates with open times a resident can see, in order

    @property
    def provider(self):
        return self.offering.partner

    # Worked out once: the page's template asks each several times per provider.
    @cached_property
    def open_days(self):
        return [day.day for day in self.days]

    @cached_property
    def first(self):
        """The first open time a resident can see, or None."""
        return self.days[0].first if self.days else None

    @cached_property
    def first_free(self):
        """The first time with a free place online, or None."""
        return next((day.first_free for day in self.days if day.first_free), None)

    @property
    def first_free_iso(self):
        """``first_free`` in ISO 8601 in the current time zone, for a <time datetime>."""
        return timezone.localtime(self.first_free).isoformat() if self.first_free else ""

    @property
    def metres(self):
        return None if self.distance is None else int(round(self.distance, -1))

    @property
    def kilometres(self):
        return None if self.distance is None else round(self.distance / 1000, 1)


def require_alt_text(image, field):
    """An image shown to residents needs a description a screen reader can read out."""
    if image is not None and not (image.description or "").strip():
        raise ValidationError(
            {field: _("The image “%(title)s” has no alt text: add a description to it first.") % {"title": image.title}}
        )


class SeoMixin:
    """What search engines and chat apps show for a page: description and picture."""

    @property
    def display_title(self):
        """The title residents read; pages with an English title give it on English pages (EnglishTitleMixin)."""
        return self.title

    def get_meta_description(self):
        if self.search_description:
            return self.search_description
        text = strip_tags(str(getattr(self, "summary", "") or getattr(self, "intro", "") or "")).strip()
        return Truncator(" ".join(text.split())).chars(150)

    def get_meta_image(self):
        return None


class EnglishTitleMixin:
    """A page residents may read in English: ``display_title`` is its English title on English pages."""

    @property
    def display_title(self):
        return in_language(self.title, self.title_en)


# --- Site chrome: settings and menus ------------------------------------------------


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The header and footer's words, editable in the CMS under Settings."""

    hotline = models.CharField(
        _("service hotline"),
        max_length=30,
        default="12345",
        help_text=_("Shown on every page for residents who need help"),
    )
    footer_text = models.TextField(_("footer text"), blank=True)
    address = models.CharField(_("office address"), max_length=200, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    record_number = models.CharField(
        _("ICP record number"), max_length=60, blank=True, help_text=_("The site's filing number (备案号), if any")
    )
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default sharing image"),
        help_text=_("Shown when a page without its own picture is shared"),
    )

    panels = [
        FieldPanel("hotline"),
        FieldPanel("footer_text"),
        FieldRowPanel([FieldPanel("address"), FieldPanel("email")]),
        FieldPanel("record_number"),
        FieldPanel("share_image"),
    ]

    class Meta:
        verbose_name = _("site settings")

    def clean(self):
        super().clean()
        require_alt_text(self.share_image, "share_image")


@register_snippet
class Menu(ClusterableModel):
    """A list of links editors arrange: the header's main menu, the footer's columns."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=50, unique=True, help_text=_("“main” is the header menu, “footer” the footer's links")
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), InlinePanel("items", label=_("links"))]

    class Meta:
        verbose_name = _("menu")
        verbose_name_plural = _("menus")

    def __str__(self):
        return self.name


class MenuItem(Orderable):
    menu = ParentalKey(Menu, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("label"), max_length=50, blank=True, help_text=_("Defaults to the page's title"))
    link_page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("page")
    )
    link_url = models.CharField(
        _("or address"),
        max_length=300,
        blank=True,
        help_text=_("e.g. /search/ or https://…"),
        validators=[validate_safe_link],  # http(s), this site, tel: or mailto:; never javascript:
    )

    panels = [FieldPanel("label"), PageChooserPanel("link_page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")

    def clean(self):
        super().clean()
        if bool(self.link_page_id) == bool(self.link_url):
            raise ValidationError(_("Choose a page or type an address, not both."))
        if self.link_url and not self.label:
            raise ValidationError({"label": _("A link to an address needs a label.")})

    @property
    def title(self):
        return self.label or (self.link_page.title if self.link_page_id else self.link_url)

    @property
    def url(self):
        return self.link_page.url if self.link_page_id else self.link_url


# --- Pages ----------------------------------------------------------------------------


class KeptForVisitors:
    """A page anonymous visitors may be answered from the page cache for (marketplace/pagecache.py)."""

    def page_cache_service_id(self):
        """The service whose free places the page shows, or None."""
        return None

    # Set by cms/routes.py when the kept route says no view restriction applies to this page.
    known_unrestricted = False

    def get_view_restrictions(self):
        if self.known_unrestricted:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def serve(self, request, *args, **kwargs):
        # A page behind a password would reach everyone once one visitor who knew it had been answered.
        if pagecache.may_keep(request) and not self.get_view_restrictions().exists():
            pagecache.offer(request, self.page_cache_service_id())
        return super().serve(request, *args, **kwargs)


class HomePage(KeptForVisitors, SeoMixin, Page):
    """The district's front door: search, the five sectors, featured services, notices, your station."""

    hero_title = models.CharField(_("hero title"), max_length=100, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=300, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hero image"),
    )
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")], _("Hero")),
        InlinePanel("featured_services", label=_("featured services"), max_num=6),
        FieldPanel("body"),
    ]
    subpage_types = ["cms.SectorIndexPage", "cms.ArticleIndexPage", "cms.CommunityIndexPage", "cms.StandardPage"]
    max_count = 1
    copy_form_class = GuideCopyForm

    NOTICES = 5

    class Meta:
        verbose_name = _("home page")

    def clean(self):
        super().clean()
        require_alt_text(self.hero_image, "hero_image")

    def get_meta_description(self):
        return self.search_description or self.hero_text

    def get_meta_image(self):
        return self.hero_image

    def featured(self):
        """The featured service pages that are live, in the editors' order."""
        return [
            item.service
            for item in self.featured_services.select_related("service__product")
            if item.service is not None and item.service.live
        ]

    def notices(self):
        return (
            ArticlePage.objects.live()
            .descendant_of(self)
            .filter(kind=ArticlePage.Kind.NOTICE)
            .order_by("-date", "-pk")[: self.NOTICES]
        )

    def station_for(self, request):
        """The resident's community station: the one nearest the given position, or the one they chose."""
        stations = CommunityPage.objects.live().descendant_of(self).select_related("community__street")
        position = (request.GET.get("lat"), request.GET.get("lng"))
        try:
            lat, lng = (float(value) for value in position)
        except (TypeError, ValueError):
            lat = lng = None
        if lat is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
            located = [page for page in stations.exclude(latitude=None).exclude(longitude=None)]
            if located:
                return min(located, key=lambda page: great_circle_metres(lat, lng, page.latitude, page.longitude))
        chosen = request.session.get(CommunityPage.SESSION_KEY) if hasattr(request, "session") else None
        if chosen:
            return stations.filter(community_id=chosen).first()
        return None

    def get_context(self, request, *args, **kwargs):
        from search.services import popular_services

        context = super().get_context(request, *args, **kwargs)
        featured = self.featured()
        context.update(
            sectors=SectorIndexPage.objects.child_of(self).live().select_related("category"),
            featured=featured,
            # With nothing featured, the services residents book most.
            popular=[] if featured else popular_services(),
            notices=self.notices(),
            station=self.station_for(request),
            streets=CommunityPage.by_street(CommunityPage.objects.live().descendant_of(self)),
            # The hero's search box is the page's one: the header leaves its own out.
            has_own_search=True,
        )
        return context


class FeaturedService(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_services")
    service = models.ForeignKey(
        "cms.ServicePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("service guide")
    )

    panels = [PageChooserPanel("service", "cms.ServicePage")]


class SectorIndexPage(KeptForVisitors, EnglishTitleMixin, SeoMixin, Page):
    """One of the five sectors (教育, 医疗健康, 法律服务, 社会保障, 文化) and its services."""

    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.PROTECT, related_name="sector_pages", verbose_name=_("category")
    )
    intro = RichTextField(_("introduction"), blank=True)
    title_en = models.CharField(
        _("English title"), max_length=255, blank=True, help_text=_("The sector's name on English pages")
    )
    intro_en = RichTextField(_("English introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("category"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("title_en"), FieldPanel("intro_en")], _("English")),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ServicePage"]
    copy_form_class = GuideCopyForm

    class Meta:
        verbose_name = _("sector page")

    def clean(self):
        super().clean()
        if self.category_id and not self.category.is_root():
            raise ValidationError({"category": _("A sector page shows a top-level category (a sector).")})

    def save(self, *args, **kwargs):
        # One sector, one English name: the search filters and the API name the sector by its category.
        # Only when the row itself changes (publishing), not when a draft revision is saved.
        update_fields = kwargs.get("update_fields")
        publishing = update_fields is None or "title_en" in update_fields
        if publishing and self.category_id and self.title_en and self.category.name_en != self.title_en:
            self.category.name_en = self.title_en
            self.category.save(update_fields=["name_en"])
        return super().save(*args, **kwargs)

    @property
    def display_intro(self):
        return in_language(self.intro, self.intro_en)

    def get_context(self, request, *args, **kwargs):
        # The sector's services come from the site search, narrowed to the sector,
        # with the search page's filters and counts.
        from search.results import search_context

        context = super().get_context(request, *args, **kwargs)
        context.update(search_context(request, sector=self.category))
        return context


def _visible_slots():
    """A service's open slots a resident can book online, full ones too (they offer the waiting
    list), with the values of ``ServicePage.booking_window`` as parameters."""
    moment = models.DateTimeField()
    return Slot.objects.open_future(Param("now", moment)).in_window(
        Param("service", models.BigIntegerField()), Param("earliest", moment), Param("horizon", moment)
    )


# What every visit to a service page reads of its times, compiled once (marketplace/prepared.py):
# the days of each provider, then one provider's times on one day.
OPEN_DAYS = Prepared(lambda: _visible_slots().open_day_rows())
DAY_SLOTS = Prepared(
    lambda: (
        _visible_slots()
        .filter(
            offering_id=Param("offering", models.BigIntegerField()),
            starts_at__gte=Param("start", models.DateTimeField()),
            starts_at__lt=Param("end", models.DateTimeField()),
        )
        .order_by("starts_at", "pk")
    )
)


def _ratings_by_offering():
    from ratings.satisfaction import distribution_rows
    from ratings.services import visible_ratings

    service = Param("service", models.BigIntegerField())
    return distribution_rows(
        visible_ratings().filter(booking__slot__offering__product_id=service), "booking__slot__offering"
    )


# And how residents rated each provider of the service.
SATISFACTION = Prepared(_ratings_by_offering)


def _offerings():
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    service = Param("service", models.BigIntegerField())
    return StockRecord.objects.filter(product_id=service).select_related("partner").order_by("partner__name", "pk")


# Who offers the service, with each provider.
OFFERINGS = Prepared(_offerings)


class ServicePage(KeptForVisitors, EnglishTitleMixin, SeoMixin, Page):
    """The service guide (办事指南) and the place to book it.

    The page is the service's one public face: its title, summary and sector
    are the product's, copied over whenever the page row is saved (on
    creation and on publishing).
    """

    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_pages",
        verbose_name=_("service"),
        help_text=_("Leave empty to create a new service with this page's title."),
    )
    category = models.ForeignKey(
        "catalogue.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-category"),
        help_text=_("A sub-category of this page's sector; empty for the sector itself."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    title_en = models.CharField(
        _("English title"), max_length=255, blank=True, help_text=_("The service's name on English pages")
    )
    summary_en = models.CharField(_("English summary"), max_length=300, blank=True)
    guide = StreamField(ServiceGuideBlock(), verbose_name=_("service guide"), blank=True)
    other_ways = RichTextField(
        _("other ways to get the service"),
        blank=True,
        features=["bold", "link", "ol", "ul"],
        help_text=_("Phone, walk-in hours: shown when no time can be booked online."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("product"), FieldPanel("category")]),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("title_en"), FieldPanel("summary_en")], _("English")),
        FieldPanel("guide"),
        FieldPanel("other_ways"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("title_en"),
        index.SearchField("summary_en"),
        index.SearchField("guide"),
    ]
    base_form_class = ServicePageForm
    copy_form_class = GuideCopyForm
    parent_page_types = ["cms.SectorIndexPage"]
    subpage_types = []
    # A copy is a new guide: it gets its own service rather than a second name for this one.
    exclude_fields_in_copy = ["product"]

    class Meta:
        verbose_name = _("service page")
        constraints = [models.UniqueConstraint(fields=["product"], name="one_guide_per_service")]

    # Read with the page when cms/routes.py finds it by its address: every request shows the service.
    serve_related = ("product",)

    @classmethod
    def serve_queryset(cls, pages):
        """The page as cms/routes.py reads it, marked with whether its service has eligibility rules:
        most have none, and their page need not ask for them."""
        return pages.annotate(service_has_rules=HasRules("product"))

    # The fields whose values the product mirrors.
    MIRRORED = {"title", "summary", "title_en", "summary_en", "category", "product"}

    @property
    def display_summary(self):
        return in_language(self.summary, self.summary_en)

    def page_cache_service_id(self):
        return self.product_id

    def sector(self):
        """The sector (a root category) of the sector page above this one, or None."""
        parent = self.get_parent() if self.depth else None
        parent = parent.specific if parent is not None else None
        return parent.category if isinstance(parent, SectorIndexPage) else None

    def clean(self):
        super().clean()
        if self.depth:  # in the tree already; a new page is checked by its form, which knows the parent
            from cms.services import check_service_page

            check_service_page(self, self.sector())

    def save(self, *args, **kwargs):
        from cms.services import sync_service

        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.MIRRORED & set(update_fields):
            sync_service(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "product", "category", "summary", "summary_en"}
        return super().save(*args, **kwargs)

    def guide_text(self):
        """The guide as plain text, for the site search."""
        return " ".join(self.guide.stream_block.get_searchable_content(self.guide))

    def booking_window(self, now=None):
        """What the page's reads of its times (OPEN_DAYS, DAY_SLOTS) are given: the service and its
        online booking window now."""
        now = now or timezone.now()
        return {
            "now": now,
            "service": self.product_id,
            "earliest": rules.earliest_online_start(self.product, now),
            "horizon": rules.booking_horizon(self.product, now),
        }

    def slots_on(self, offering, day, window=None):
        """The offering's open slots on one local date, in order (one query), full ones too: they offer
        the waiting list. ``window``: the page's ``booking_window`` if the caller has it already."""
        start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        window = window or self.booking_window()
        return DAY_SLOTS.objects(offering=offering.pk, start=start, end=start + timedelta(days=1), **window)

    def next_opening(self, now=None):
        """When the first time beyond the bookable window opens for booking, or None."""
        now = now or timezone.now()
        first = (
            Slot.objects.open_future(now)
            .filter(offering__product_id=self.product_id, starts_at__gt=rules.booking_horizon(self.product, now))
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        return rules.opens_for_booking_at(self.product, first) if first else None

    def offerings(self):
        """The service's offerings with their providers, by provider name (one query)."""
        return OFFERINGS.objects(service=self.product_id)

    def satisfaction_by_offering(self):
        """{offering id: Satisfaction} (one query; an offering nobody rated gets an empty one).

        Only visible ratings count: what a moderator hid is neither shown nor counted.
        """
        from ratings.satisfaction import satisfaction_of_rows

        return satisfaction_of_rows(SATISFACTION.rows(service=self.product_id))

    def provider_choices(self, offerings, satisfaction, position=None, window=None):
        """The providers as a resident chooses among them (one query): nearest to ``position`` first
        when it is given, those without coordinates after them; otherwise, and among equals, the
        soonest free time first, then by name. ``window``: the page's ``booking_window``, if the
        caller has it already."""
        open_days = open_days_by_offering(OPEN_DAYS.rows(**(window or self.booking_window())))
        choices = []
        for offering in offerings:
            partner = offering.partner
            distance = None
            if position is not None and partner.latitude is not None and partner.longitude is not None:
                distance = great_circle_metres(
                    position.latitude, position.longitude, partner.latitude, partner.longitude
                )
            days = open_days.get(offering.pk, [])
            choices.append(ProviderChoice(offering, distance, satisfaction[offering.pk], days))
        never = datetime.max.replace(tzinfo=timezone.get_current_timezone())
        choices.sort(
            key=lambda choice: (
                choice.distance is None,
                choice.distance or 0,
                choice.first_free or never,
                choice.provider.name,
            )
        )
        return choices

    def providers(self):
        """Who offers the service, for the ways to reach them when nothing can be booked online."""
        from oscar.core.loading import get_model

        Partner = get_model("partner", "Partner")
        return Partner.objects.filter(stockrecords__product_id=self.product_id).distinct().order_by("name")

    RECENT_RATINGS = 5

    def offering_satisfaction(self, offerings=None, satisfaction=None):
        """[(offering with its provider, Satisfaction)] for every provider of the service (two queries)."""
        offerings = self.offerings() if offerings is None else offerings
        satisfaction = self.satisfaction_by_offering() if satisfaction is None else satisfaction
        return [(offering, satisfaction[offering.pk]) for offering in offerings]

    def recent_ratings(self):
        """The service's latest visible ratings, with the provider's reply (one query)."""
        from ratings.services import visible_ratings

        return list(
            visible_ratings()
            .filter(booking__slot__offering__product_id=self.product_id)
            .select_related("booking__user", "booking__slot__offering__partner")
            .order_by("-created_at", "-pk")[: self.RECENT_RATINGS]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(rating_window_days=settings.RATING_WINDOW_DAYS, choices=[], earliest_slot=None)
        if not self.product_id:  # a preview of a page not yet saved has no service yet, so nothing to book
            return context
        position = resident_position(request)
        offerings = self.offerings()
        satisfaction = self.satisfaction_by_offering()
        # The provider list's days and the chosen day's times are two questions about one window.
        window = self.booking_window()
        choices = self.provider_choices(offerings, satisfaction, position, window)
        bookable = any(choice.first for choice in choices)
        # Where, then when: the provider asked for (?provider=<id>), else the first in the list; its days;
        # the times of one day (?day=YYYY-MM-DD, else its soonest free one). One provider's day keeps
        # the page short however many providers and slots the service has.
        wanted = parse_id(request.GET.get("provider"))
        chosen = next((choice for choice in choices if choice.provider.pk == wanted), None) if wanted else None
        if chosen is None or not chosen.first:
            chosen = next((choice for choice in choices if choice.first), None)
        days = chosen.open_days if chosen else []
        day = requested_day(request.GET.get("day") or request.GET.get("from"))
        if day not in days:
            soonest = chosen.first_free or chosen.first if chosen else None
            day = timezone.localtime(soonest).date() if soonest else None
        everyone = Satisfaction(
            tuple(map(sum, zip(*(satisfaction[o.pk].distribution for o in offerings), strict=True)))
            if offerings
            else (0, 0, 0, 0, 0),
            settings.SATISFACTION_MIN_SAMPLE,
        )
        context.update(
            service=self.product,
            position=position,
            place_query=position.query if position else "",
            choices=choices,
            chosen=chosen if bookable else None,
            open_days=days,
            day=day,
            slots=self.slots_on(chosen.offering, day, window) if chosen and day else [],
            communities=None if position or not bookable else CommunityPage.community_choices(request),
            next_opening=None if bookable else self.next_opening(),
            providers=[] if bookable else [choice.provider for choice in choices],
            satisfaction=everyone,
            offering_satisfaction=self.offering_satisfaction(offerings, satisfaction),
            recent_ratings=self.recent_ratings() if everyone.count else [],
            eligibility_rules=rules_of(self.product) if getattr(self, "service_has_rules", True) else [],
            earliest_slot=self.earliest_slot(request.user) if getattr(request, "elderly_mode", False) else None,
        )
        return context

    def earliest_slot(self, user=None):
        """The soonest slot with a free place online, at any provider: elderly mode's one-tap booking.

        Not one the resident already holds a place on: the tap would only fail.
        """
        resident = user if user is not None and user.is_authenticated else None
        return Slot.objects.bookable_alternatives(self.product, exclude_user=resident).first()


class ArticleIndexPage(SeoMixin, Page):
    """News, notices and legal education (法治宣教), newest first, filtered by tag or kind."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]

    PER_PAGE = 10

    class Meta:
        verbose_name = _("article index page")

    def articles(self):
        return (
            ArticlePage.objects.live()
            .child_of(self)
            .select_related("feed_image")
            .prefetch_related("tags")
            .order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles()
        tag = request.GET.get("tag", "").strip()
        kind = request.GET.get("kind", "")
        if tag:
            articles = articles.filter(tags__name=tag)
        if kind in ArticlePage.Kind.values:
            articles = articles.filter(kind=kind)
        else:
            kind = ""
        paginator = Paginator(articles, self.PER_PAGE)
        try:
            page = paginator.page(parse_id(request.GET.get("page", "1")) or 1)
        except EmptyPage:
            page = paginator.page(1)
        context.update(
            articles=page,
            tag=tag,
            kind=kind,
            kinds=ArticlePage.Kind.choices,
            tags=self.all_tags(),
        )
        return context

    def all_tags(self):
        from taggit.models import Tag

        return (
            Tag.objects.filter(cms_articlepagetag_items__content_object__in=ArticlePage.objects.live().child_of(self))
            .distinct()
            .order_by("name")
        )


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(SeoMixin, Page):
    """A news item, a notice (通知公告) or a legal-education article, ending in a service to book."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        NOTICE = "notice", _("Notice")
        LEGAL_EDUCATION = "legal_education", _("Legal education")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    feed_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("picture"),
        help_text=_("Shown in lists and when the article is shared"),
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("summary"),
        FieldPanel("feed_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def clean(self):
        super().clean()
        require_alt_text(self.feed_image, "feed_image")

    def get_meta_image(self):
        return self.feed_image

    def consultations(self):
        """The services this article invites readers to book."""
        return [block.value["service"] for block in self.body if block.block_type == "consultation"]


class CommunityIndexPage(SeoMixin, Page):
    """The community service stations, street by street."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CommunityPage"]

    class Meta:
        verbose_name = _("community index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["streets"] = CommunityPage.by_street(CommunityPage.objects.live().child_of(self))
        return context


class CommunityPage(SeoMixin, Page):
    """A community (社区): its service station, the 三官一律师 on duty, and the services nearby."""

    SESSION_KEY = "community"

    community = models.OneToOneField(
        "partner.Community", on_delete=models.PROTECT, related_name="page", verbose_name=_("community")
    )
    station_name = models.CharField(_("service station"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("community"),
        MultiFieldPanel(
            [
                FieldPanel("station_name"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("hours")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            _("Service station"),
        ),
        FieldPanel("intro"),
        InlinePanel("duty_shifts", label=_("三官一律师 duty schedule")),
    ]
    parent_page_types = ["cms.CommunityIndexPage"]
    subpage_types = []

    NEARBY = 6

    class Meta:
        verbose_name = _("community page")

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def get_meta_description(self):
        return self.search_description or Truncator(
            " ".join(part for part in (self.station_name, self.address, self.hours) if part)
        ).chars(150)

    @staticmethod
    def by_street(pages):
        """Community pages grouped as [(street, [page, …])], streets in the district's order (one query)."""
        streets = OrderedDict()
        pages = pages.select_related("community__street").order_by(
            "community__street__position", "community__street_id", "community_id"
        )
        for page in pages:
            streets.setdefault(page.community.street, []).append(page)
        return list(streets.items())

    @classmethod
    def community_choices(cls, request):
        """[(street name, [(community id, community name), …])] of the live community pages with a
        location, streets in the district's order: what a resident chooses to see the nearest first.

        Kept with the chrome (cms/chrome.py): an editor's publication, move or deletion of a community
        page shows at once; a community or street renamed in the district's data within
        CMS_CHROME_CACHE_SECONDS.
        """

        def choices():
            return [
                (street.name, [(page.community_id, page.community.name) for page in pages])
                for street, pages in cls.by_street(cls.objects.live().exclude(latitude=None))
            ]

        return chrome.kept(request, "community-choices", choices)

    def on_duty_today(self):
        """The 三官一律师 shifts at this station on today's (local) weekday."""
        return list(self.duty_shifts.filter(weekday=timezone.localdate().weekday()))

    def schedule(self):
        """[(weekday label, [shift, …]), …] Monday first, only days with someone on duty."""
        days = OrderedDict((value, (label, [])) for value, label in DutyShift.Weekday.choices)
        for shift in self.duty_shifts.all():
            days[shift.weekday][1].append(shift)
        return [day for day in days.values() if day[1]]

    def nearby(self):
        """Services offered in this community, then elsewhere in its street (the soonest first)."""
        from search.query import ServiceQuery
        from search.services import search_services

        here = search_services(
            ServiceQuery(communities=(self.community.slug,), sort="soonest", page_size=self.NEARBY, facets=False)
        )
        street = search_services(
            ServiceQuery(streets=(self.community.street.slug,), sort="soonest", page_size=self.NEARBY * 2, facets=False)
        )
        shown = {hit.product.pk for hit in here.hits}
        return here.hits, [hit for hit in street.hits if hit.product.pk not in shown][: self.NEARBY]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        here, in_street = self.nearby()
        context.update(schedule=self.schedule(), services_here=here, services_in_street=in_street)
        return context


class DutyShift(Orderable):
    """Who of the 三官一律师 team (police officer, prosecutor, judge, lawyer) is at the station when."""

    class Role(models.TextChoices):
        POLICE = "police", _("Police officer")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        JUDGE = "judge", _("Judge")
        LAWYER = "lawyer", _("Lawyer")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    page = ParentalKey(CommunityPage, on_delete=models.CASCADE, related_name="duty_shifts")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=50, help_text=_("As they are known to residents, e.g. 李律师"))
    hours = models.CharField(_("hours"), max_length=50, help_text=_("e.g. 9:00–11:30"))

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("hours")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")


class StandardPage(SeoMixin, Page):
    """A plain page: about the platform, the accessibility statement, privacy."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

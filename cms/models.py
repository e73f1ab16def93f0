from collections import OrderedDict
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from providers.models import Slot


def requested_day(value):
    try:
        return parse_date(value or "")
    except ValueError:
        return None


class HomePage(Page):
    """The district's front door: search, the five sectors, what's on soon."""

    hero_title = models.CharField(_("hero title"), max_length=100, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("body")]
    subpage_types = ["cms.SectorIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sectors"] = SectorIndexPage.objects.child_of(self).live().select_related("category")
        return context


class SectorIndexPage(Page):
    """One of the five sectors (教育, 医疗健康, 法律服务, 社会保障, 文化) and its services."""

    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.PROTECT, related_name="sector_pages", verbose_name=_("category")
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("category"), FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ServicePage"]

    class Meta:
        verbose_name = _("sector page")

    def get_context(self, request, *args, **kwargs):
        # The sector's services come from the site search, narrowed to the sector,
        # with the search page's filters and counts.
        from search.views import search_context

        context = super().get_context(request, *args, **kwargs)
        context.update(search_context(request, sector=self.category))
        return context


class ServicePage(Page):
    """The service guide (办事指南) and the place to book it."""

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="service_pages", verbose_name=_("service")
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    guide = RichTextField(_("service guide"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("product"), FieldPanel("summary"), FieldPanel("guide")]
    parent_page_types = ["cms.SectorIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("service page")

    # A phone should not have to load two weeks of slots at once.
    DAYS_PER_PAGE = 3

    def open_slots(self, now=None):
        now = now or timezone.now()
        horizon = now + timedelta(days=self.product.book_ahead_days)
        return Slot.objects.open_future(now).filter(offering__product_id=self.product_id, starts_at__lte=horizon)

    def open_days(self, now=None):
        """The local dates that have open slots, in order (one query)."""
        tz = timezone.get_current_timezone()
        return [moment.date() for moment in self.open_slots(now).datetimes("starts_at", "day", tzinfo=tz)]

    def slots_by_day(self, days, now=None):
        """[(date, [(provider, [slot, …]), …]), …] for the given consecutive local dates."""
        if not days:
            return []
        tz = timezone.get_current_timezone()
        start = datetime.combine(days[0], time.min, tzinfo=tz)
        end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
        slots = (
            self.open_slots(now)
            .filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("offering__partner")
            .order_by("starts_at", "offering__partner__name", "pk")
        )
        grouped = OrderedDict()
        for slot in slots:
            day = timezone.localtime(slot.starts_at).date()
            providers = grouped.setdefault(day, OrderedDict())
            providers.setdefault(slot.offering.partner_id, (slot.offering.partner, []))[1].append(slot)
        return [(day, list(providers.values())) for day, providers in grouped.items()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        open_days = self.open_days()
        first = 0
        wanted = requested_day(request.GET.get("from"))
        if wanted is not None:
            first = next((i for i, day in enumerate(open_days) if day >= wanted), 0)
        shown = open_days[first : first + self.DAYS_PER_PAGE]
        context.update(
            service=self.product,
            open_days=open_days,
            shown_days=shown,
            days=self.slots_by_day(shown),
        )
        return context

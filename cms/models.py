from collections import OrderedDict

from django.db import models
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from providers.models import Slot


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
        context = super().get_context(request, *args, **kwargs)
        next_slot = (
            Slot.objects.open_future()
            .with_places()
            .filter(offering__product=OuterRef("product"))
            .order_by()
            .values("offering__product")
            .annotate(first=Min("starts_at"))
            .values("first")
        )
        context["services"] = (
            ServicePage.objects.child_of(self)
            .live()
            .select_related("product")
            .annotate(next_slot_at=Subquery(next_slot))
            .order_by("path")
        )
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

    def open_slots(self, now=None):
        now = now or timezone.now()
        horizon = now + timezone.timedelta(days=self.product.book_ahead_days)
        return (
            Slot.objects.open_future(now)
            .filter(offering__product_id=self.product_id, starts_at__lte=horizon)
            .select_related("offering__partner__street", "offering__partner__community")
            .order_by("starts_at", "offering__partner__name", "pk")
        )

    def slots_by_day(self, now=None):
        """[(date, [(provider, [slot, …]), …]), …] in time order."""
        days = OrderedDict()
        for slot in self.open_slots(now):
            day = timezone.localtime(slot.starts_at).date()
            providers = days.setdefault(day, OrderedDict())
            providers.setdefault(slot.offering.partner_id, (slot.offering.partner, []))[1].append(slot)
        return [(day, list(providers.values())) for day, providers in days.items()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["service"] = self.product
        context["days"] = self.slots_by_day()
        return context

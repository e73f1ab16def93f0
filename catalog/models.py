from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct, AbstractProductCategory


def in_language(chinese, english):
    """What a resident reads: the English text on an English page when editors wrote one, else the Chinese."""
    if english and (translation.get_language() or "").startswith("en"):
        return english
    return chinese


class Category(AbstractCategory):
    """A sector (教育, 医疗健康…) or one of its sub-categories."""

    name_en = models.CharField(
        _("English name"), max_length=255, blank=True, help_text=_("Shown on English pages, e.g. Legal services")
    )

    @property
    def display_name(self):
        return in_language(self.name, self.name_en)


class Product(AbstractProduct):
    """A public service (e.g. 免费法律咨询), offered by one or more providers."""

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        ONLINE = "online", _("Online")
        BOTH = "both", _("On site or online")

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # Residents reading the site in English see these; a guide page keeps them (cms.services.sync_service).
    title_en = models.CharField(_("English name"), max_length=255, blank=True)
    summary_en = models.CharField(_("English summary"), max_length=300, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=30)
    book_ahead_days = models.PositiveIntegerField(
        _("bookable days ahead"), default=14, help_text=_("How many days ahead a slot can be booked.")
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=30,
        help_text=_(
            "Online, a slot can be booked up to this many minutes before it starts, so the resident has time to get "
            "there; at the counter the resident is already there."
        ),
    )
    cancel_until_hours = models.PositiveIntegerField(
        _("cancel until (hours before)"),
        default=2,
        help_text=_("A resident can cancel up to this many hours before the slot starts."),
    )
    max_active_per_resident = models.PositiveIntegerField(
        _("active bookings per resident"),
        default=2,
        help_text=_("How many upcoming bookings of this service one resident may hold; 0 for no limit."),
    )
    one_per_day = models.BooleanField(
        _("one booking per day"),
        default=False,
        help_text=_("A person may hold only one booking of this service on any one day."),
    )

    def clean(self):
        super().clean()
        # One service, one name: a service with a guide page is renamed on the page (cms.services).
        page = self.service_pages.first() if self.pk else None
        if page is not None and self.title != page.title:
            raise ValidationError(
                {
                    "title": _("This service's name comes from its guide page “%(page)s”; rename it there, in the CMS.")
                    % {"page": page.title}
                }
            )

    @property
    def display_title(self):
        return in_language(self.title, self.title_en)

    @property
    def display_summary(self):
        return in_language(self.summary, self.summary_en)

    def get_absolute_url(self):
        # The service guide page is the service's public face; Oscar's own
        # product page remains for services that have no guide yet.
        # Reads prefetched ``service_pages`` when a list prefetched them.
        for page in self.service_pages.all():
            if page.live:
                return page.url
        return super().get_absolute_url()

    @property
    def sector(self):
        """The top-level category (教育, 医疗健康…) this service belongs to."""
        category = next(iter(self.categories.all()), None)
        if category is None:
            return None
        return category if category.is_root() else category.get_root()


class ProductCategory(AbstractProductCategory):
    def clean(self):
        super().clean()
        # A service with a guide page stays in the sector its page is filed under.
        page = self.product.service_pages.first() if self.product_id else None
        sector = page.sector() if page is not None else None
        if sector is not None and self.category_id:
            if not (self.category_id == sector.pk or self.category.is_descendant_of(sector)):
                raise ValidationError(
                    _("“%(page)s” is filed under the sector “%(sector)s” in the CMS; choose a category inside it.")
                    % {"page": page.title, "sector": sector.name}
                )


from oscar.apps.catalogue.models import *  # noqa: E402, F403

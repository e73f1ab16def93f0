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
        # Reads the pages a list read with it (search.services.listed), or prefetched ``service_pages``.
        pages = getattr(self, "listed_pages", None)
        for page in self.service_pages.all() if pages is None else pages:
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


class EligibilityRule(models.Model):
    """Who may book a service: one rule of it. Every rule of a service must pass, except ``group``
    rules, which are alternatives (a member of any one of the service's groups passes them).

    The decision is made in one place, :mod:`marketplace.booking.eligibility`.
    """

    class Kind(models.TextChoices):
        AGE = "age", _("Age")
        RESIDENCE = "residence", _("Residence")
        PER_YEAR = "per_year", _("Times per calendar year")
        GROUP = "group", _("Group membership")

    service = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="eligibility_rules", verbose_name=_("service")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, help_text=_("Age: the person is at least this old on the day.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, help_text=_("Age: the person is at most this old on the day.")
    )
    street = models.ForeignKey(
        "partner.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
        help_text=_("Residence: the person lives in this street; empty: anywhere in the district."),
    )
    per_year = models.PositiveSmallIntegerField(
        _("times per year"),
        null=True,
        blank=True,
        help_text=_("Times per calendar year: visits made and bookings held, cancelled ones not counted."),
    )
    group = models.CharField(
        _("group"), max_length=30, blank=True, help_text=_("Group membership: the group, e.g. 低保 or 特困.")
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=50,
        blank=True,
        help_text=_("Group membership: what the clerk checks on arrival, e.g. 低保证."),
    )

    class Meta:
        ordering = ["service", "kind", "pk"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.AGE:
            if self.min_age is None and self.max_age is None:
                errors["min_age"] = _("Give a minimum age, a maximum age or both.")
            elif self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
                errors["max_age"] = _("The maximum age is below the minimum age.")
        if self.kind == self.Kind.PER_YEAR and not self.per_year:
            errors["per_year"] = _("Give how many times a year, at least once.")
        if self.kind == self.Kind.GROUP:
            if not self.group:
                errors["group"] = _("Name the group.")
            if not self.evidence:
                errors["evidence"] = _("Name the evidence the clerk checks.")
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return f"{self.get_kind_display()}: {self.describe()}"

    def describe(self):
        """The rule in plain words, as the service page and the console state it."""
        if self.kind == self.Kind.AGE:
            if self.min_age is not None and self.max_age is not None:
                return _("For people aged %(min)d to %(max)d.") % {"min": self.min_age, "max": self.max_age}
            if self.min_age is not None:
                return _("For people aged %(min)d or over.") % {"min": self.min_age}
            return _("For people aged %(max)d or under.") % {"max": self.max_age}
        if self.kind == self.Kind.RESIDENCE:
            if self.street_id:
                return _("For residents of %(street)s.") % {"street": self.street.name}
            return _("For residents of the district.")
        if self.kind == self.Kind.PER_YEAR:
            return _("At most %(count)d times per person per calendar year, visits already made included.") % {
                "count": self.per_year
            }
        return _("For members of the group %(group)s: bring your %(evidence)s, the staff check it on arrival.") % {
            "group": self.group,
            "evidence": self.evidence,
        }


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

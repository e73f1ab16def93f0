"""One service, one name: a service guide page and its product never disagree.

The page is where editors name and describe a service; the product is what
residents book. ``sync_service`` runs whenever a ServicePage row is saved
(creation and publishing, not draft revisions) and copies the page's title,
summary and sector (and their English) onto the product, creating the product when the page has
none: hidden until the page is first published (``guide_published``).
Unpublishing a guide leaves the service bookable: whether a service is
offered is the providers' and the district's call, not the editors'.
``check_service_page`` is the admin form's check that a linked product fits
the page's sector and has no other page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog.services import create_service

Product = get_model("catalogue", "Product")


def in_sector(category, sector):
    return category.pk == sector.pk or category.is_descendant_of(sector)


def check_service_page(page, sector):
    """Raise ValidationError when ``page`` (under the sector ``sector``) would contradict its product."""
    errors = {}
    if sector is not None and page.category_id and not in_sector(page.category, sector):
        errors["category"] = _("“%(category)s” is not part of the sector “%(sector)s”.") % {
            "category": page.category.name,
            "sector": sector.name,
        }
    if page.product_id:
        others = page.product.service_pages.exclude(pk=page.pk)
        other = others.first()
        if other is not None:
            errors["product"] = _("“%(service)s” already has its guide page “%(page)s”; edit that page instead.") % {
                "service": page.product.title,
                "page": other.title,
            }
        elif sector is not None and not page.category_id:
            outside = [category for category in page.product.categories.all() if not in_sector(category, sector)]
            if outside:
                errors["product"] = _(
                    "“%(service)s” belongs to “%(category)s”, outside this sector; "
                    "choose a sub-category of “%(sector)s” to move it here."
                ) % {"service": page.product.title, "category": outside[0].name, "sector": sector.name}
    if errors:
        raise ValidationError(errors)


def sync_service(page):
    """Create or update ``page``'s product so it has the page's name, summary and sector."""
    sector = page.sector()
    product = page.product if page.product_id else None
    if product is None:
        page.product = create_service(
            page.title,
            page.category or sector,
            summary=page.summary,
            title_en=page.title_en,
            summary_en=page.summary_en,
            description="",
            is_public=page.live,
        )
        return page.product
    if not page.summary:
        page.summary = product.summary
    if not page.summary_en:
        page.summary_en = product.summary_en
    changed = []
    mirrored = ("title", "summary", "title_en", "summary_en")
    for field, value in ((field, getattr(page, field)) for field in mirrored):
        if getattr(product, field) != value:
            setattr(product, field, value)
            changed.append(field)
    if changed:
        product.save(update_fields=[*changed, "date_updated"])
    if sector is not None:
        _sync_category(page, product, sector)
    return product


def _sync_category(page, product, sector):
    current = list(product.categories.all())
    if page.category_id:
        wanted = page.category
    elif current and all(in_sector(category, sector) for category in current):
        if len(current) == 1:
            page.category = current[0]
        return
    else:
        wanted = sector
    if [category.pk for category in current] != [wanted.pk]:
        product.categories.set([wanted])


def guide_moved(page):
    """A guide moved to another sector takes its service along; a sub-category of the old sector is dropped."""
    sector = page.sector()
    if page.category_id and sector is not None and not in_sector(page.category, sector):
        page.category = None
    page.save(update_fields=["category"])  # sync_service files the service under the new sector


def guide_published(page):
    """Publishing a guide offers its service: a service made by a draft page was hidden until now."""
    product = page.product
    if product is not None and not product.is_public:
        product.is_public = True
        product.save(update_fields=["is_public", "date_updated"])

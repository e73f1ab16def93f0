from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import chrome, services
from cms.editorial import grant_news_editors, grant_sector_editors
from cms.models import (
    ArticleIndexPage,
    CommunityIndexPage,
    Menu,
    MenuItem,
    SectorIndexPage,
    ServicePage,
    SiteSettings,
    StandardPage,
)
from marketplace import pagecache
from providers.models import Slot
from providers.signals import slots_changed
from search import documents


@receiver(post_page_move)
def service_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    page = instance.specific
    if isinstance(page, ServicePage) and parent_page_before.pk != parent_page_after.pk:
        services.guide_moved(page)


@receiver(page_published, sender=ServicePage)
def service_page_published(sender, instance, **kwargs):
    services.guide_published(instance)


# Connected after service_page_published, so the document is written from the product the guide has just renamed.
@receiver(page_published, sender=ServicePage)
@receiver(page_unpublished, sender=ServicePage)
@receiver(post_delete, sender=ServicePage)
def guide_page_changed(sender, instance, **kwargs):
    # A service guide's text is part of what its service is found by; search reads it but does not know the page.
    documents.save([instance.product_id])


@receiver(post_save, sender=SectorIndexPage)
def sector_page_created(sender, instance, created, raw=False, **kwargs):
    """A new sector gets its editors' group, so opening a sector needs no code (cms.editorial)."""
    if created and not raw:
        grant_sector_editors(instance)


def news_page_created(sender, instance, created, raw=False, **kwargs):
    """News editors may write under a new article or community index and a new top-level plain page."""
    if not created or raw:
        return
    if isinstance(instance, StandardPage) and isinstance(instance.get_parent().specific, StandardPage):
        return
    grant_news_editors(instance)


for news_page_type in (ArticleIndexPage, CommunityIndexPage, StandardPage):
    post_save.connect(news_page_created, sender=news_page_type, dispatch_uid=f"news_page_created_{news_page_type}")


# The header and footer kept across requests (cms/chrome.py) follow what editors change, and so do the
# routes kept with whether a view restriction applies (cms/routes.py). A community or street renamed in the
# district's data shows within CMS_CHROME_CACHE_SECONDS: it is rare, and forgetting the chrome for it would
# also re-read every menu.
for model in (Menu, MenuItem, SiteSettings, Site, PageViewRestriction):
    post_save.connect(chrome.forget, sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
    post_delete.connect(chrome.forget, sender=model, dispatch_uid=f"chrome-delete-{model.__name__}")
for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(chrome.forget, dispatch_uid=f"chrome-{id(signal)}")


# Deleting a page of any type deletes its Page row, which sends this. A receiver for every sender would
# also keep Django from deleting anything in bulk: it would fetch and signal each row of every delete.
@receiver(post_delete, sender=Page, dispatch_uid="chrome-page-deleted")
def page_deleted(sender, instance, **kwargs):
    chrome.forget()
    pagecache.site_changed()


# Whole pages kept for anonymous visitors (marketplace/pagecache.py): what changes the chrome changes every page,
# and the slots a service page shows change its service's pages. Places taken and given back are reported by
# the booking domain itself (marketplace/booking/services.py).
# A page newly behind a password or a login must not be answered whole to anyone from before.
for model in (Menu, MenuItem, SiteSettings, Site, PageViewRestriction):
    post_save.connect(pagecache.site_changed, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
    post_delete.connect(pagecache.site_changed, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(pagecache.site_changed, dispatch_uid=f"pages-{id(signal)}")


def _services_of(offering_ids):
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    return StockRecord.objects.filter(pk__in=offering_ids).values_list("product_id", flat=True)


@receiver(post_save, sender=Slot, dispatch_uid="pages-slot-saved")
@receiver(post_delete, sender=Slot, dispatch_uid="pages-slot-deleted")
def slot_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        pagecache.services_changed(_services_of([instance.offering_id]))


@receiver(slots_changed, dispatch_uid="pages-slots-changed")
def slots_changed_in_bulk(sender, offering_ids, **kwargs):
    pagecache.services_changed(_services_of(offering_ids))

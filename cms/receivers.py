from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from cms.editorial import grant_news_editors, grant_sector_editors
from cms.models import ArticleIndexPage, CommunityIndexPage, SectorIndexPage, ServicePage, StandardPage


@receiver(post_page_move)
def service_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A guide moved to another sector takes its service along (cms.services.sync_service)."""
    page = instance.specific
    if not isinstance(page, ServicePage) or parent_page_before.pk == parent_page_after.pk:
        return
    sector = page.sector()
    if page.category_id and sector is not None and not page.category.is_descendant_of(sector):
        page.category = None
    if sector is not None and page.product_id:
        page.product.categories.set([page.category or sector])
    page.save(update_fields=["category"])


@receiver(page_published, sender=ServicePage)
def service_page_published(sender, instance, **kwargs):
    """Publishing a guide offers its service: a service made by a draft page was hidden until now."""
    product = instance.product
    if product is not None and not product.is_public:
        product.is_public = True
        product.save(update_fields=["is_public", "date_updated"])


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

from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from cms.models import ServicePage


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

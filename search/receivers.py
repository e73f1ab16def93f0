"""Keep the search index fresh: every change to what a service is found by reaches its document.

The database documents are written in the same transaction as a catalogue change
(so a rolled-back change leaves the index as it was); what a booking changes (the
next open slot) is refreshed by a background task once it commits, and an external
index (Elasticsearch) hears of every change from a task after the commit (search.tasks).
A service guide page's text is part of its document too: the pages' own
receivers (cms.receivers) ask for it, since search does not import the pages.
"""

from datetime import timedelta

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from oscar.core.loading import get_model

from marketplace.background import enqueue_on_commit
from marketplace.booking.signals import booking_placed, booking_rescheduled, place_freed
from providers.models import Community, Slot, Street
from providers.signals import slots_changed
from search import documents, tasks
from search.models import ServiceDocument, Synonym

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")


def _products_of_offerings(offering_ids):
    return _alive(StockRecord.objects.filter(pk__in=offering_ids).values_list("product_id", flat=True).distinct())


# Products being deleted right now: their offerings, slots and categories go first, and
# must not write the document again just before the product itself goes.
_deleting = set()


def _alive(product_ids):
    return [pk for pk in product_ids if pk not in _deleting]


@receiver(post_save, sender=Product)
def product_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        documents.save([instance.pk])


@receiver(pre_delete, sender=Product)
def product_deleting(sender, instance, **kwargs):
    _deleting.add(instance.pk)


@receiver(post_delete, sender=Product)
def product_deleted(sender, instance, **kwargs):
    _deleting.discard(instance.pk)
    documents.forget([instance.pk])


@receiver(post_save, sender=ProductCategory)
@receiver(post_delete, sender=ProductCategory)
def product_category_saved(sender, instance, raw=False, **kwargs):
    # catalog.services.create_service writes the through rows itself, which m2m_changed does not report.
    if not raw:
        documents.save(_alive([instance.product_id]))


@receiver(m2m_changed, sender=Product.categories.through)
def product_categories_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        documents.save([instance.pk])
    elif pk_set:
        documents.save(list(pk_set))


@receiver(post_save, sender=Category)
def category_saved(sender, instance, raw=False, created=False, **kwargs):
    # A renamed or moved category changes what its services are found by.
    if not raw and not created:
        subtree = Category.objects.filter(path__startswith=instance.path)
        documents.save(list(Product.objects.filter(categories__in=subtree).values_list("pk", flat=True).distinct()))


@receiver(post_save, sender=StockRecord)
@receiver(post_delete, sender=StockRecord)
def offering_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        documents.save(_alive([instance.product_id]))


@receiver(post_save, sender=Partner)
def provider_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        documents.save(list(instance.stockrecords.values_list("product_id", flat=True)))


@receiver(post_save, sender=Street)
@receiver(post_save, sender=Community)
def place_renamed(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    partners = Partner.objects.filter(**{"street" if sender is Street else "community": instance})
    documents.save(list(StockRecord.objects.filter(partner__in=partners).values_list("product_id", flat=True)))


# Slots are deleted only in bulk (scheduling sends slots_changed) or with their offering. A
# post_delete receiver would also make Django fetch and signal every slot it deletes.
@receiver(post_save, sender=Slot)
def slot_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        documents.save_availability(_products_of_offerings([instance.offering_id]))


@receiver(slots_changed)
def slots_changed_in_bulk(sender, offering_ids, **kwargs):
    documents.save_availability(_products_of_offerings(offering_ids))


# A cancellation or a move away sends place_freed for the slot it leaves. What a booking
# changes is refreshed by a worker once it commits: the answer to the resident does not wait for it.
@receiver(booking_placed)
def booking_placed_on_slot(sender, booking, **kwargs):
    # A booking changes its service's next open slot only when it takes the last place online of
    # that very slot (or of one before it the document missed): most bookings take neither, and a
    # task for each would double the worker's load. take_place left the slot's count as this
    # transaction holds it, so the count read here is exact.
    slot = booking.slot
    if slot.num_booked < slot.capacity - slot.counter_capacity:
        return
    product_id = slot.offering.product_id
    if not ServiceDocument.objects.filter(product_id=product_id, next_slot_at__lt=slot.starts_at).exists():
        # A little later, so that a booking of the next slot, skipped here while this one was in
        # flight, has committed when the worker looks.
        enqueue_on_commit(tasks.refresh_availability, _alive([product_id]), delay=AFTER_A_BOOKING)


AFTER_A_BOOKING = timedelta(seconds=2)


@receiver(booking_rescheduled)
def booking_moved(sender, booking, **kwargs):
    enqueue_on_commit(tasks.refresh_availability, _products_of_offerings([booking.slot.offering_id]))


@receiver(place_freed)
def place_freed_on_slot(sender, slot, **kwargs):
    enqueue_on_commit(tasks.refresh_availability, _products_of_offerings([slot.offering_id]))


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    from search.services import forget_synonyms

    forget_synonyms()


# The facets name the sectors, streets and communities (search.services.facet_labels).
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Street)
@receiver(post_delete, sender=Street)
@receiver(post_save, sender=Community)
@receiver(post_delete, sender=Community)
def facet_labels_changed(sender, **kwargs):
    from search.services import forget_facet_labels

    forget_facet_labels()

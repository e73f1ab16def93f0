from django.db import transaction
from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderDispatcher, OrderNumberGenerator  # noqa: F401

from marketplace.booking.services import reserve_places


class OrderCreator(CoreOrderCreator):
    """Places the order and takes its slot places in the same transaction."""

    def place_order(self, basket, *args, **kwargs):
        with transaction.atomic():
            order = super().place_order(basket, *args, **kwargs)
            reserve_places(order)
        return order

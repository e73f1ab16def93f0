"""Oscar's order models, with the links that accounting needs protected.

Oscar deletes an order's lines and payment records with the order and keeps an
order when its user is deleted (``SET_NULL``). Orders here are bookings that were
paid and refunded: they are never deleted, and neither is a resident's account
while it has one (leaving the service anonymises the person instead:
``marketplace.users.services.delete_account``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder, AbstractPaymentEvent


class Order(AbstractOrder):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="orders",
        null=True,
        blank=True,
        verbose_name=_("User"),
        on_delete=models.PROTECT,
    )


class Line(AbstractLine):
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="lines", verbose_name=_("Order"))


class PaymentEvent(AbstractPaymentEvent):
    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, related_name="payment_events", verbose_name=_("Order")
    )


from oscar.apps.order.models import *  # noqa: E402, F403

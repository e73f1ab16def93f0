from decimal import Decimal

from django.conf import settings
from django.db import transaction
from oscar.apps.order.signals import order_placed
from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderDispatcher, OrderNumberGenerator  # noqa: F401
from oscar.core import prices
from oscar.core.loading import get_class, get_model

from marketplace.booking.options import slot_option
from marketplace.booking.services import find_dependant, new_booking_code, reserve_places, take_places

Booking = get_model("booking", "Booking")
Line = get_model("order", "Line")
NoShippingRequired = get_class("shipping.methods", "NoShippingRequired")

ZERO = Decimal("0.00")


class OrderCreator(CoreOrderCreator):
    """Places orders and takes their slot places in the same transaction."""

    # Oscar's checkout door: a basket becomes an order.
    #
    # The places are taken at the end of Oscar's own order transaction (its
    # stock step), not in a transaction around it: an order and its places
    # commit or roll back together, and Oscar's ``order_placed`` still comes
    # after the commit. (Oscar's analytics receivers are left unconnected:
    # marketplace.apps.ServiceAnalyticsConfig.)

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        self._order_awaiting_places = order
        return super().create_line_models(order, basket_line, extra_line_fields)

    def place_order(self, *args, pay_on_site=False, dependant=None, mode=None, declared_group="", **kwargs):
        # The resident's choices on the checkout page: paying on site, for the lines whose
        # offering allows it, who the places are for (themselves, or a dependant's id), and
        # the group they declare for a service for members of a group.
        self._pay_on_site = pay_on_site
        self._dependant = dependant
        self._mode = mode
        self._declared_group = declared_group
        return super().place_order(*args, **kwargs)

    def update_stock_records(self, line):
        # Called once per basket line after every order line exists; the first
        # call takes the places for the whole order.
        order = self.__dict__.pop("_order_awaiting_places", None)
        if order is not None:
            # The dependant is looked up here, inside the order's transaction, so someone else's
            # (a forged form) is refused like any booking rule and the whole order rolls back.
            reserve_places(
                order,
                pay_on_site=getattr(self, "_pay_on_site", False),
                dependant=find_dependant(order.user, getattr(self, "_dependant", None)),
                mode=getattr(self, "_mode", None),
                declared_group=getattr(self, "_declared_group", ""),
            )
        super().update_stock_records(line)

    # The API's door: one slot becomes an order of one line, no basket needed.

    def place_booking_order(
        self,
        user,
        slot,
        note="",
        now=None,
        channel=Booking.Channel.ONLINE,
        booked_by=None,
        pay_on_site=False,
        dependant=None,
        mode=None,
        declared_group="",
        override_reason="",
    ):
        """Write the rows Oscar's checkout writes for a one-line basket (order,
        line, line price, slot attribute) and take the place, in one transaction;
        then announce ``order_placed`` as Oscar does. A third of the statements
        of going through a basket, for the same order.

        The API and the provider's counter (``channel``, ``booked_by``) both come in here."""
        offering = slot.offering
        service = offering.product
        price = offering.price if offering.price is not None else ZERO
        currency = offering.price_currency
        shipping_method = NoShippingRequired()
        # One code for the resident, the counter and the dashboard.
        code = new_booking_code()
        with transaction.atomic():
            order = self.create_order_model(
                user,
                None,
                None,
                shipping_method,
                prices.Price(currency=currency, excl_tax=ZERO, tax=ZERO),
                None,
                prices.Price(currency=currency, excl_tax=price, tax=ZERO),
                code,
                settings.OSCAR_INITIAL_ORDER_STATUS,
            )
            # Oscar's order keeps only the id: the resident is at hand, so taking the place need not read them again.
            order.user = user
            line = Line.objects.create(
                order=order,
                partner=offering.partner,
                partner_name=offering.partner.name,
                partner_sku=offering.partner_sku,
                stockrecord=offering,
                product=service,
                title=service.get_title(),
                upc=service.upc,
                quantity=1,
                line_price_excl_tax=price,
                line_price_incl_tax=price,
                line_price_before_discounts_excl_tax=price,
                line_price_before_discounts_incl_tax=price,
                unit_price_excl_tax=price,
                unit_price_incl_tax=price,
                num_allocated=1,
                status=settings.OSCAR_INITIAL_LINE_STATUS,
            )
            line.prices.create(order=order, quantity=1, price_incl_tax=price, price_excl_tax=price)
            option = slot_option()
            line.attributes.create(option=option, type=option.code, value=str(slot.pk))
            take_places(
                order,
                [(slot.pk, line)],
                now=now,
                known_slots={slot.pk: slot},
                note=note,
                codes=[code],
                channel=channel,
                booked_by=booked_by,
                pay_on_site=pay_on_site,
                dependant=dependant,
                mode=mode,
                declared_group=declared_group,
                override_reason=override_reason,
            )
        order_placed.send(sender=self, order=order, user=user)
        return order

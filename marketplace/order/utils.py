from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderDispatcher, OrderNumberGenerator  # noqa: F401

from marketplace.booking.services import reserve_places


class OrderCreator(CoreOrderCreator):
    """Places the order and takes its slot places in the same transaction.

    The places are taken at the end of Oscar's own order transaction (its stock
    step), not in a transaction around it: Oscar sends ``order_placed`` after
    committing, and its analytics receiver must run outside our transaction or
    it would lock the service's counter row for every booking and abort the
    transaction when two first bookings of a service race to create it.
    """

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        self._order_awaiting_places = order
        return super().create_line_models(order, basket_line, extra_line_fields)

    def update_stock_records(self, line):
        # Called once per basket line after every order line exists; the first
        # call takes the places for the whole order.
        order = self.__dict__.pop("_order_awaiting_places", None)
        if order is not None:
            reserve_places(order)
        super().update_stock_records(line)

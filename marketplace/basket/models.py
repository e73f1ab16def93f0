from oscar.apps.basket.abstract_models import AbstractBasket

from marketplace.booking.options import slot_from_options, slot_id_from_options


class Basket(AbstractBasket):
    def get_stock_info(self, product, options):
        # The slot chosen decides the offering (provider and price).
        slot = slot_from_options(options, known=getattr(self, "known_slots", None))
        if slot is not None:
            return self.strategy.fetch_for_product(product, stockrecord=slot.offering)
        return super().get_stock_info(product, options)

    def add_product(self, product, quantity=1, options=None):
        # A slot line is one place for one person: a second click on "Book"
        # must not turn it into two.
        line, created = super().add_product(product, quantity, options)
        if line.quantity != 1 and slot_id_from_options(options) is not None:
            line.quantity = 1
            line.save(update_fields=["quantity"])
        return line, created


from oscar.apps.basket.models import *  # noqa: E402, F403

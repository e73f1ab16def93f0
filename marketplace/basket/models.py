from oscar.apps.basket.abstract_models import AbstractBasket

from marketplace.booking.options import slot_from_options, slot_id_from_options, slot_id_of_line


class Basket(AbstractBasket):
    def get_stock_info(self, product, options):
        # The slot chosen decides the offering (provider and price).
        slot = slot_from_options(options, known=getattr(self, "known_slots", None))
        if slot is not None:
            return self.strategy.fetch_for_product(product, stockrecord=slot.offering)
        return super().get_stock_info(product, options)

    def add_product(self, product, quantity=1, options=None):
        # A resident confirms one chosen time at a time: choosing another (after "Change" on the
        # confirmation page, or on another service) replaces the earlier choice instead of booking both.
        chosen = slot_id_from_options(options)
        if chosen is not None and self.id:
            earlier = [line.pk for line in self.lines.all() if slot_id_of_line(line) != chosen]
            if earlier:
                self.lines.filter(pk__in=earlier).delete()
                self._lines = None
        # A slot line is one place for one person: a second click on "Book"
        # must not turn it into two.
        line, created = super().add_product(product, quantity, options)
        if line.quantity != 1 and slot_id_from_options(options) is not None:
            line.quantity = 1
            line.save(update_fields=["quantity"])
        return line, created

    def merge(self, basket, add_quantities=True):
        # Signing in after choosing a time: that choice is the one to confirm, not one left in the
        # account's basket from an earlier visit.
        if basket.lines.exists():
            self.lines.all().delete()
            self._lines = None
        super().merge(basket, add_quantities=False)


from oscar.apps.basket.models import *  # noqa: E402, F403

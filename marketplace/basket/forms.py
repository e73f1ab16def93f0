from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket import forms as core_forms
from oscar.apps.basket.forms import *  # noqa: F403

from marketplace.booking.options import SLOT_OPTION_CODE, parse_slot_id
from marketplace.booking.services import BookingError, ensure_bookable, find_slot
from marketplace.users.services import dependants_of


class AddToBasketForm(core_forms.AddToBasketForm):
    """Core Oscar ignores product options when validating; a slot must be checked here."""

    def clean_quantity(self):
        quantity = super().clean_quantity()
        if quantity != 1:
            raise forms.ValidationError(_("Each booking is one place for one person."))
        return quantity

    def clean(self):
        cleaned_data = super().clean()
        if SLOT_OPTION_CODE not in self.fields:
            return cleaned_data
        slot_id = parse_slot_id(cleaned_data.get(SLOT_OPTION_CODE))
        if slot_id is None:
            raise forms.ValidationError(_("Please choose a time slot."))
        try:
            slot = find_slot(slot_id)
            if slot.offering.product_id != self.product.pk:
                raise forms.ValidationError(_("This time slot belongs to another service."))
            # Who the place is for is chosen at the confirmation step when the resident books for
            # others too; the person's own rules are checked there, when the order is placed.
            owner = self.basket.owner
            books_for_others = owner is not None and owner.is_authenticated and dependants_of(owner).exists()
            ensure_bookable(None if books_for_others else owner, slot)
        except BookingError as error:
            raise forms.ValidationError(error.message) from error
        self.slot = slot
        return cleaned_data


class SimpleAddToBasketForm(core_forms.SimpleAddToBasketMixin, AddToBasketForm):
    pass

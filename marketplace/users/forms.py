from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.users.models import Dependant


class DependantForm(forms.Form):
    """The fields of a dependant; the rules are ``services.add_dependant``'s."""

    name = forms.CharField(label=_("Name"), max_length=100)
    relation = forms.ChoiceField(label=_("Relation to you"), choices=Dependant.Relation.choices)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Theirs, if they have one. Shown only masked."),
    )

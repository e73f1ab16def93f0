"""Forms of the closures page: close a period (the whole provider or one service), close one slot."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.ids import IdChoiceField
from providers.console.forms import FIRST_DAY, LAST_DAY
from providers.models import Closure


class ClosureForm(forms.Form):
    """What staff ask to close: the days, the whole provider or one service, and why."""

    starts_on = forms.DateField(
        label=_("First closed day"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD."), "required": _("Give the first closed day.")},
    )
    ends_on = forms.DateField(
        label=_("Last closed day"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD."), "required": _("Give the last closed day.")},
    )
    offering = IdChoiceField(
        label=_("What is closed"),
        queryset=None,
        required=False,
        empty_label=_("The whole provider (every service)"),
        error_messages={"invalid_choice": _("This provider has no such service.")},
    )
    reason = forms.CharField(
        label=_("Reason (residents are told)"),
        max_length=Closure._meta.get_field("reason").max_length,
        error_messages={"required": _("Say why the service is closed: residents are told the reason.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Spring Festival holiday, staff training")}),
    )

    def __init__(self, *args, offerings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings
        self.fields["offering"].label_from_instance = lambda offering: offering.product.title

    def _clean_day(self, name):
        day = self.cleaned_data[name]
        if not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        return day

    def clean_starts_on(self):
        return self._clean_day("starts_on")

    def clean_ends_on(self):
        return self._clean_day("ends_on")


class SlotCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (residents are told)"),
        max_length=Closure._meta.get_field("reason").max_length,
        error_messages={"required": _("Say why the slot is closed: residents are told the reason.")},
    )

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

# Beyond these the console has nothing to show, and date arithmetic would overflow.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


class DayForm(forms.Form):
    """Which day (and which offering) the console shows; a bad value is ignored, not fatal."""

    date = forms.DateField(
        label=_("Date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    offering = forms.ModelChoiceField(
        label=_("Service"),
        queryset=None,
        required=False,
        empty_label=_("All services"),
        error_messages={"invalid_choice": _("This provider has no such service.")},
    )

    def __init__(self, *args, offerings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings
        self.fields["offering"].label_from_instance = lambda offering: offering.product.title

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        return day

    def chosen(self, default_day):
        """(day, offering) from the valid values; the invalid ones fall back to the defaults."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("date") or default_day, data.get("offering")


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

"""The console's forms: the day it shows, check-in, weekly plans, slot places and the ratings filter."""

import re
from datetime import date, time

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from marketplace.ids import IdChoiceField
from providers.console.reads import RATING_FILTERS
from providers.models import WEEKDAY_CHOICES, ScheduleRule
from providers.plans import MAX_PLACES

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
    offering = IdChoiceField(
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


class ConsoleForm(forms.Form):
    """Bootstrap 4 styles inputs by class (checkboxes have their own); invalid inputs are marked red too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_checkbox = getattr(field.widget, "input_type", "") == "checkbox"
            self._add_class(field, "form-check-input" if is_checkbox else "form-control")

    @staticmethod
    def _add_class(field, css):
        field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Errors found while cleaning and those the service reports later both come through here.
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self._add_class(self.fields[name], "is-invalid")


def _plan_label(name):
    return capfirst(ScheduleRule._meta.get_field(name).verbose_name)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


# "12:00-13:30": the dash may be typed many ways on a Chinese keyboard, and so may the colon.
BREAK_PATTERN = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–—~～至]\s*(\d{1,2})[:：](\d{2})$")
BREAK_SEPARATORS = re.compile(r"[,，;；、\n]+")


def parse_breaks(text):
    """ "12:00-13:30, 17:00-17:30" → [["12:00", "13:30"], ["17:00", "17:30"]]; a bad piece raises ValidationError."""
    breaks = []
    for piece in BREAK_SEPARATORS.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        match = BREAK_PATTERN.match(piece)
        try:
            if match is None:
                raise ValueError(piece)
            start_hour, start_minute, end_hour, end_minute = (int(number) for number in match.groups())
            start, end = time(start_hour, start_minute), time(end_hour, end_minute)
        except ValueError:
            raise forms.ValidationError(
                _("“%(piece)s” is not a break: write its start and end, e.g. 12:00-13:30."), params={"piece": piece}
            ) from None
        breaks.append([f"{start:%H:%M}", f"{end:%H:%M}"])
    return breaks


def format_breaks(breaks):
    return ", ".join(f"{start}-{end}" for start, end in breaks or [])


class ScheduleRuleForm(ConsoleForm):
    """A weekly plan as staff type it; ``providers.plans.save_plan`` checks and saves it."""

    offering = IdChoiceField(
        label=_("Service"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("This provider has no such service.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_plan_label("weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    opens_at = forms.TimeField(label=_plan_label("opens_at"), widget=_time_input())
    closes_at = forms.TimeField(label=_plan_label("closes_at"), widget=_time_input())
    breaks = forms.CharField(
        label=_plan_label("breaks"),
        required=False,
        max_length=500,
        help_text=_("Start and end of each break, e.g. 12:00-13:30, 17:00-17:30. Empty: no break."),
    )
    slot_minutes = forms.IntegerField(label=_plan_label("slot_minutes"), min_value=1, max_value=24 * 60)
    capacity = forms.IntegerField(label=_plan_label("capacity"), min_value=1, max_value=MAX_PLACES)
    counter_capacity = forms.IntegerField(
        label=_plan_label("counter_capacity"),
        min_value=0,
        max_value=MAX_PLACES,
        initial=0,
        help_text=_("Part of the places per slot kept for residents booked at the counter."),
    )
    valid_from = forms.DateField(label=_plan_label("valid_from"), input_formats=["%Y-%m-%d"], widget=_date_input())
    valid_to = forms.DateField(
        label=_plan_label("valid_to"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=_date_input(),
        help_text=_("Last day; empty: open-ended."),
    )
    is_active = forms.BooleanField(label=_plan_label("is_active"), required=False, initial=True)

    def __init__(self, *args, offerings, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offerings
        self.fields["offering"].label_from_instance = lambda offering: offering.product.title
        if rule is not None and not self.is_bound:
            self.initial.update({field: getattr(rule, field) for field in self.fields})
            self.initial["offering"] = rule.offering_id
            self.initial["weekdays"] = [day for day, _name in WEEKDAY_CHOICES if rule.works_on(day)]
            self.initial["breaks"] = format_breaks(rule.breaks)

    def _clean_day(self, field):
        day = self.cleaned_data[field]
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        return day

    def clean_valid_from(self):
        return self._clean_day("valid_from")

    def clean_valid_to(self):
        return self._clean_day("valid_to")

    def clean_weekdays(self):
        return ScheduleRule.weekday_mask(self.cleaned_data["weekdays"])

    def clean_breaks(self):
        return parse_breaks(self.cleaned_data["breaks"])


class SlotCapacityForm(ConsoleForm):
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=MAX_PLACES)
    counter_capacity = forms.IntegerField(
        label=_plan_label("counter_capacity"), min_value=0, max_value=MAX_PLACES, initial=0
    )


class RatingFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=[(key, key) for key in RATING_FILTERS], required=False)

    def chosen(self):
        return (self.cleaned_data.get("show") or "all") if self.is_valid() else "all"

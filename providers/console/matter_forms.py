"""The console's form of matters: the queue's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.matters import kinds, staff_reads


class MatterFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, widget=forms.Select(attrs={"class": "form-control mr-3 mb-2"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, widget=forms.Select(attrs={"class": "form-control mr-3 mb-2"})
    )
    mine = forms.BooleanField(
        label=_("Assigned to me"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(code, kind.name) for code, kind in kinds.KINDS.items()]
        self.fields["status"].choices = [("", _("Any status"))] + staff_reads.status_choices()

    def chosen(self):
        """The filters asked for; a value that cannot be used is left out (the page says so)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or None,
            "status": data.get("status") or None,
            "mine": bool(data.get("mine")),
            "overdue": bool(data.get("overdue")),
        }


class SessionForm(forms.Form):
    """The session of a lecture request (法律九进): day, start and length; the service checks the rest."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    start = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"})
    )
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=15,
        max_value=480,
        initial=90,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def starts_at(self):
        from datetime import datetime

        from django.utils import timezone

        moment = datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"])
        return timezone.make_aware(moment, timezone.get_default_timezone())


class HeldForm(forms.Form):
    attendance = forms.IntegerField(
        label=_("People who attended"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    text = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )

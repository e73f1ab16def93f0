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

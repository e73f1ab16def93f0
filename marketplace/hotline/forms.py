"""The operator's forms: they read what was typed; whether it is enough is ``marketplace.hotline.services``'
to say (its errors come back as form errors)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.booking.forms import BookForResidentForm
from marketplace.hotline import services
from marketplace.hotline.models import Call
from marketplace.matters.forms import MatterForm, StyledForm


def _when_field(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Choose when to call back."), "invalid": _("Choose when to call back.")},
    )


class CallForm(StyledForm):
    phone = forms.CharField(
        label=_("Caller's mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": _("Enter the caller's mobile phone number.")},
    )
    topic = forms.ChoiceField(
        label=_("What the call is about"),
        choices=[("", _("Choose…")), *Call.Topic.choices],
        error_messages={"required": _("Choose what the call was about.")},
    )
    summary = forms.CharField(
        label=_("Summary (optional)"),
        max_length=services.SUMMARY_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome so far"),
        choices=Call.Outcome.choices,
        initial=Call.Outcome.ANSWERED,
        help_text=_("Booking, a matter or a call-back set the outcome themselves."),
    )


class RegisterCallerForm(StyledForm):
    name = forms.CharField(
        label=_("Caller's name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the caller's name.")},
    )


class HotlineBookingForm(BookForResidentForm):
    group = forms.CharField(label=_("Group the caller declares"), max_length=30, required=False)
    consent = forms.BooleanField(
        label=_(
            "The caller agreed on the phone that the 12348 hotline books this service for them and records "
            "their name and mobile phone number for it."
        ),
        error_messages={"required": _("Ask the caller for their consent and tick the box.")},
    )

    group_legend = _("This service is for members of a group: which one does the caller declare?")
    submit_label = _("Book for the caller")


class CallBackForm(StyledForm):
    due_at = _when_field(_("Call back at"))
    note = forms.CharField(label=_("Note (optional)"), max_length=services.NOTE_LIMIT, required=False)


class CallBackDoneForm(StyledForm):
    result = forms.CharField(label=_("What came of it (optional)"), max_length=services.NOTE_LIMIT, required=False)


class HotlineMatterForm(MatterForm):
    """A matter taken down on the phone: the kind's own fields, the text, where it goes, the other party.
    No files (the caller brings or uploads them later) and no dependant (the caller applies)."""

    def __init__(self, kind, caller, *args, **kwargs):
        super().__init__(kind, caller, *args, **kwargs)
        for name in [name for name in self.fields if name.startswith("material_") or name == "dependant"]:
            del self.fields[name]

    @property
    def material_fields(self):
        return []

    def submission(self):
        data = self.cleaned_data
        fields = {}
        for spec in self.kind.fields:
            value = data.get(spec.name)
            if value not in (None, ""):
                fields[spec.name] = str(value) if spec.kind in ("date", "number") else value
        other_party = None
        if self.kind.has_other_party:
            other_party = {"name": data.get("other_party_name", ""), "phone": data.get("other_party_phone", "")}
        return {
            "text": data.get("text", ""),
            "fields": fields,
            "other_party": other_party,
            "organisation": data.get("organisation") or None,
        }

"""The form staff fill in to book for a resident who is not at the provider (the 12348 hotline, the grid
worker): it reads what was typed; whether it is enough is ``marketplace.booking.services.book_for_resident``'s
to say. Each door's subclass only has its own words: whom the consent is from and what the button says."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.ids import IdField


class BookForResidentForm(forms.Form):
    slot = IdField(
        label=_("Time slot"),
        min_value=1,
        error_messages={
            "required": _("Choose a time slot."),
            "invalid": _("Choose a time slot."),
            "min_value": _("Choose a time slot."),
        },
    )
    note = forms.CharField(
        label=_("Note for the provider (optional)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mode = forms.ChoiceField(
        label=_("On site or online?"),
        choices=[("onsite", _("On site, at the provider")), ("online", _("Online, by video: a link by text message"))],
        required=False,
        widget=forms.RadioSelect,
    )
    group = forms.CharField(label=_("Group the resident declares"), max_length=30, required=False)
    consent = forms.BooleanField()

    # The words of the page that differ between the doors.
    group_legend = _("This service is for members of a group: which one does the resident declare?")
    submit_label = _("Book for the resident")

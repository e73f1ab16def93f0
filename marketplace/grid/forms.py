"""The grid worker's and the resident's forms: they read what was typed; whether it is enough is
``marketplace.grid.services``' to say (its errors come back as form errors)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.booking.forms import BookForResidentForm
from marketplace.matters import kinds
from marketplace.matters.forms import MultipleFileField, StyledForm, file_help


class GridBookingForm(BookForResidentForm):
    consent = forms.BooleanField(
        label=_(
            "The resident agreed that I, their grid worker, book this service for them and record their name and "
            "mobile phone number for it."
        ),
        error_messages={"required": _("Ask the resident for their consent and tick the box.")},
    )


class DemandForm(StyledForm):
    text = forms.CharField(
        label=kinds.DEMAND.text_label,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what is needed.")},
    )
    category = forms.ChoiceField(
        label=kinds.DEMAND.fields[0].label,
        choices=[("", _("Choose…")), *kinds.DEMAND.fields[0].choices],
        error_messages={"required": _("Choose what it is about.")},
    )
    place = forms.CharField(
        label=kinds.DEMAND.fields[1].label,
        max_length=200,
        error_messages={"required": _("Say where: the building or courtyard.")},
    )
    resident = forms.ChoiceField(label=_("Resident concerned (optional)"), required=False)
    organisation = forms.ChoiceField(
        label=_("Send it to"), error_messages={"required": _("Choose the organisation to send it to.")}
    )
    photos = MultipleFileField(label=_("Photos (optional)"), required=False, help_text=file_help())

    def __init__(self, grid, residents, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [
            ("", _("Nobody in particular")),
            *[(row.user_id, f"{row.user.masked_name} · {row.building or '-'}") for row in residents],
        ]
        self.fields["organisation"].choices = [("", _("Choose…")), *[(org.pk, org.name) for org in organisations]]
        self.fields["place"].widget.attrs["list"] = "buildings"
        self.buildings = grid.building_list
        self.fields["photos"].widget.attrs["accept"] = "image/*"


class GridConsentForm(StyledForm):
    grid = forms.ChoiceField(label=_("Your grid"), error_messages={"required": _("Choose your grid.")})
    building = forms.CharField(label=_("Your building or courtyard (optional)"), max_length=50, required=False)

    def __init__(self, grids, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [(grid.pk, f"{grid.name}（{'、'.join(grid.building_list)}）") for grid in grids]

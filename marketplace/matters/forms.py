"""The resident's forms of matters: built from a kind's declaration (``marketplace.matters.kinds``).

They only read what was typed; whether it is enough is ``marketplace.matters.services``' to say
(its errors come back to the form as form errors).
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.matters import kinds, services
from marketplace.users.models import Dependant

FIELD_KINDS = {
    "choice": forms.ChoiceField,
    "date": forms.DateField,
    "number": forms.IntegerField,
    "boolean": forms.BooleanField,
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (every file the resident chose for one kind of material)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [file for file in data if file]
        return [data] if data else []


class StyledForm(forms.Form):
    """Each input dressed as the site's (``form-control``); radio buttons and files keep their own look."""

    def styled(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.HiddenInput, forms.CheckboxInput)):
                continue
            css = "form-control-file" if isinstance(widget, forms.ClearableFileInput) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        return self

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.styled()


def file_help():
    return _("A PDF or a photo, at most %(mb)s MB each.") % {"mb": settings.MATTER_MATERIAL_MAX_BYTES // (1024 * 1024)}


def _mark_required(field):
    # The kind says it is needed: said to screen readers and shown, checked by the service.
    field.widget.attrs.update({"required": True, "aria-required": "true"})
    field.needed = True


class MatterForm(StyledForm):
    """A new matter of ``kind``: its own fields, the text, who it is for, where it goes, the other party, files.

    ``fixed``: answers already given on a screen before (legal aid's ``category``), kept as hidden fields.
    """

    def __init__(self, kind, user, *args, fixed=None, required_materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.user, self.fixed = kind, user, fixed or {}
        for spec in kind.fields:
            if spec.name in self.fixed:
                self.fields[spec.name] = forms.CharField(widget=forms.HiddenInput, initial=self.fixed[spec.name])
                continue
            field_class = FIELD_KINDS.get(spec.kind, forms.CharField)
            options = {"label": spec.label, "required": False, "help_text": spec.help_text}
            if spec.kind == "choice":
                options["choices"] = [("", _("Choose…")), *spec.choices]
            elif spec.kind == "service":
                field_class = forms.ChoiceField
                options["choices"] = [
                    ("", _("Choose…")),
                    *((product.slug, product.display_title) for product in services.menu(kind)),
                ]
            elif spec.kind == "number":
                options.update(min_value=1, max_value=services.MAX_AUDIENCE)
            elif spec.kind == "date":
                options["widget"] = forms.DateInput(attrs={"type": "date"})
            elif spec.kind == "phone":
                options["widget"] = forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "maxlength": 11})
            elif spec.kind == "text":
                options["max_length"] = 200
            self.fields[spec.name] = field_class(**options)
            if spec.required:
                _mark_required(self.fields[spec.name])
        self.fields["text"] = forms.CharField(
            label=kind.text_label,
            required=False,
            max_length=services.MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
        _mark_required(self.fields["text"])
        # A menu's request is an organisation's, not for someone the resident looks after.
        dependants = (
            Dependant.objects.filter(owner=user, removed_at__isnull=True).order_by("pk")
            if not kind.menu_category
            else ()
        )
        if dependants:
            self.fields["dependant"] = forms.ChoiceField(
                label=_("Who is this for?"),
                required=False,
                choices=[("", _("Myself"))] + [(str(d.pk), d.label) for d in dependants],
            )
        desks = list(services.desks_for(kind))
        if len(desks) > 1:
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Which organisation should handle it"),
                required=False,
                choices=[(str(desk.organisation_id), desk.organisation.name) for desk in desks],
                initial=str(desks[0].organisation_id),
            )
        self.organisation_name = desks[0].organisation.name if len(desks) == 1 else ""
        if kind.menu_category:
            providers = services.menu_providers_of(kind)
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Which provider should give it"),
                required=False,
                choices=[("", _("Any provider offering the topic"))]
                + [(str(provider.pk), provider.name) for provider in providers],
            )
        if kind.has_other_party:
            self.fields["other_party_name"] = forms.CharField(label=_("The other party's name"), required=False)
            self.fields["other_party_phone"] = forms.CharField(
                label=_("The other party's mobile number"),
                required=False,
                help_text=_("They are asked by text message whether they agree to mediation."),
                widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "maxlength": 11}),
            )
            _mark_required(self.fields["other_party_name"])
            _mark_required(self.fields["other_party_phone"])
        for material in kind.materials:
            name = f"material_{material.kind}"
            self.fields[name] = MultipleFileField(
                label=material.label,
                required=False,
                help_text=file_help(),
                widget=MultipleFileInput(attrs={"accept": "application/pdf,image/*"}),
            )
            self.fields[name].material_kind = material.kind
            if material.kind in required_materials:
                self.fields[name].needed = True
        self.styled()

    @property
    def detail_fields(self):
        return [self[spec.name] for spec in self.kind.fields if spec.name not in self.fixed]

    @property
    def hidden_detail_fields(self):
        return [self[spec.name] for spec in self.kind.fields if spec.name in self.fixed]

    @property
    def material_fields(self):
        return [self[f"material_{material.kind}"] for material in self.kind.materials]

    def submission(self):
        """The keyword arguments of ``services.submit`` from the cleaned form."""
        data = self.cleaned_data
        fields = {}
        for spec in self.kind.fields:
            value = self.fixed.get(spec.name, data.get(spec.name))
            if value not in (None, ""):
                fields[spec.name] = str(value) if spec.kind in ("date", "number") else value
        other_party = None
        if self.kind.has_other_party:
            other_party = {"name": data.get("other_party_name", ""), "phone": data.get("other_party_phone", "")}
        materials = [
            (material.kind, upload)
            for material in self.kind.materials
            for upload in data.get(f"material_{material.kind}") or []
        ]
        return {
            "text": data.get("text", ""),
            "fields": fields,
            "other_party": other_party,
            "dependant": data.get("dependant") or None,
            "organisation": data.get("organisation") or None,
            "materials": materials,
        }


class LegalAidScreenForm(forms.Form):
    category = forms.ChoiceField(
        label=kinds.LEGAL_AID.fields[0].label, choices=kinds.AID_CATEGORIES, widget=forms.RadioSelect
    )


class StepForm(forms.Form):
    action = forms.CharField()
    text = forms.CharField(required=False, max_length=services.MAX_TEXT)
    stars = forms.TypedChoiceField(required=False, choices=[(str(n), str(n)) for n in range(1, 6)], coerce=int)
    confirmed = forms.BooleanField(required=False)


class MaterialForm(StyledForm):
    def __init__(self, kind, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("What the file is"), choices=[(m.kind, m.label) for m in kind.materials]
        )
        self.fields["file"] = forms.FileField(
            label=pgettext_lazy("matters", "File"),
            help_text=file_help(),
            widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
        )
        self.styled()


class ProgressForm(StyledForm):
    reference = forms.CharField(
        label=pgettext_lazy("matters", "Reference number"),
        max_length=20,
        help_text=_("As on your receipt or text message, e.g. ZX-2026-000123."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    phone_last4 = forms.CharField(
        label=_("Last 4 digits of the applicant's mobile number"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )


class RespondForm(StyledForm):
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

"""The resident's and the moderator's forms.

They only collect and shape the input; each field is checked by the same
``ratings.services`` cleaner the service itself uses, so an error lands
beside its field with the service's own message, and no rule lives here.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from ratings import services
from ratings.models import Rating

STAR_WORDS = {
    5: pgettext_lazy("rating", "excellent"),
    4: pgettext_lazy("rating", "good"),
    3: pgettext_lazy("rating", "fair"),
    2: pgettext_lazy("rating", "poor"),
    1: pgettext_lazy("rating", "very poor"),
}


def stars_label(stars):
    """ "4 stars – good": what a screen reader (and everybody else) hears for a choice of stars."""
    count = ngettext("%(stars)d star", "%(stars)d stars", stars) % {"stars": stars}
    return f"{count} – {STAR_WORDS[stars]}"


class RatingForm(forms.Form):
    stars = forms.CharField(
        label=_("How was your visit?"),
        required=False,
        widget=forms.RadioSelect(choices=[(stars, stars) for stars in (5, 4, 3, 2, 1)]),
    )
    tags = forms.Field(
        label=_("What stood out? (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(choices=Rating.Tag.choices),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": services.MAX_TEXT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _(
            "At most %(limit)s characters. Wherever the rating is shown, your name is shortened (e.g. 张*)."
        ) % {"limit": services.MAX_TEXT}

    def star_choices(self):
        chosen = str(self["stars"].value() or "")
        return [(stars, stars_label(stars), str(stars) == chosen) for stars in (5, 4, 3, 2, 1)]

    def tag_choices(self):
        chosen = set(self["tags"].value() or ())
        return [(value, label, value in chosen) for value, label in Rating.Tag.choices]

    def clean_stars(self):
        return self._checked(services.clean_stars, self.cleaned_data["stars"])

    def clean_tags(self):
        return self._checked(services.clean_tags, self.cleaned_data["tags"])

    def clean_comment(self):
        return self._checked(services.clean_text, self.cleaned_data["comment"], _("the comment"))

    @staticmethod
    def _checked(cleaner, *args):
        try:
            return cleaner(*args)
        except services.InvalidInput as error:
            raise forms.ValidationError(error.message) from None


class ConfirmCaseForm(forms.Form):
    resolved = forms.ChoiceField(
        label=_("Is this resolved?"),
        choices=[("yes", _("Yes, it is resolved")), ("no", _("No, it is not resolved"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether it is resolved."), "invalid_choice": _("Choose yes or no.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

    def clean_note(self):
        try:
            return services.clean_text(self.cleaned_data["note"], _("the note"), limit=500)
        except services.InvalidInput as error:
            raise forms.ValidationError(error.message) from None

    def answer(self):
        return self.cleaned_data["resolved"] == "yes"


class ModerationFilterForm(forms.Form):
    """Which ratings the moderator sees: all, visible or hidden, and optionally only poor ones."""

    SHOW = {"all": _("All"), "visible": _("Visible"), "hidden": _("Hidden")}

    show = forms.ChoiceField(label=_("Show"), choices=list(SHOW.items()), required=False, widget=forms.RadioSelect)
    poor = forms.BooleanField(label="", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["poor"].label = _("Only %(stars)s stars or fewer") % {"stars": settings.FOLLOW_UP_MAX_STARS}

    def chosen(self):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("show") or "all", bool(data.get("poor"))

    def filter(self, ratings):
        show, poor = self.chosen()
        if show == "visible":
            ratings = ratings.filter(hidden_at__isnull=True)
        elif show == "hidden":
            ratings = ratings.filter(hidden_at__isnull=False)
        if poor:
            ratings = ratings.filter(stars__lte=settings.FOLLOW_UP_MAX_STARS)
        return ratings

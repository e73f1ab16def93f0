"""Forms of the counter pages: look a resident up, register one, book for one."""

from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.ids import IdField
from marketplace.users.services import normalise_phone

# The resident chosen in step 1 travels to the booking form as a signed value, so the
# form can only name someone this staff member looked up at this provider (never an id
# typed into a crafted request), and the page never has to carry the full phone number.
RESIDENT_SALT = "providers.counter.resident"
RESIDENT_MAX_AGE = 8 * 60 * 60  # a working day at the counter


def resident_token(staff_user, provider, resident):
    return signing.dumps([resident.pk, provider.pk, staff_user.pk], salt=RESIDENT_SALT, compress=True)


def resident_from_token(staff_user, provider, token):
    """The active resident a token names, if it was made for this staff member and provider; else None."""
    try:
        resident_id, provider_id, staff_id = signing.loads(
            str(token or ""), salt=RESIDENT_SALT, max_age=RESIDENT_MAX_AGE
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if (provider_id, staff_id) != (provider.pk, staff_user.pk):
        return None
    return get_user_model().objects.filter(pk=resident_id, is_active=True).first()


def _phone_field():
    return forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": _("Enter the resident's mobile phone number.")},
    )


class PhoneForm(forms.Form):
    """Step 1: the resident's mobile number, as they say it."""

    phone = _phone_field()

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class CounterRegistrationForm(forms.Form):
    """A resident without an account: name and phone, email optional. The rules are in the service."""

    name = forms.CharField(
        label=_("Resident's name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the resident's name.")},
    )
    phone = _phone_field()
    email = forms.CharField(
        label=_("Email (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("Only if the resident wants to sign in online later."),
    )

    def __init__(self, *args, **kwargs):
        # It shares a page with the phone look-up form: its own ids keep every label unambiguous.
        kwargs.setdefault("auto_id", "register-%s")
        super().__init__(*args, **kwargs)


class CounterBookingForm(forms.Form):
    """Step 2: which slot, a note, and the resident's consent."""

    resident = forms.CharField(widget=forms.HiddenInput)
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
    consent = forms.BooleanField(
        label=_(
            "The resident is here and agrees that staff book this service for them and record their name "
            "and mobile phone number for it."
        ),
        error_messages={"required": _("Ask the resident for their consent and tick the box.")},
    )

    group = forms.ChoiceField(
        label=_("Group the resident declares"),
        required=False,
        help_text=_("For a service for members of a group: check the evidence when they come."),
    )
    override = forms.BooleanField(
        label=_("Book despite the service's rules"),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for booking despite the rules (required)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the booking's history, e.g. the resident showed their household register."),
    )

    def __init__(self, *args, staff_user, provider, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_user = staff_user
        self.provider = provider
        self.fields["group"].choices = [("", _("None"))] + [(group, group) for group in groups]

    def override_reason_given(self):
        """None when the clerk does not override; else the reason (the booking service refuses an empty one)."""
        return self.cleaned_data.get("override_reason", "") if self.cleaned_data.get("override") else None

    def clean_resident(self):
        resident = resident_from_token(self.staff_user, self.provider, self.cleaned_data["resident"])
        if resident is None:
            raise ValidationError(_("Look the resident up again by their phone number."))
        return resident

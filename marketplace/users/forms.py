from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class

from marketplace.users.models import Dependant


class DependantDetailsForm(forms.Form):
    """What the services' eligibility rules judge a dependant on; the rules are ``services.edit_dependant``'s."""

    birth_date = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        help_text=_("Some services are for people of an age, e.g. the free check-up for those aged 65 or over."),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    home_community = forms.ModelChoiceField(
        label=_("Community of residence (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Not recorded"),
        help_text=_("Some services are for residents of the district or of one street."),
    )

    def __init__(self, *args, **kwargs):
        from providers.models import Community

        super().__init__(*args, **kwargs)
        self.fields["home_community"].queryset = Community.objects.select_related("street")
        self.fields["home_community"].label_from_instance = lambda community: (
            f"{community.street.name} · {community.name}"
        )


class DependantForm(DependantDetailsForm):
    """The fields of a dependant; the rules are ``services.add_dependant``'s."""

    name = forms.CharField(label=_("Name"), max_length=100)
    relation = forms.ChoiceField(label=_("Relation to you"), choices=Dependant.Relation.choices)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Theirs, if they have one. Shown only masked."),
    )

    field_order = ["name", "relation", "phone", "birth_date", "home_community"]


class PasswordResetForm(get_class("customer.forms", "PasswordResetForm")):
    """Oscar's, with the link sent by a background task: the page does the same work, in the same
    time, whether or not the address has an account (one look-up, one task, with no account to send to
    or some).

    The task is given the accounts' ids, not the address: its row, kept after it ran, must not hold
    the address in clear, nor say whether it was typed by someone who has none."""

    def save(self, *args, **kwargs):
        from marketplace.background import enqueue_on_commit
        from marketplace.users.tasks import send_password_reset

        enqueue_on_commit(send_password_reset, [user.pk for user in self.get_users(self.cleaned_data["email"])])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you who deletes the account."),
    )


class SmsPhoneForm(forms.Form):
    """Signing in by SMS, step one: the mobile number the code goes to."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("A mainland China mobile number. New here? Signing in makes your account."),
    )


class SmsCodeForm(forms.Form):
    """Signing in by SMS, step two: the 6 digits received."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )


class ProfileForm(forms.Form):
    """What a resident states about themselves; the rules are ``identity.update_profile``'s."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("You can sign in with it and a code sent by text message."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Some services are for certain ages. Filled in from your ID card number if you leave it empty."),
    )
    home_community = forms.ModelChoiceField(
        label=_("Community of residence"),
        queryset=None,
        required=False,
        empty_label=_("Not stated"),
        help_text=_("Some services are for residents of the district or of a street."),
    )
    id_number = forms.CharField(
        label=_("ID card number (居民身份证号)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Stored encrypted and shown only masked. Every time staff see it in full, it is listed under "
            "“Who has seen my data”."
        ),
    )
    remove_id_number = forms.BooleanField(label=_("Remove my ID card number"), required=False)

    def __init__(self, user, *args, **kwargs):
        from providers.models import Community

        self.user = user
        kwargs.setdefault(
            "initial",
            {
                "name": user.name,
                "phone": user.phone,
                "birth_date": user.birth_date,
                "home_community": user.home_community_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["home_community"].queryset = Community.objects.select_related("street")
        for name, field in self.fields.items():
            if not isinstance(field, forms.BooleanField):
                field.widget.attrs.setdefault("class", "form-control")
                if field.help_text:
                    field.widget.attrs["aria-describedby"] = f"id_{name}-help"
        self.fields["home_community"].label_from_instance = lambda community: (
            f"{community.street.name} · {community.name}"
        )

    def changes(self):
        """The keyword arguments of ``identity.update_profile``: an empty ID number keeps the one recorded."""
        data = self.cleaned_data
        changes = {field: data[field] for field in ("name", "phone", "birth_date", "home_community")}
        if data.get("remove_id_number"):
            changes["id_number"] = ""
        elif data.get("id_number"):
            changes["id_number"] = data["id_number"]
        return changes

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

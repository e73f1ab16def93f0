from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.forms.pages import CopyForm


class ServicePageForm(WagtailAdminPageForm):
    """The guide page's form checks the page against its product with the parent it will have."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sector = self.sector
        if sector is not None and "category" in self.fields:
            self.fields["category"].queryset = sector.get_tree(sector)
        if self.instance.pk and self.instance.product_id and "product" in self.fields:
            # Clearing or swapping it would leave the old service behind under the old name, with no guide.
            self.fields["product"].disabled = True
            self.fields["product"].help_text = _("A guide keeps the service it was made for; rename it with the title.")

    @property
    def sector(self):
        parent = self.parent_page.specific if self.parent_page is not None else None
        return getattr(parent, "category", None)

    def clean(self):
        from cms.services import check_service_page

        cleaned = super().clean()
        sector = self.sector
        page = self.instance
        page.category = cleaned.get("category")
        page.product = cleaned.get("product")
        try:
            check_service_page(page, sector)
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class GuideCopyForm(CopyForm):
    """An alias repeats its page, so an aliased guide would be a second guide of the same service."""

    def clean(self):
        from cms.models import ServicePage

        cleaned = super().clean()
        if cleaned.get("alias"):
            guides = ServicePage.objects.filter(pk=self.page.pk)
            if cleaned.get("copy_subpages"):
                guides = ServicePage.objects.descendant_of(self.page, inclusive=True)
            if guides.exists():
                self.add_error(
                    "alias",
                    _(
                        "A service has one guide page, so a guide cannot have an alias: "
                        "copy it, which makes a new service."
                    ),
                )
        return cleaned


class AdminSignInForm(LoginForm):
    """Wagtail's sign-in form, whose password field has no label of its own (Django shows its name, in English)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

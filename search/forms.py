from django import forms
from django.utils.translation import gettext_lazy as _

from search.services import ServiceQuery


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search services"), max_length=100, required=False)
    category = forms.SlugField(required=False, widget=forms.HiddenInput)
    street = forms.SlugField(label=_("Street"), required=False)
    free = forms.NullBooleanField(label=_("Free only"), required=False)
    page = forms.IntegerField(min_value=1, max_value=10000, required=False)

    def to_query(self):
        data = self.cleaned_data
        return ServiceQuery(
            q=data.get("q") or "",
            categories=tuple(filter(None, [data.get("category")])),
            streets=tuple(filter(None, [data.get("street")])),
            free=data.get("free"),
            page=data.get("page") or 1,
        )

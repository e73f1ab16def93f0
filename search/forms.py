"""What a resident asks the search page (or a sector page) for, read from the address.

The form never refuses a search: a value it cannot read (``page=abc``,
``sort=bogus``, a malformed slug) is left out and named in ``ignored``, and
the search runs with the rest. Unknown but well-formed slugs go through and
simply match nothing.
"""

from django import forms
from django.core.validators import validate_unicode_slug
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from search.query import MODES, SORTS, ServiceQuery
from search.text import MAX_QUERY_LENGTH

PAGE_SIZE = 20
# Further than any resident pages; keeps the offset a sane number for the database.
MAX_PAGE = 10_000
MAX_VALUES = 50
FREE_VALUES = {"true": True, "false": False}
# The filters a resident can tick, in the order the page shows them.
FACET_PARAMETERS = ("category", "street", "community", "free", "mode")


class SlugsField(forms.Field):
    """Several slugs under one name (?street=a&street=b); alternatives of one filter."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"too_many": _("Too many values.")}

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return list(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_VALUES:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        for slug in value:
            if len(slug) > 100:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            validate_unicode_slug(slug)


class ServiceSearchForm(forms.Form):
    """The search page's filters; on a sector page the sector is fixed and ``category`` is not asked."""

    q = forms.CharField(label=_("Search services"), max_length=MAX_QUERY_LENGTH, required=False)
    category = SlugsField(label=_("Sector"), required=False)
    street = SlugsField(label=_("Street"), required=False)
    community = SlugsField(label=_("Community"), required=False)
    free = forms.MultipleChoiceField(
        label=_("Price"), choices=[("true", _("Free")), ("false", _("Paid"))], required=False
    )
    mode = forms.MultipleChoiceField(
        label=_("How"), choices=list(zip(MODES, (_("On site"), _("Online")), strict=True)), required=False
    )
    available_within_days = forms.TypedChoiceField(
        label=_("Open place within"),
        choices=[("", _("Any time")), ("3", _("3 days")), ("7", _("7 days")), ("14", _("14 days"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=list(zip(SORTS, (_("Best match"), _("Soonest open place"), _("Newest")), strict=True)),
        required=False,
    )
    page = forms.IntegerField(label=_("Page"), min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(self, data, sector=None, **kwargs):
        super().__init__(data, **kwargs)
        self.sector = sector
        if sector is not None:
            del self.fields["category"]
        self.full_clean()

    @property
    def ignored(self):
        """The labels of what could not be read and was left out of the search."""
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]

    def to_query(self, page=None):
        data = self.cleaned_data
        free = {FREE_VALUES[value] for value in data.get("free") or ()}
        categories = (self.sector.slug,) if self.sector is not None else tuple(data.get("category") or ())
        return ServiceQuery(
            q=(data.get("q") or "").strip(),
            categories=categories,
            streets=tuple(data.get("street") or ()),
            communities=tuple(data.get("community") or ()),
            # Both ticked asks for every service, as does neither.
            free=free.pop() if len(free) == 1 else None,
            modes=tuple(mode for mode in MODES if mode in (data.get("mode") or ())),
            available_within_days=data.get("available_within_days"),
            sort=data.get("sort") or "relevance",
            page=page or data.get("page") or 1,
            page_size=PAGE_SIZE,
        )


def parameters(query, sector=None):
    """The address of ``query`` as a QueryDict, without the page: what links carry from one view to the next."""
    params = QueryDict(mutable=True)
    if query.q:
        params["q"] = query.q
    lists = {"category": () if sector is not None else query.categories, "street": query.streets}
    lists.update(community=query.communities, mode=query.modes)
    for name, values in lists.items():
        if values:
            params.setlist(name, list(values))
    if query.free is not None:
        params["free"] = "true" if query.free else "false"
    if query.available_within_days is not None:
        params["available_within_days"] = str(query.available_within_days)
    if query.sort != "relevance":
        params["sort"] = query.sort
    return params

"""Links between the console's day-based pages, and the day (and service) a request asks for."""

from urllib.parse import urlencode

from django.urls import reverse

from providers.console import reads
from providers.console.forms import DayForm


def day_url(name, provider, day=None, offering=None):
    """The URL of console page ``name`` for ``provider``, on ``day``, for one ``offering`` if given."""
    query = {}
    if day is not None:
        query["date"] = day.isoformat()
    if offering is not None:
        query["offering"] = offering.pk
    url = reverse(name, kwargs={"partner_id": provider.pk})
    return f"{url}?{urlencode(query)}" if query else url


def chosen_day(provider, data):
    """(form, day, offering) asked for in ``data``; a bad value falls back to today and every service."""
    form = DayForm(data, offerings=reads.offerings_of(provider))
    day, offering = form.chosen(reads.today())
    return form, day, offering

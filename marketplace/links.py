"""Links that editors store lead to web pages, this site, a phone or an email, nothing else
(issue 18, item 4).

A menu link ``javascript:…`` (or ``data:``, ``vbscript:``) would run in the browser of every
resident who clicks it, with their session. The rule sits on the model fields
(``validators=[validate_safe_link]``), so the Wagtail admin, Django's admin and any other door
that validates the model refuse it with the same message; what is rendered is checked again
(``is_safe_link``), for rows written before the rule or around validation.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SAFE_SCHEMES = {"http", "https", "tel", "mailto"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers drop tabs and line breaks anywhere in a URL ("java\tscript:" is javascript: to them) and
# spaces and control characters around it: such characters are refused, spaces looked past.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def link_problem(value):
    """None when ``value`` is a link editors may store, or the reason it is not."""
    raw = str(value)
    if CONTROL.search(raw):
        return _("A link cannot contain tabs, line breaks or other control characters.")
    address = raw.strip(" ")
    scheme = SCHEME.match(address)
    if scheme is None:
        return None  # relative: an address on this site (/search/, ?page=2, #top)
    name = scheme.group(1).lower()
    if name not in SAFE_SCHEMES:
        return _("Links may only be web addresses (http:// or https://), addresses on this site (/…), tel: or mailto:.")
    if name in ("http", "https") and not urlsplit(address).netloc:
        return _("A web address needs its host, e.g. https://www.km.gov.cn/.")
    return None


def is_safe_link(value):
    return bool(value) and link_problem(value) is None


def validate_safe_link(value):
    problem = link_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="unsafe_link")

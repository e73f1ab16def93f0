"""Ids from outside (forms, query strings, stored option values) are read one strict way
(issue 18, item 4).

Python's ``int()`` reads any Unicode decimal digit (``int("٣") == 3``), ``str.isdigit()``
also says yes to ``"²"``, which ``int()`` then refuses, and a 30-digit number overflows
the database's integer: a careless parse turns a tampered form into a 500, or into the
wrong row. Here an id is 1 to 19 ASCII digits and at most the largest key a database holds;
everything else is no id at all.
"""

import re

from django import forms
from django.core.exceptions import BadRequest

MAX_ID = 2**63 - 1  # the largest primary key any of our databases can hold
ID = re.compile(r"[0-9]{1,19}")  # [0-9], not \d: \d matches every script's digits


def parse_id(value):
    """The positive id ``value`` spells (an int, or a text of ASCII digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and ID.fullmatch(value.strip(" \t\r\n")):
        number = int(value.strip(" \t\r\n"))
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def id_or_bad_request(value):
    """For a door reading a raw parameter: None when it is absent or blank, the id when it is one,
    and a 400 (Bad Request) when it is anything else, which no page of ours sends."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = parse_id(value)
    if number is None:
        raise BadRequest(f"Not an id: {str(value)[:40]!r}")
    return number


class IdField(forms.IntegerField):
    """A form's id: ``parse_id``'s rule, with the field's own "invalid" message."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that takes only a well-formed id: ``"٣"`` is no choice, not row 3."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

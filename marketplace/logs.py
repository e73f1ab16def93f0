"""Log lines without personal data: phones, resident ID numbers and email addresses are masked
(marketplace.background.scrub) in everything a line carries, the message, its arguments, the
traceback and any extra field, whether the line is JSON (production) or text."""

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter


def _scrub(text):
    from django.apps import apps

    if not apps.ready:
        # gunicorn's master and a worker still starting: their own lines (listening, booting, a setting
        # refused), which name no person; the masks need the apps (marketplace.background).
        return text
    from marketplace.background import scrub

    return scrub(text)


class ScrubbedJsonFormatter(JsonFormatter):
    """One JSON object a line (python-json-logger), masked after serialising, so no field escapes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("json_ensure_ascii", False)  # Chinese stays readable
        # The request object Django's loggers attach would be written as its repr, query string included.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "taskName", "request"])
        super().__init__(*args, **kwargs)

    def serialize_log_record(self, log_data):
        return _scrub(super().serialize_log_record(log_data))


class ScrubbedFormatter(logging.Formatter):
    def format(self, record):
        return _scrub(super().format(record))


# The formatters of the production settings' LOGGING and of gunicorn's own lines (gunicorn.conf.py).
FORMATTERS = {
    "json": {
        "()": "marketplace.logs.ScrubbedJsonFormatter",
        "fmt": "%(levelname)s %(name)s %(message)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": True,
    },
    "text": {"()": "marketplace.logs.ScrubbedFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
}

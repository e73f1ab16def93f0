"""Every CSV the site hands out is safe to open in a spreadsheet (issue 18, item 4).

A cell whose text begins like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
also after leading spaces) is run as one by Excel, WPS and LibreOffice: a resident named
``=HYPERLINK("http://…")`` would put a link, or worse, in front of the staff who open the day's
list. ``spreadsheet_safe`` makes such a cell plain text by putting an apostrophe before it,
the way spreadsheets themselves mark text; every CSV export goes through it:

- ours (the provider's day list, the street index and the service circle) write with ``writer``;
- Oscar's dashboard (orders, reports) writes with ``oscar.core.compat.UnicodeCSVWriter`` and
  Wagtail's admin (reports, listings) with ``SpreadsheetExportMixin.write_csv_row``:
  ``neutralise_library_exports`` (run once from ``MarketplaceConfig.ready``) makes both call it.

XLSX needs none of this: its cells are typed, a text cell is never evaluated, and Wagtail
already writes a text that openpyxl took for a formula as text.
"""

import csv

# The ASCII signs and their full-width forms (what a Chinese input method types): cheaper
# to neutralise than to find out which spreadsheet and version converts them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_safe(value):
    """The cell as a spreadsheet should show it: text that would start a formula gets a leading
    apostrophe; numbers, dates and other text are left as they are, ``None`` is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)):
        return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through ``spreadsheet_safe``."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **options):
    return SafeWriter(file, **options)


def _oscar_writerow(self, row):
    if self.writer is None:
        self.writer = csv.writer(self.f, dialect=self.dialect, **self.kw)
    self.writer.writerow([spreadsheet_safe(value) for value in row])


def _wagtail_write_csv_row(self, writer, row_dict):
    return writer.writerow(
        {
            field: spreadsheet_safe(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        }
    )


def neutralise_library_exports():
    """Oscar's and Wagtail's CSV exports write every cell through ``spreadsheet_safe``.

    Both libraries write their CSVs through one method each, which their views reach through
    the class (so an import made before this runs still gets it); the tests export through
    their real views, so an upgrade that moves the method fails there rather than quietly."""
    from oscar.core.compat import UnicodeCSVWriter
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    UnicodeCSVWriter.writerow = _oscar_writerow
    SpreadsheetExportMixin.write_csv_row = _wagtail_write_csv_row

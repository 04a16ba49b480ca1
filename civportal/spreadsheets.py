"""Cells for every CSV and XLSX file the portal writes: text people typed can never run.

Officers open exports and reports in Excel, LibreOffice or Google Sheets. A community
name, contact, walk-in name or session title typed as ``=HYPERLINK(...)`` or
``=cmd|' /C calc'!A0`` would otherwise be a live formula there (and openpyxl itself
turns any string starting with "=" into a formula). As OWASP's CSV-injection guidance
recommends, text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
leading apostrophe, which spreadsheets read as "this is text", and CSV text fields are
quoted. Control characters are removed: XLSX cannot hold most of them (openpyxl refuses
the whole file on one ESC). Numbers, Decimals, dates and booleans stay typed cells.

The portal's import reads cells back through ``restore_cell``, so an exported file
re-imports exactly as it was exported.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from openpyxl import Workbook

from .text import without_control_characters

NEUTRALISER = "'"
# Apostrophes already in front of a trigger get one more, so removing exactly one on
# import gives back what was typed (a name typed as "'=x" stays "'=x").
_NEEDS_NEUTRALISER = re.compile(r"'*[=+\-@\t\r]")
# Values a spreadsheet keeps as typed cells (datetime is a date): they cannot be formulas.
TYPED_VALUES = (bool, int, float, Decimal, date, time)


def safe_cell(value):
    """``value`` as a cell that cannot run: text neutralised and cleaned, typed values kept."""
    if value is None or isinstance(value, TYPED_VALUES):
        return value
    text = without_control_characters(str(value))
    if _NEEDS_NEUTRALISER.match(text):
        return NEUTRALISER + text
    return text


def restore_cell(text: str) -> str:
    """The text ``safe_cell`` neutralised, as it was typed; other text unchanged."""
    if text.startswith(NEUTRALISER) and _NEEDS_NEUTRALISER.match(text, 1):
        return text[1:]
    return text


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """A CSV file: UTF-8 with a byte-order mark so Excel reads Thai, every text field quoted."""
    buffer = io.StringIO()
    # QUOTE_STRINGS: text quoted (as OWASP advises), numbers and empty cells left bare.
    writer = csv.writer(buffer, quoting=csv.QUOTE_STRINGS)
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class XlsxWorkbook:
    """A write-only openpyxl workbook whose every cell goes through ``safe_cell``."""

    def __init__(self):
        self._workbook = Workbook(write_only=True)

    def add_sheet(self, title: str, header: Iterable) -> "XlsxSheet":
        sheet = XlsxSheet(self._workbook.create_sheet(title))
        sheet.append(header)
        return sheet

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


class XlsxSheet:
    def __init__(self, worksheet):
        self._worksheet = worksheet

    def append(self, values: Iterable) -> None:
        self._worksheet.append(safe_row(values))

"""Hostile import files cost seconds and megabytes, never the web process.

A workbook may declare any size, pack millions of cells or parts that inflate to
hundreds of MB into a few kilobytes; each is refused (or read correctly) quickly, with
a clear message, and nothing is saved.
"""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from communities.imports import MAX_ROWS, ImportFileError, read_table
from communities.models import Community

from .helpers import officer

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet(content: bytes, write_sheet) -> bytes:
    """The workbook with its first sheet's XML replaced by what ``write_sheet`` streams."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == SHEET:
                with archive.open(SHEET, "w", force_zip64=True) as part:
                    write_sheet(part, source.read(SHEET))
            else:
                archive.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def dimension_bomb(rows=4000) -> bytes:
    """A small workbook whose sheet declares A1:XFD1048576 (16,384 columns, 1M rows)."""
    content = _workbook([["name_th", "tambon_code"], *([f"x{i}", "800101"] for i in range(rows))])

    def write(part, original):
        part.write(re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', original))

    return _with_sheet(content, write)


def _measured(call):
    """(result or raised ImportFileError, seconds, peak MB traced)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except ImportFileError as error:
        outcome = error
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return outcome, seconds, peak


def test_a_workbook_declaring_every_cell_of_excel_is_read_in_seconds_and_megabytes():
    content = dimension_bomb()
    assert len(content) < 60_000

    rows, seconds, peak = _measured(lambda: read_table("bomb.xlsx", content))

    # Before: 13 s and a 523 MB peak here (48 s and 657 MB in the web process).
    assert seconds < 5 and peak < 100, (seconds, peak)
    assert len(rows) == 4000
    assert rows[0] == (2, {"name_th": "x0", "tambon_code": "800101"})


def inflating_workbook(megabytes: int) -> bytes:
    """A workbook whose sheet part inflates to ``megabytes`` MB of empty rows (0.15 % packed)."""

    def write(part, _original):
        part.write(SHEET_START + b"<sheetData>")
        filler = b"<row/>" * (2**20 // 6)
        for _ in range(megabytes):
            part.write(filler)
        part.write(b"</sheetData></worksheet>")

    return _with_sheet(_workbook([["name_th"]]), write)


def in_thai(message: str, **params) -> str:
    with translation.override("th"):
        return gettext(message) % params


def test_a_sheet_part_inflating_to_hundreds_of_mb_is_refused_without_inflating_it(monkeypatch):
    content = inflating_workbook(300)
    assert len(content) < 5 * 2**20  # passes the upload form's size limit
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: opened.append(name) or real_open(self, name, *a, **k),
    )

    error, seconds, peak = _measured(lambda: read_table("bomb.xlsx", content))

    assert isinstance(error, ImportFileError) and "50 MB" in str(error)
    assert opened == []  # refused from the archive's directory alone
    assert seconds < 1 and peak < 20, (seconds, peak)


def test_a_workbook_packed_with_tiny_cells_is_refused_before_openpyxl_parses_them():
    def write(part, _original):
        part.write(SHEET_START + b"<sheetData>")
        part.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>name_th</t></is></c></row>')
        for row in range(2, 502):
            part.write(f'<row r="{row}">'.encode())
            part.write(b"".join(b'<c r="B%d"><v>1</v></c>' % row for _ in range(1000)))
            part.write(b"</row>")
        part.write(b"</sheetData></worksheet>")

    content = _with_sheet(_workbook([["name_th"]]), write)  # 500,000 cells, 12 MB unpacked

    error, seconds, _peak = _measured(lambda: read_table("cells.xlsx", content))

    assert isinstance(error, ImportFileError) and str(MAX_ROWS) in str(error)
    assert seconds < 2, seconds


def test_a_row_far_below_the_data_is_refused_without_walking_to_it():
    def write(part, original):
        part.write(
            original.replace(
                b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'
            )
        )

    content = _with_sheet(_workbook([["name_th", "tambon_code"], ["x", "800101"]]), write)

    error, seconds, _peak = _measured(lambda: read_table("far.xlsx", content))

    assert isinstance(error, ImportFileError) and "10000" in str(error)
    assert seconds < 2, seconds


def test_reading_stops_at_the_row_limit():
    content = _workbook([["name_th"], *([f"x{i}"] for i in range(MAX_ROWS + 1))])

    with pytest.raises(ImportFileError, match=str(MAX_ROWS)):
        read_table("many.xlsx", content)
    assert (
        len(
            read_table(
                "enough.xlsx", _workbook([["name_th"], *([f"x{i}"] for i in range(MAX_ROWS))])
            )
        )
        == MAX_ROWS
    )


def test_columns_past_the_last_known_one_are_not_read():
    rows = read_table(
        "wide.xlsx",
        _workbook([["name_th", "note", "tambon_code", "other"], ["x", "n", "800101", "o"]]),
    )

    assert rows == [(2, {"name_th": "x", "note": "n", "tambon_code": "800101"})]


def test_the_import_page_refuses_a_bomb_with_a_clear_message_and_saves_nothing(client):
    client.force_login(officer())
    before = Community.objects.count()

    upload = io.BytesIO(inflating_workbook(100))
    upload.name = "communities.xlsx"

    response = client.post(reverse("community_import"), {"kind": "communities", "file": upload})

    assert response.status_code == 200
    expected = in_thai(
        "This workbook unpacks to more than %(max)d MB, far more than %(rows)d rows "
        "need. Please save only the data as a new .xlsx or .csv file.",
        max=50,
        rows=MAX_ROWS,
    )
    assert response.context["form"].errors["file"] == [expected]
    assert Community.objects.count() == before


def test_a_csv_field_too_long_for_the_reader_is_a_form_error_not_a_500(client):
    client.force_login(officer())
    upload = io.BytesIO(("name_th,identity_story\nx," + "ก" * 200_000 + "\n").encode())
    upload.name = "communities.csv"

    response = client.post(reverse("community_import"), {"kind": "communities", "file": upload})

    assert response.status_code == 200
    expected = in_thai(
        "Line %(line)d of the CSV file cannot be read: a field is too long or a "
        "quotation mark is not closed.",
        line=2,
    )
    assert response.context["form"].errors["file"] == [expected]

"""The one helper every CSV/XLSX writer uses: typed text never becomes a formula."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from civportal.spreadsheets import restore_cell, safe_cell

# What members, leaders and coordinators could type into a name, contact or title.
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+66 81 234 5678",
    "@SUM(A1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("typed", FORMULAS)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["บ้านแม่แจ๋ม", "Ban Mae Jaem", "081-234-5678", "a=b", ""])
def test_ordinary_text_is_left_as_typed(typed):
    assert safe_cell(typed) == typed


@pytest.mark.parametrize(
    "value", [42, 0, -7, 3.5, Decimal("-150.25"), date(2026, 1, 15), datetime(2026, 1, 15, 9), True]
)
def test_numbers_dates_and_booleans_stay_typed_cells(value):
    assert safe_cell(value) is value


def test_none_stays_an_empty_cell():
    assert safe_cell(None) is None


def test_control_characters_are_removed_but_line_breaks_and_tabs_kept():
    assert safe_cell("ชุมชน\x1b[31mแม่แจ๋ม\x00\x7f\x85") == "ชุมชน[31mแม่แจ๋ม"
    assert safe_cell("บรรทัดแรก\nบรรทัดสอง\tต่อ") == "บรรทัดแรก\nบรรทัดสอง\tต่อ"


def test_a_control_character_cannot_hide_a_formula_behind_it():
    assert safe_cell("\x1b=1+1") == "'=1+1"


@pytest.mark.parametrize("typed", [*FORMULAS, "'=1+1", "''@x", "'quoted'", "บ้าน", "-"])
def test_restoring_a_cell_gives_back_exactly_what_was_typed(typed):
    assert restore_cell(safe_cell(typed)) == typed


def test_a_value_typed_with_an_apostrophe_before_a_formula_keeps_it():
    assert safe_cell("'=1+1") == "''=1+1"
    assert restore_cell("'=1+1") == "=1+1"  # an apostrophe the export added
    assert restore_cell("'ordinary") == "'ordinary"  # not one the export adds

"""Thai government fiscal years and the reporting periods every results figure groups by.

The fiscal year runs 1 October – 30 September and is named by the year in which it ends:
FY 2569 (BE) = FY 2026 (CE) = 1 Oct 2025 – 30 Sep 2026. Quarter 1 is October – December.
Years are held in the Common Era (``2026``) like every date of the portal and shown in the
reader's calendar: "ปีงบประมาณ พ.ศ. 2569" / "ไตรมาส 1/2569" in Thai, "FY 2026 (Oct 2025 –
Sep 2026)" / "Q1 FY2026" in English.

A ``Period`` is one reporting window of an indicator's frequency: a month, a quarter, a
fiscal year, or a single day for a per-visit indicator (a visit is its own period).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from civportal.templatetags.thaidate import (
    EN_MONTHS,
    TH_MONTHS,
    _is_thai,
    display_year,
    format_date,
)

FIRST_MONTH = 10  # October opens the fiscal year.


class Frequency(models.TextChoices):
    VISIT = "visit", _("Per visit")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly (fiscal year)")


def fiscal_year(day: date) -> int:
    """The fiscal year (CE, named by the year it ends) that ``day`` falls in."""
    return day.year + 1 if day.month >= FIRST_MONTH else day.year


def fiscal_quarter(day: date) -> int:
    """1 for October–December, 2 for January–March, 3 for April–June, 4 for July–September."""
    return ((day.month - FIRST_MONTH) % 12) // 3 + 1


def fy_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy`` (CE): 1 Oct of the year before – 30 Sep."""
    return date(fy - 1, FIRST_MONTH, 1), date(fy, 9, 30)


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _quarter_start(fy: int, quarter: int) -> date:
    month = (FIRST_MONTH - 1 + (quarter - 1) * 3) % 12 + 1
    return date(fy - 1 if month >= FIRST_MONTH else fy, month, 1)


@dataclass(frozen=True, order=True)
class Period:
    """One reporting window: ``start`` and ``end`` are both inclusive dates."""

    start: date
    end: date
    kind: str

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.start)

    @property
    def quarter(self) -> int:
        return fiscal_quarter(self.start)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return period_containing(self.end + timedelta(days=1), self.kind)

    def label(self, language: str | None = None) -> str:
        """The period's name in the reader's language (or ``language``)."""
        thai = _is_thai(language)
        if self.kind == Frequency.YEAR:
            return fy_label(self.fiscal_year, language)
        if self.kind == Frequency.QUARTER:
            if thai:
                return f"ไตรมาส {self.quarter}/{display_year(self.fiscal_year, 'th')}"
            return f"Q{self.quarter} FY{self.fiscal_year}"
        if self.kind == Frequency.MONTH:
            months = TH_MONTHS if thai else EN_MONTHS
            return f"{months[self.start.month - 1]} {display_year(self.start.year, language)}"
        return format_date(self.start, "long" if thai else "short", language)

    def __str__(self):
        return self.label()


def fy_label(fy: int, language: str | None = None) -> str:
    """ "ปีงบประมาณ พ.ศ. 2569" in Thai, "FY 2026 (Oct 2025 – Sep 2026)" in English."""
    if _is_thai(language):
        return f"ปีงบประมาณ พ.ศ. {display_year(fy, 'th')}"
    return f"FY {fy} (Oct {fy - 1} – Sep {fy})"


def period_containing(day: date, frequency: str) -> Period:
    """The period of ``frequency`` that ``day`` falls in."""
    if frequency == Frequency.YEAR:
        start, end = fy_bounds(fiscal_year(day))
    elif frequency == Frequency.QUARTER:
        start = _quarter_start(fiscal_year(day), fiscal_quarter(day))
        end = _month_end(start.year, start.month + 2)
    elif frequency == Frequency.MONTH:
        start, end = day.replace(day=1), _month_end(day.year, day.month)
    elif frequency == Frequency.VISIT:
        start = end = day
    else:
        raise ValueError(f"unknown reporting frequency {frequency!r}")
    return Period(start, end, str(Frequency(frequency)))


def periods_between(start: date, end: date, frequency: str) -> Iterator[Period]:
    """Every period of ``frequency`` that overlaps ``start``–``end`` (inclusive), in order.

    Per-visit indicators have no calendar of their own: they yield nothing here.
    """
    if frequency == Frequency.VISIT or end < start:
        return
    period = period_containing(start, frequency)
    while period.start <= end:
        yield period
        period = period.next()


def period_from_start(start: date, frequency: str) -> Period:
    """The period of ``frequency`` that begins on ``start``; ValueError when none does."""
    period = period_containing(start, frequency)
    if period.start != start:
        raise ValueError(f"{start} does not open a {frequency} period")
    return period

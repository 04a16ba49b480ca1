"""Dates in the reader's calendar: Buddhist Era in Thai (พ.ศ. 2568), Common Era in English.

Loaded as a template builtin: ``{{ value|thaidate }}``, ``{{ value|thaidate:"long" }}``,
``{{ value|thaidatetime }}`` and ``{{ year|be_year }}``.
"""

from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

BE_OFFSET = 543

TH_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
TH_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _is_thai(language: str | None = None) -> bool:
    return (language or get_language() or "th").startswith("th")


def display_year(year: int, language: str | None = None) -> int:
    """The year as the reader counts it: BE for Thai, CE for English."""
    return year + BE_OFFSET if _is_thai(language) else year


def ce_year(year: int) -> int:
    """A typed year back in the Common Era: a Buddhist Era year (from 2400 on: CE 1857)
    loses 543, whichever language the page is in; a CE year stays."""
    return year - BE_OFFSET if year >= 2400 else year


def first_weekday(language: str | None = None) -> int:
    """The day a week starts on, as Python numbers weekdays (Monday 0): Thai calendars
    start on Sunday, English ones here on Monday (ISO 8601)."""
    return 6 if _is_thai(language) else 0


def week_start(day: date, language: str | None = None) -> date:
    """The first day of the reader's week that holds ``day``."""
    return day - timedelta(days=(day.weekday() - first_weekday(language)) % 7)


def format_date(value: date | datetime, style: str = "short", language: str | None = None) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    year = display_year(value.year, language)
    if _is_thai(language):
        months = TH_MONTHS if style == "long" else TH_MONTHS_SHORT
        prefix = "พ.ศ. " if style == "long" else ""
        return f"{value.day} {months[value.month - 1]} {prefix}{year}"
    month = EN_MONTHS[value.month - 1]
    return f"{value.day} {month if style == 'long' else month[:3]} {year}"


@register.filter
def thaidate(value, style: str = "short"):
    if not value:
        return ""
    return format_date(value, style)


@register.filter
def thaidatetime(value, style: str = "short"):
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    suffix = " น." if _is_thai() else ""
    return f"{format_date(local, style)} {local:%H:%M}{suffix}"


@register.filter
def be_year(value):
    if value in (None, ""):
        return ""
    return display_year(int(value))

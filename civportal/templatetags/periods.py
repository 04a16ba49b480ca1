"""Fiscal years and reporting periods named in the reader's language (civportal.fiscal).

``{% load periods %}``, then ``{{ period|period_label }}`` ("ไตรมาส 1/2569" / "Q1 FY2026"),
``{{ 2026|fy_label }}`` ("ปีงบประมาณ พ.ศ. 2569" / "FY 2026 (Oct 2025 – Sep 2026)") and
``{{ some_date|fiscal_year_of|fy_label }}``.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

from civportal import fiscal

register = template.Library()


@register.filter
def period_label(value):
    if not value:
        return ""
    return value.label()


@register.filter
def fy_label(value):
    if value in (None, ""):
        return ""
    return fiscal.fy_label(int(value))


@register.filter
def fiscal_year_of(value):
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return fiscal.fiscal_year(value)
    return ""

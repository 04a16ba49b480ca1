"""Thai fiscal years (1 Oct – 30 Sep, named by the BE year they end in) and the reporting
periods results group by."""

from datetime import date
from itertools import pairwise

import pytest
from django.template import Context, Template
from django.utils import translation

from civportal.fiscal import (
    Frequency,
    Period,
    fiscal_quarter,
    fiscal_year,
    fy_bounds,
    fy_label,
    period_containing,
    period_from_start,
    periods_between,
)


def test_30_september_closes_the_fiscal_year_and_1_october_opens_the_next():
    assert fiscal_year(date(2026, 9, 30)) == 2026
    assert fiscal_year(date(2025, 10, 1)) == 2026
    assert fiscal_year(date(2025, 9, 30)) == 2025
    assert fiscal_year(date(2026, 10, 1)) == 2027


def test_fy_2569_runs_from_1_october_2025_to_30_september_2026():
    assert fy_bounds(2026) == (date(2025, 10, 1), date(2026, 9, 30))


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2025, 10, 1), 1),
        (date(2025, 12, 31), 1),
        (date(2026, 1, 1), 2),
        (date(2026, 3, 31), 2),
        (date(2026, 4, 1), 3),
        (date(2026, 6, 30), 3),
        (date(2026, 7, 1), 4),
        (date(2026, 9, 30), 4),
    ],
)
def test_quarter_1_is_october_to_december(day, quarter):
    assert fiscal_quarter(day) == quarter


def test_labels_count_the_buddhist_era_in_thai_and_the_common_era_in_english():
    quarter = period_containing(date(2025, 11, 15), Frequency.QUARTER)
    year = period_containing(date(2026, 2, 1), Frequency.YEAR)
    month = period_containing(date(2025, 10, 9), Frequency.MONTH)

    assert fy_label(2026, "th") == "ปีงบประมาณ พ.ศ. 2569"
    assert fy_label(2026, "en") == "FY 2026 (Oct 2025 – Sep 2026)"
    assert year.label("th") == "ปีงบประมาณ พ.ศ. 2569"
    assert quarter.label("th") == "ไตรมาส 1/2569"
    assert quarter.label("en") == "Q1 FY2026"
    # A month is named in its own calendar year, which is not the fiscal year.
    assert month.label("th") == "ตุลาคม 2568"
    assert month.label("en") == "October 2025"


def test_leap_day_falls_in_february_of_q2_and_february_ends_on_the_29th():
    leap = period_containing(date(2024, 2, 29), Frequency.MONTH)

    assert (leap.start, leap.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_containing(date(2025, 2, 10), Frequency.MONTH).end == date(2025, 2, 28)
    assert fiscal_year(date(2024, 2, 29)) == 2024
    assert fiscal_quarter(date(2024, 2, 29)) == 2
    q2 = period_containing(date(2024, 2, 29), Frequency.QUARTER)
    assert (q2.start, q2.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert fy_bounds(2024) == (date(2023, 10, 1), date(2024, 9, 30))


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2025, 10, 1), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 2, 14), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 5, 31), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_quarter_containing_a_day(day, start, end):
    period = period_containing(day, Frequency.QUARTER)

    assert (period.start, period.end, period.kind) == (start, end, "quarter")
    assert day in period


def test_a_visit_period_is_the_visit_day_itself():
    period = period_containing(date(2026, 3, 3), Frequency.VISIT)

    assert (period.start, period.end) == (date(2026, 3, 3), date(2026, 3, 3))
    assert period.label("en") == "3 Mar 2026"
    assert list(periods_between(date(2026, 1, 1), date(2026, 12, 31), Frequency.VISIT)) == []


def test_periods_between_covers_every_overlapping_period_in_order():
    quarters = list(periods_between(date(2025, 11, 20), date(2026, 4, 2), Frequency.QUARTER))
    months = list(periods_between(date(2025, 12, 31), date(2026, 1, 1), Frequency.MONTH))
    years = list(periods_between(date(2025, 9, 30), date(2025, 10, 1), Frequency.YEAR))

    assert [q.label("en") for q in quarters] == ["Q1 FY2026", "Q2 FY2026", "Q3 FY2026"]
    assert [(m.start, m.end) for m in months] == [
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 31)),
    ]
    assert [y.fiscal_year for y in years] == [2025, 2026]
    assert list(periods_between(date(2026, 2, 1), date(2026, 1, 1), Frequency.MONTH)) == []


def test_twelve_months_make_one_fiscal_year():
    start, end = fy_bounds(2024)  # a leap year: 366 days
    months = list(periods_between(start, end, Frequency.MONTH))

    assert len(months) == 12
    assert months[0].start == start and months[-1].end == end
    assert sum((m.end - m.start).days + 1 for m in months) == 366
    assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in pairwise(months))


def test_a_period_is_found_by_its_first_day_only():
    assert period_from_start(date(2026, 1, 1), Frequency.QUARTER) == Period(
        date(2026, 1, 1), date(2026, 3, 31), "quarter"
    )
    with pytest.raises(ValueError):
        period_from_start(date(2026, 2, 1), Frequency.QUARTER)
    with pytest.raises(ValueError):
        period_containing(date(2026, 2, 1), "weekly")


def test_template_filters_name_periods_in_the_readers_language():
    source = "{% load periods %}{{ p|period_label }} · {{ fy|fy_label }} · {{ d|fiscal_year_of }}"
    context = Context(
        {
            "p": period_containing(date(2026, 8, 1), Frequency.QUARTER),
            "fy": 2026,
            "d": date(2025, 10, 1),
        }
    )
    with translation.override("th"):
        assert Template(source).render(context) == "ไตรมาส 4/2569 · ปีงบประมาณ พ.ศ. 2569 · 2026"
    with translation.override("en"):
        assert Template(source).render(context) == (
            "Q4 FY2026 · FY 2026 (Oct 2025 – Sep 2026) · 2026"
        )

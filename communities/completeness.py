"""Completeness and timeliness of indicator values: due vs received, on time vs late.

As DHIS2 counts its "reporting rate" and "reporting rate on time": a value is **due** for
each active indicator with a reporting frequency (monthly, quarterly, yearly; per-visit
indicators have no calendar) × each *closed* period of the fiscal year since the community
joined (registered, or first visited if that was earlier); it is **received** when a value
for that community, indicator and period exists, and **on time** when the first one was
recorded before the end of the period's last day (Thai time) plus ``RESULTS_GRACE_DAYS``.

``completeness(communities)`` reads everything in three queries whatever the number of
communities (communities with their officer and province, indicators, first values), and
sums it per community, responsible officer and province.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from civportal import fiscal
from civportal.fiscal import Frequency, Period

from .models import Community, Indicator, IndicatorValue, name_expression


def grace_days() -> int:
    return settings.RESULTS_GRACE_DAYS


def on_time_deadline(period: Period) -> datetime:
    """The last moment a value for ``period`` counts as on time: the end of its last day in
    Thai time, plus the grace period."""
    last_day = period.end + timedelta(days=grace_days())
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


@dataclass
class Rate:
    due: int = 0
    received: int = 0
    on_time: int = 0

    def add(self, received: bool, on_time: bool) -> None:
        self.due += 1
        self.received += received
        self.on_time += on_time

    @property
    def missing(self) -> int:
        return self.due - self.received

    @property
    def late(self) -> int:
        return self.received - self.on_time

    @property
    def rate(self) -> float | None:
        """Share of due values received, 0–100 (None when nothing was due)."""
        return 100 * self.received / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class Gap:
    """One due value that is missing, or came in late."""

    community_id: int
    community_name: str
    province_name: str
    officer_name: str
    indicator: Indicator
    period: Period
    received_at: datetime | None  # None: still missing

    @property
    def missing(self) -> bool:
        return self.received_at is None


@dataclass
class Completeness:
    fiscal_year: int
    total: Rate = field(default_factory=Rate)
    by_community: dict[int, Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_officer: dict[str, Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_province: dict[str, Rate] = field(default_factory=lambda: defaultdict(Rate))
    gaps: list[Gap] = field(default_factory=list)

    def officers(self) -> list[tuple[str, Rate]]:
        return sorted(self.by_officer.items(), key=lambda row: (row[1].on_time_rate, row[0]))

    def provinces(self) -> list[tuple[str, Rate]]:
        return sorted(self.by_province.items(), key=lambda row: (row[1].on_time_rate, row[0]))

    @property
    def missing(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.missing]

    @property
    def late(self) -> list[Gap]:
        return [gap for gap in self.gaps if not gap.missing]


def reporting_year(today: date) -> int:
    """The fiscal year whose reporting is being chased on ``today``: the year of the latest
    month whose grace period is over. Early in October (and until mid-November) that is
    the year just ended, whose last values are still coming in; then the new one."""
    settled = today - timedelta(days=grace_days())
    return fiscal.fiscal_year(settled.replace(day=1) - timedelta(days=1))


def closed_periods(frequency: str, start: date, end: date, today: date) -> list[Period]:
    """The periods of ``frequency`` within ``start``–``end`` that ended before ``today``."""
    return [p for p in fiscal.periods_between(start, end, frequency) if p.end < today]


def completeness(
    communities: QuerySet[Community], fy: int | None = None, today: date | None = None
) -> Completeness:
    """Due, received and on-time values of ``communities`` (already scoped to the reader)
    for the closed periods of fiscal year ``fy`` (by default ``reporting_year``)."""
    today = today or timezone.localdate()
    fy = fy or reporting_year(today)
    first, last = fiscal.fy_bounds(fy)
    result = Completeness(fy)
    indicators = list(
        Indicator.objects.filter(active=True)
        .exclude(frequency=Frequency.VISIT)
        .order_by("position", "code")
    )
    periods = {
        frequency: closed_periods(frequency, first, last, today)
        for frequency in {i.frequency for i in indicators}
    }
    if not any(periods.values()):
        return result
    rows = list(
        communities.annotate(first_visit=Min("visits__visited_on"))
        .filter(Q(created_at__lt=on_time_deadline_for_day(last)) | Q(first_visit__lte=last))
        .values_list(
            "pk",
            name_expression(),
            name_expression("province__"),
            "responsible_officer__full_name",
            "responsible_officer__email",
            "created_at",
            "first_visit",
        )
    )
    first_recorded = {
        (community_id, indicator_id, start): recorded
        for community_id, indicator_id, start, recorded in IndicatorValue.objects.filter(
            visit__community__in=communities.values("pk"),
            indicator__in=indicators,
            period_start__gte=first,
            period_start__lte=last,
        )
        .values_list("visit__community_id", "indicator_id", "period_start")
        .annotate(first=Min("recorded_at"))
        .order_by()
    }
    for pk, name, province, full_name, email, created_at, first_visit in rows:
        registered = active_since(created_at, first_visit)
        officer = full_name or email or ""
        for indicator in indicators:
            for period in periods[indicator.frequency]:
                if period.end < registered:
                    continue  # the community was not in the programme yet
                recorded = first_recorded.get((pk, indicator.pk, period.start))
                on_time = recorded is not None and recorded < on_time_deadline(period)
                for rate in (
                    result.total,
                    result.by_community[pk],
                    result.by_officer[officer],
                    result.by_province[province],
                ):
                    rate.add(recorded is not None, on_time)
                if not on_time:
                    result.gaps.append(
                        Gap(pk, name, province, officer, indicator, period, recorded)
                    )
    result.gaps.sort(key=lambda gap: (gap.period.end, gap.community_name), reverse=True)
    return result


def active_since(created_at: datetime, first_visit: date | None) -> date:
    """The day a community joined the programme as far as the portal knows: registered,
    or visited before it was registered (communities entered after the fact)."""
    registered = timezone.localtime(created_at).date()
    return min(registered, first_visit) if first_visit else registered


def on_time_deadline_for_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- Dashboards: what they show of it (communities.figures keeps it in the cache) ---
GAPS_SHOWN = 20


@dataclass
class Summary:
    """What a dashboard shows of ``Completeness``: the totals, the rows by officer or by
    province, and the latest ``GAPS_SHOWN`` missing or late values with their count."""

    fiscal_year: int
    total: Rate
    officer_rows: list[tuple[str, Rate]]
    province_rows: list[tuple[str, Rate]]
    gaps: list[Gap]
    gap_count: int

    def officers(self) -> list[tuple[str, Rate]]:
        return self.officer_rows

    def provinces(self) -> list[tuple[str, Rate]]:
        return self.province_rows


def summarise(result: Completeness) -> Summary:
    return Summary(
        fiscal_year=result.fiscal_year,
        total=result.total,
        officer_rows=result.officers(),
        province_rows=result.provinces(),
        gaps=result.gaps[:GAPS_SHOWN],
        gap_count=len(result.gaps),
    )

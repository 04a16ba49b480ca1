"""Programme results for one Thai fiscal year: roll-ups by province, cohort and Big Brother.

One read per figure, whatever the number of communities (each a grouped query; the
groups are summed here): communities supported, their stage at the year's end and who
reached CIV in the year (from the stage changes), training hours and participant-hours
(derived from done sessions, mentorship.selectors.training_results), listings published,
enquiries received, and indicator progress against the year's targets.

A community under two companies' MOUs counts under each company and once in the totals.
Its cohort is its cohort link, or when it has none the cohort whose years hold its
``cohort_year`` (communities.selectors.with_cohort).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from civportal.fiscal import fy_bounds
from communities.models import (
    Cohort,
    Community,
    CommunityTarget,
    Indicator,
    IndicatorValue,
    Organisation,
    Province,
    Stage,
    StageChange,
)
from communities.selectors import communities_for, with_cohort
from mentorship.models import MOU
from mentorship.selectors import TRAINING_HOURS_INDICATOR, TrainingResult, training_results
from products.models import Enquiry, Product

from .charts import count_bars, progress_bar

BANGKOK = ZoneInfo("Asia/Bangkok")
# MOUs whose communities a company supports (a draft is not yet a commitment).
SUPPORTING = [MOU.Status.SIGNED, MOU.Status.ACTIVE, MOU.Status.EXPIRED, MOU.Status.TERMINATED]


@dataclass
class Figures:
    """The figures of one group of communities (a province, cohort, company, or all)."""

    key: object = None
    label: str = ""
    communities: int = 0
    stages: Counter = field(default_factory=Counter)
    reached_civ: int = 0
    sessions: int = 0
    hours: Decimal = Decimal(0)
    participant_hours: Decimal = Decimal(0)
    listings: int = 0
    enquiries: int = 0

    @property
    def stage_counts(self) -> list[int]:
        return [self.stages[stage] for stage in Stage.values]

    def add_community(self, row: dict) -> None:
        self.communities += 1
        self.stages[row["stage_at_end"]] += 1
        self.reached_civ += bool(row["reached_civ"])
        self.listings += row["listings_in_year"]
        self.enquiries += row["enquiries_in_year"]

    def add_training(self, result: TrainingResult) -> None:
        self.sessions += result.sessions
        self.hours += result.hours
        self.participant_hours += result.participant_hours


STAGE_COLOURS = {
    Stage.TARGET: "#90a4ae",
    Stage.DEVELOPING: "#f0a030",
    Stage.CIV: "#1b7f72",
    Stage.SELF_SUSTAINING: "#2e7d32",
}


def stage_bars(figures: Figures) -> list[dict]:
    """Server-side SVG bars of a group's stage distribution (labels in the HTML around)."""
    return count_bars(
        [(stage.label, figures.stages[stage.value], STAGE_COLOURS[stage]) for stage in Stage]
    )


@dataclass
class IndicatorProgress:
    indicator: Indicator
    target: Decimal
    current: Decimal
    reporting: int
    with_target: int

    @property
    def chart(self) -> str:
        return progress_bar(0, float(self.current), float(self.target))


@dataclass
class Results:
    fy: int
    total: Figures
    provinces: list[Figures]
    cohorts: list[Figures]
    companies: list[Figures]
    indicators: list[IndicatorProgress]


def _moment(day) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BANGKOK)


def stage_at(queryset: QuerySet[Community], moment: datetime) -> QuerySet[Community]:
    """Annotate ``stage_at_end``: the stage the community had at ``moment``.

    The last move before it; with none, the stage left by the first move after it; with
    no move at all, the stage the community has now.
    """
    moves = StageChange.objects.filter(community=OuterRef("pk"))
    before = moves.filter(changed_at__lt=moment).order_by("-changed_at", "-pk")
    after = moves.filter(changed_at__gte=moment).order_by("changed_at", "pk")
    return queryset.annotate(
        stage_at_end=Coalesce(
            Subquery(before.values("to_stage")[:1]),
            NullIf(Subquery(after.values("from_stage")[:1]), Value("")),
            "stage",
        )
    )


def results_communities(user, fy: int, *, province=None, cohort=None, company=None, window=None):
    """The communities in this user's scope the results of ``fy`` (or of ``window``, a
    (first, last) pair of dates) are about: registered by its end, narrowed by province,
    cohort (as reconciled) and company."""
    start, end = window or fy_bounds(fy)
    queryset = with_cohort(communities_for(user)).filter(created_at__lt=_moment(end + timedelta(1)))
    if province:
        queryset = queryset.filter(province_id=province)
    if cohort:
        queryset = queryset.filter(cohort_key=cohort)
    if company:
        supported = _supported((start, end)).filter(company_id=company)
        queryset = queryset.filter(pk__in=supported.values("c"))
    return queryset


def _supported(window):
    """(community, company) of every MOU in force at some time of ``window``."""
    start, end = window
    return (
        MOU.communities.through.objects.filter(
            mou__status__in=SUPPORTING,
        )
        .filter(Q(mou__starts_on__isnull=True) | Q(mou__starts_on__lte=end))
        .filter(Q(mou__ends_on__isnull=True) | Q(mou__ends_on__gte=start))
        .values(c=F("community_id"), company_id=F("mou__company_id"))
        .distinct()
    )


def programme_results(
    user, fy: int, *, province=None, cohort=None, company=None, window=None
) -> Results:
    """The results of fiscal year ``fy``, or of ``window`` (first, last dates) within it:
    a month, a quarter, or the fiscal year to date (targets stay the year's)."""
    start, end = window = window or fy_bounds(fy)
    first, after = _moment(start), _moment(end + timedelta(1))
    base = results_communities(
        user, fy, province=province, cohort=cohort, company=company, window=window
    )
    in_year = Q(changed_at__gte=first, changed_at__lt=after)
    rows = list(
        stage_at(base, after)
        .annotate(
            reached_civ=Exists(
                StageChange.objects.filter(in_year, community=OuterRef("pk"), to_stage=Stage.CIV)
            ),
            listings_in_year=Coalesce(
                Subquery(
                    Product.objects.filter(
                        community=OuterRef("pk"), published_at__gte=first, published_at__lt=after
                    )
                    .order_by()
                    .values("community")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            enquiries_in_year=Coalesce(
                Subquery(
                    Enquiry.objects.filter(
                        community=OuterRef("pk"), created_at__gte=first, created_at__lt=after
                    )
                    .order_by()
                    .values("community")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by()
        .values(
            "pk",
            "province_id",
            "cohort_key",
            "stage_at_end",
            "reached_civ",
            "listings_in_year",
            "enquiries_in_year",
        )
    )
    training = training_results(base, start, end)
    companies_of: dict[int, set[int]] = {}
    for pair in _supported(window).filter(c__in=base.values("pk")):
        companies_of.setdefault(pair["c"], set()).add(pair["company_id"])
    if company:
        companies_of = {c: {int(company)} & ids for c, ids in companies_of.items()}

    total = Figures()
    by_province: dict[str, Figures] = {}
    by_cohort: dict[int | None, Figures] = {}
    by_company: dict[int, Figures] = {}
    for row in rows:
        total.add_community(row)
        by_province.setdefault(row["province_id"], Figures(row["province_id"])).add_community(row)
        by_cohort.setdefault(row["cohort_key"], Figures(row["cohort_key"])).add_community(row)
        for company_id in companies_of.get(row["pk"], ()):
            by_company.setdefault(company_id, Figures(company_id)).add_community(row)
    province_of = {row["pk"]: row["province_id"] for row in rows}
    cohort_of = {row["pk"]: row["cohort_key"] for row in rows}
    for (community_id, company_id), result in training.items():
        if company and company_id != int(company):
            continue
        total.add_training(result)
        by_province[province_of[community_id]].add_training(result)
        by_cohort[cohort_of[community_id]].add_training(result)
        by_company.setdefault(company_id, Figures(company_id)).add_training(result)

    names = {
        Province: {p.pk: p.name for p in Province.objects.filter(pk__in=list(by_province))},
        Cohort: {c.pk: c.name for c in Cohort.objects.filter(pk__in=list(by_cohort))},
        Organisation: {o.pk: o.name for o in Organisation.objects.filter(pk__in=list(by_company))},
    }
    for model, groups in ((Province, by_province), (Cohort, by_cohort), (Organisation, by_company)):
        for key, figures in groups.items():
            figures.label = names[model].get(key, "")

    return Results(
        fy=fy,
        total=total,
        provinces=sorted(by_province.values(), key=lambda f: f.label),
        cohorts=sorted(by_cohort.values(), key=lambda f: (f.key is None, f.label)),
        companies=sorted(by_company.values(), key=lambda f: f.label),
        indicators=_indicator_progress(base, fy, window, total, len({c for c, _ in training})),
    )


def _indicator_progress(
    base, fy: int, window, total: Figures, trained: int
) -> list[IndicatorProgress]:
    """Per active indicator: the year's targets summed, and the latest value of the year
    per community summed (training hours: derived from the sessions)."""
    start, end = window
    targets = {
        row["indicator_id"]: row
        for row in CommunityTarget.objects.filter(community__in=base.values("pk"), fiscal_year=fy)
        .order_by()
        .values("indicator_id")
        .annotate(total=Sum("target"), n=Count("pk"))
    }
    latest = (
        IndicatorValue.objects.filter(
            visit__community__in=base.values("pk"), period_end__gte=start, period_end__lte=end
        )
        .order_by(
            "visit__community_id", "indicator_id", "-period_end", "-visit__visited_on", "-visit_id"
        )
        .distinct("visit__community_id", "indicator_id")
        .values_list("indicator_id", "value")
    )
    current: dict[int, Decimal] = {}
    reporting: Counter = Counter()
    for indicator_id, value in latest:
        current[indicator_id] = current.get(indicator_id, Decimal(0)) + value
        reporting[indicator_id] += 1
    progress = []
    for indicator in Indicator.objects.filter(active=True):
        target = targets.get(indicator.pk, {})
        value, count = current.get(indicator.pk, Decimal(0)), reporting[indicator.pk]
        if indicator.code == TRAINING_HOURS_INDICATOR:
            value, count = total.hours, trained
        progress.append(
            IndicatorProgress(
                indicator=indicator,
                target=target.get("total") or Decimal(0),
                current=value,
                reporting=count,
                with_target=target.get("n", 0),
            )
        )
    return progress


def cohort_over_years(user, cohort: Cohort, years: list[int]) -> list[tuple[int, list[int]]]:
    """A cohort's stage distribution at the end of each fiscal year in ``years``: one
    grouped query per year (a handful), whatever the cohort's size."""
    rows = []
    for fy in years:
        _start, end = fy_bounds(fy)
        after = _moment(end + timedelta(1))
        counts = dict(
            stage_at(results_communities(user, fy, cohort=cohort.pk), after)
            .order_by()
            .values_list("stage_at_end")
            .annotate(n=Count("pk"))
        )
        rows.append((fy, [counts.get(stage, 0) for stage in Stage.values]))
    return rows

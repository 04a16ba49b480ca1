"""Reads of communities, scoped "for this user"; joins decided here, once."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import province_codes
from civportal import fiscal
from civportal.access import RowScope, get_in_scope_or_404, within_scope
from civportal.templatetags.thaidate import format_date
from mentorship.models import MOU

from . import charts
from .models import (
    Cohort,
    Community,
    CommunityIndicator,
    CommunityTarget,
    District,
    Indicator,
    IndicatorValue,
    ProgressVisit,
    Province,
    ReadinessAssessment,
    Stage,
    StageChange,
    Subdistrict,
    VisitPhoto,
)

STALE_AFTER_DAYS = 90
TIMELINE_LIMIT = 30


def community_scope(user) -> Q | None:
    """The filter on Community that is this user's scope; None means nationwide."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_programme_staff:
        return None
    match user.role:
        case Role.OFFICER:
            return RowScope(province_id__in=province_codes(user))
        # Company people reach a community only while an MOU covering it is in force:
        # expired and terminated MOUs no longer open it (their past sessions stay
        # readable through mentorship.selectors.sessions_for). Both conditions sit in one
        # Q, so they hold for the same MOU row (one join, no subquery).
        case Role.COORDINATOR:
            return Q(mous__company_id=user.organisation_id, mous__status=MOU.Status.ACTIVE)
        case Role.MENTOR:
            return Q(assignments__mentor=user, assignments__mou__status=MOU.Status.ACTIVE)
        case Role.LEADER | Role.MEMBER:
            return RowScope(pk=user.community_id)
    return Q(pk__in=[])


def communities_for(user) -> QuerySet[Community]:
    queryset = Community.objects.select_related("province", "subdistrict__district")
    return within_scope(queryset, community_scope(user))


def in_community_scope(queryset: QuerySet, user, field: str = "community") -> QuerySet:
    """Rows of ``queryset`` whose ``field`` is a community this user may see.

    Officers' and community people's scopes become plain filters on the rows' own
    foreign key (``community__province_id IN ('52')``, ``community_id = 7``); the other
    scopes keep a subquery of the communities.
    """
    scope = community_scope(user)
    if scope is None:
        return queryset
    if isinstance(scope, RowScope):
        if user.role == Role.OFFICER:
            return queryset.filter(**{f"{field}__province_id__in": province_codes(user)})
        return queryset.filter(**{f"{field}_id": user.community_id})
    return queryset.filter(**{f"{field}__in": communities_for(user).values("pk")})


def visible_among(user, communities) -> set[int]:
    """The ids of these (loaded) communities that this user may see. Scopes on the rows'
    own columns (staff, officers, community people) are decided on the rows as loaded,
    like ``in_community_scope``; the others by one query."""
    scope = community_scope(user)
    if scope is None:
        return {community.pk for community in communities}
    if isinstance(scope, RowScope):
        if user.role == Role.OFFICER:
            codes = set(province_codes(user))
            return {community.pk for community in communities if community.province_id in codes}
        return {community.pk for community in communities if community.pk == user.community_id}
    pks = [community.pk for community in communities]
    return set(communities_for(user).filter(pk__in=pks).values_list("pk", flat=True))


def fiscal_year_targets_for(user) -> QuerySet[CommunityTarget]:
    """Per-fiscal-year indicator targets of the communities this user may see."""
    return in_community_scope(CommunityTarget.objects.select_related("indicator"), user)


def get_community_for(user, pk) -> Community:
    return get_in_scope_or_404(communities_for(user).select_related("cohort"), pk=pk)


def visits_for(user) -> QuerySet[ProgressVisit]:
    """Progress visits to the communities this user may see."""
    return in_community_scope(ProgressVisit.objects.all(), user).select_related(
        "community", "officer"
    )


def stage_changes_for(user) -> QuerySet[StageChange]:
    """Stage moves of the communities this user may see."""
    return in_community_scope(StageChange.objects.all(), user).select_related(
        "community", "changed_by"
    )


# --- Registry ------------------------------------------------------------------
def search_communities(queryset: QuerySet[Community], text: str):
    """Communities of ``queryset`` matching ``text``, ranked (see ``search.query``): names,
    story, activities (and their labels in Thai and English), the tambon, amphoe and
    province, and the names of the community's published listings."""
    from search.query import find

    return find(queryset, text)


def registry_search(user, *, q="", province=None, stage="", cohort=None, activity=""):
    """The registry list: this user's communities narrowed by the list's filters and
    searched; a ``search.query.Found`` (ranked queryset, count, suggestion)."""
    queryset = communities_for(user).select_related("cohort")
    if province:
        queryset = queryset.filter(province=province)
    if stage:
        queryset = queryset.filter(stage=stage)
    if cohort:
        queryset = queryset.filter(cohort=cohort)
    if activity:
        queryset = queryset.filter(activity=activity)
    if q.strip():
        return search_communities(queryset, q)
    single = user.is_authenticated and not user.is_programme_staff and user.role == Role.OFFICER
    if province or (single and len(province_codes(user)) == 1):
        # One province: its name orders nothing, and (province, name_th, id) serves the page.
        return search_communities(queryset.order_by("name_th", "pk"), q)
    return search_communities(queryset.order_by("province__name_th", "name_th", "pk"), q)


def registry_for(user, **filters) -> QuerySet[Community]:
    return registry_search(user, **filters).queryset


def provinces_for(user) -> QuerySet[Province]:
    """Provinces this user may register communities in (officers: theirs; staff: all)."""
    if user.is_authenticated and user.is_programme_staff:
        return Province.objects.all()
    if user.is_authenticated and user.role == Role.OFFICER:
        return Province.objects.filter(pk__in=province_codes(user))
    return Province.objects.none()


def districts_of(province_code) -> QuerySet[District]:
    return District.objects.filter(province_id=province_code).order_by("name_th")


def subdistricts_of(district_code) -> QuerySet[Subdistrict]:
    return Subdistrict.objects.filter(district_id=district_code).order_by("name_th")


# --- Community page -------------------------------------------------------------
@dataclass
class Event:
    """One entry of a community's timeline."""

    kind: str  # registered | visit | stage | session | product
    day: date
    at: datetime
    obj: object


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def community_timeline(community: Community, limit: int = TIMELINE_LIMIT) -> list[Event]:
    """Visits, stage moves, training sessions and product listings, newest first.

    Each kind is one query, capped at ``limit``, so the page costs the same whatever
    the community's history holds.
    """
    visits = (
        community.visits.select_related("officer", "assessment")
        .prefetch_related(
            "photos",
            Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator")),
        )
        .order_by("-visited_on", "-id")[:limit]
    )
    stage_changes = community.stage_changes.select_related("changed_by")[:limit]
    sessions = community.sessions.select_related("area").order_by("-starts_at")[:limit]
    products = community.products.filter(published_at__isnull=False).order_by("-published_at")[
        :limit
    ]
    events = [
        Event("registered", _local_day(community.created_at), community.created_at, community)
    ]
    events += [Event("visit", v.visited_on, v.created_at, v) for v in visits]
    events += [Event("stage", _local_day(c.changed_at), c.changed_at, c) for c in stage_changes]
    events += [Event("session", _local_day(s.starts_at), s.starts_at, s) for s in sessions]
    events += [Event("product", _local_day(p.published_at), p.published_at, p) for p in products]
    events.sort(key=lambda event: (event.day, event.at), reverse=True)
    return events[:limit]


@dataclass
class IndicatorTrend:
    indicator: Indicator
    baseline: Decimal | None
    target: Decimal | None
    fiscal_year: int
    points: list[tuple[date, object]]
    chart: dict | None

    @property
    def latest(self):
        return self.points[-1][1] if self.points else None


def indicator_trends(community: Community, fy: int | None = None) -> list[IndicatorTrend]:
    """Per active indicator: its values over time (dated by the end of their period), the
    baseline, the target of fiscal year ``fy`` (this one by default) and an SVG chart."""
    fy = fy or fiscal.fiscal_year(timezone.localdate())
    indicators = list(Indicator.objects.filter(active=True))
    # A fiscal-year target is always set with its baseline (services.set_indicator_targets):
    # one query reads both.
    year_target = CommunityTarget.objects.filter(
        community=community, indicator=OuterRef("indicator"), fiscal_year=fy
    ).values("target")[:1]
    baselines, targets = {}, {}
    for indicator_id, baseline, target in community.indicator_targets.annotate(
        year_target=Subquery(year_target)
    ).values_list("indicator_id", "baseline", "year_target"):
        baselines[indicator_id], targets[indicator_id] = baseline, target
    series = defaultdict(list)
    for indicator_id, day, value in (
        IndicatorValue.objects.filter(visit__community=community)
        .order_by("period_end", "visit__visited_on", "visit_id")
        .values_list("indicator_id", "period_end", "value")
    ):
        series[indicator_id].append((day, value))
    trends = []
    for indicator in indicators:
        points = series.get(indicator.pk, [])
        baseline, target = baselines.get(indicator.pk), targets.get(indicator.pk)
        if not points and baseline is None and target is None:
            continue
        chart = charts.line_chart(points, baseline=baseline, target=target)
        trends.append(IndicatorTrend(indicator, baseline, target, fy, points, chart))
    return trends


def readiness_for(community: Community) -> dict:
    """The latest readiness assessment and the trend of its total (out of 30)."""
    assessments = list(
        ReadinessAssessment.objects.filter(visit__community=community)
        .select_related("visit")
        .order_by("visit__visited_on", "visit_id")
    )
    latest = assessments[-1] if assessments else None
    criteria = (
        [(latest._meta.get_field(f).verbose_name, getattr(latest, f)) for f in latest.CRITERIA]
        if latest
        else []
    )
    points = [(a.visit.visited_on, a.total) for a in assessments]
    return {
        "latest": latest,
        "criteria": criteria,
        "chart": charts.line_chart(points, low=0, high=30) if points else None,
    }


# --- History ----------------------------------------------------------------------
@dataclass
class HistoryEntry:
    record: object
    label: str
    changes: list[tuple[str, object, object]]


# Links to the parent rows are implied by where the history is shown.
HISTORY_SKIPPED = {"id", "created_at", "updated_at", "community", "visit", "province"}


def _tracked_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HISTORY_SKIPPED and (f.editable or f.name == "stage")
    ]


def _display(field, value, related):
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return related.get(field.related_model, {}).get(value, value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, date):
        return format_date(value, "long")  # พ.ศ. in Thai, like every other date shown
    return value


def _diffs(records, model, related) -> list[HistoryEntry]:
    """Consecutive records of one object compared field by field, in Python (no extra queries)."""
    fields = _tracked_fields(model)
    entries = []
    ordered = sorted(records, key=lambda r: (r.id, r.history_date, r.history_id))
    for _id, group in groupby(ordered, key=lambda r: r.id):
        previous = None
        for record in group:
            changes = []
            for field in fields if record.history_type != "-" else []:
                new = getattr(record, field.attname)
                old = getattr(previous, field.attname) if previous else None
                if previous is None and new in (None, ""):
                    continue
                if previous is None or old != new:
                    changes.append(
                        (
                            field.verbose_name,
                            _display(field, old, related),
                            _display(field, new, related),
                        )
                    )
            entries.append(HistoryEntry(record, str(model._meta.verbose_name), changes))
            previous = record
    return entries


def community_history(community: Community, limit: int = 200) -> list[HistoryEntry]:
    """Every recorded change to the community, its visits, indicator values and targets."""
    visit_ids = ProgressVisit.history.filter(community_id=community.pk).values("id")
    sources = [
        (Community.history.filter(id=community.pk), Community),
        (ProgressVisit.history.filter(community_id=community.pk), ProgressVisit),
        (IndicatorValue.history.filter(visit_id__in=visit_ids), IndicatorValue),
        (CommunityIndicator.history.filter(community_id=community.pk), CommunityIndicator),
    ]
    records = [(list(qs.select_related("history_user")), model) for qs, model in sources]
    # Names for the foreign keys shown (tambon, indicator, officer): one query per kind.
    wanted = defaultdict(set)
    for rows, model in records:
        for field in (f for f in _tracked_fields(model) if f.is_relation):
            wanted[field.related_model] |= {getattr(r, field.attname) for r in rows} - {None}
    related = {
        rel: {pk: str(obj) for pk, obj in rel._default_manager.in_bulk(ids).items()}
        for rel, ids in wanted.items()
        if ids
    }
    entries = []
    for rows, model in records:
        entries += _diffs(rows, model, related)
    entries.sort(key=lambda e: e.record.history_date, reverse=True)
    return entries[:limit]


# --- Dashboard and map ----------------------------------------------------------------
def stale_communities(queryset: QuerySet[Community], today: date | None = None):
    """Communities with no visit in the last 90 days (or none ever), longest-waiting first."""
    cutoff = (today or timezone.localdate()) - timedelta(days=STALE_AFTER_DAYS)
    # "No visit since the cutoff" as an anti-join (served by the (community, -visited_on)
    # index): only the stale communities are grouped for their last visit.
    recent = ProgressVisit.objects.filter(community=OuterRef("pk"), visited_on__gte=cutoff)
    return (
        queryset.filter(~Exists(recent))
        .annotate(last_visit=Max("visits__visited_on"))
        .order_by("last_visit", "name_th")
    )


def stage_counts(queryset: QuerySet[Community]) -> list[tuple[Stage, int]]:
    """[(stage, count)] of ``queryset``, in the stages' order."""
    return [
        (Stage(row["stage"]), row["n"])
        for row in queryset.order_by("stage").values("stage").annotate(n=Count("pk"))
    ]


def stage_counts_by_province(queryset: QuerySet[Community]) -> list[tuple[str, dict]]:
    """[(province name, {stage: count})] for the stage bar chart."""
    rows = defaultdict(dict)
    names = {}
    for row in (
        queryset.order_by()
        .values("province_id", "province__name_th", "province__name_en", "stage")
        .annotate(n=Count("pk"))
    ):
        names[row["province_id"]] = Province(
            code=row["province_id"],
            name_th=row["province__name_th"],
            name_en=row["province__name_en"],
        ).name
        rows[row["province_id"]][row["stage"]] = row["n"]
    return sorted(((names[code], counts) for code, counts in rows.items()), key=lambda r: r[0])


def map_markers(queryset: QuerySet[Community]) -> list[dict]:
    """What the map needs per community with a location (static/js/maps.js): name, link,
    stage as the note, lat/lon."""
    return [
        {
            "name": c.name,
            "url": reverse("community_detail", args=[c.pk]),
            "note": c.get_stage_display(),
            "lat": float(c.latitude),
            "lon": float(c.longitude),
        }
        for c in queryset.filter(latitude__isnull=False, longitude__isnull=False)
    ]


def get_visit_photo_for(user, pk) -> VisitPhoto:
    """A visit's photo, for those who may see its community (404 otherwise)."""
    return get_in_scope_or_404(
        VisitPhoto.objects.filter(visit__community__in=communities_for(user).values("pk")), pk=pk
    )


# --- Cohorts --------------------------------------------------------------------
CIV_OR_BEYOND = (Stage.CIV, Stage.SELF_SUSTAINING)


def with_cohort(queryset: QuerySet[Community]) -> QuerySet[Community]:
    """Annotate ``cohort_key``: the community's cohort link, or when it has none, the
    cohort whose years hold its ``cohort_year`` (a registry row that only has the year)."""
    by_year = (
        Cohort.objects.filter(
            start_year__lte=OuterRef("cohort_year"), end_year__gte=OuterRef("cohort_year")
        )
        .order_by("-start_year")
        .values("pk")[:1]
    )
    return queryset.annotate(cohort_key=Coalesce("cohort_id", Subquery(by_year)))


@dataclass
class CohortFigures:
    """A cohort's live counts from the registry beside its historical figures (from
    before the portal, typed into the cohort row: e.g. 163 target / 27 CIV of 2559–2561)."""

    cohort: Cohort
    communities: int = 0
    civ: int = 0

    @property
    def historical(self) -> bool:
        return bool(self.cohort.target_communities or self.cohort.civ_villages)


def cohort_figures(queryset: QuerySet[Community] | None = None) -> list[CohortFigures]:
    """Every cohort with how many of ``queryset``'s communities (all by default) belong to
    it and how many are CIV villages or beyond now: two queries."""
    queryset = Community.objects.all() if queryset is None else queryset
    counts = {
        row["cohort_key"]: row
        for row in with_cohort(queryset)
        .order_by()
        .values("cohort_key")
        .annotate(total=Count("pk"), civ=Count("pk", filter=Q(stage__in=CIV_OR_BEYOND)))
    }
    figures = []
    for cohort in Cohort.objects.order_by("start_year"):
        row = counts.get(cohort.pk, {})
        figures.append(CohortFigures(cohort, row.get("total", 0), row.get("civ", 0)))
    return figures


@dataclass
class CommunityReporting:
    """One community's reporting rate for a fiscal year, with its missing and late values."""

    fiscal_year: int
    rate: object  # communities.completeness.Rate
    missing: list
    late: list

    @property
    def gaps(self) -> list:
        return self.missing + self.late


def community_reporting(community: Community, today: date | None = None) -> CommunityReporting:
    """Due, received and on-time values of ``community`` in the fiscal year being chased
    (``completeness.reporting_year``): completeness's ``by_community`` row and its gaps, in
    the same three queries whatever the number of visits and values."""
    from .completeness import Rate, completeness

    result = completeness(Community.objects.filter(pk=community.pk), today=today)
    return CommunityReporting(
        fiscal_year=result.fiscal_year,
        rate=result.by_community.get(community.pk, Rate()),
        missing=result.missing,
        late=result.late,
    )

"""The three report documents, built from the database for one job's parameters.

Each builder takes the job and a ``step(percent)`` callback and returns (file name, bytes).
"""

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import chain

import fontpkg_noto_sans_thai
from django.db.models import Count, Max, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civportal.fiscal import (
    Frequency,
    fiscal_year,
    fy_bounds,
    fy_label,
    period_containing,
    period_from_start,
)
from civportal.spreadsheets import XlsxWorkbook, csv_bytes
from civportal.templatetags.thaidate import display_year, format_date
from communities.models import (
    Community,
    CommunityIndicator,
    CommunityTarget,
    District,
    Indicator,
    IndicatorValue,
    ProgressVisit,
    Province,
    Stage,
)
from mentorship.models import MOU, Attendance, TrainingSession
from mentorship.selectors import TRAINING_HOURS_INDICATOR, training_by_community
from products.models import Product

from .charts import count_bars, progress_bar
from .models import ReportJob

Step = Callable[[int], None]

STAGE_COLOURS = {
    Stage.TARGET: "#90a4ae",
    Stage.DEVELOPING: "#f0a030",
    Stage.CIV: "#1b7f72",
    Stage.SELF_SUSTAINING: "#2e7d32",
}
# Noto Sans Thai ships as a Python package; WeasyPrint embeds the subset it uses.
THAI_FONT = next((fontpkg_noto_sans_thai.ROOT / "files").glob("NotoSansThai*.ttf"))


class ReportError(Exception):
    """What the report needs is gone; the message is shown on the job as it is."""


def _province(code: str) -> Province:
    province = Province.objects.filter(pk=code).first()
    if province is None:
        raise ReportError(_("the province %(code)s is not in the database") % {"code": code})
    return province


def _communities(province_code: str | None):
    queryset = Community.objects.select_related("subdistrict__district", "province", "cohort")
    if province_code:
        queryset = queryset.filter(province_id=province_code)
    return queryset.order_by("province__name_th", "subdistrict__district__name_th", "name_th")


def _community_rows(code: str) -> list[dict]:
    """Every community of the province (by district, then name) with its last visit."""
    last_visits = dict(
        ProgressVisit.objects.filter(community__province_id=code)
        .values("community_id")
        .annotate(last=Max("visited_on"))
        .values_list("community_id", "last")
    )
    return [
        {"community": community, "last_visit": last_visits.get(community.pk)}
        for community in _communities(code)
    ]


def _district_rows(code: str) -> list[dict]:
    """Per district of the province: its communities by stage (in Stage order) and total."""
    counts: dict[int, Counter] = {}
    for district_id, stage, number in (
        Community.objects.filter(province_id=code)
        .values_list("subdistrict__district_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(district_id, Counter())[stage] = number
    districts = District.objects.filter(pk__in=counts).order_by("name_th")
    return [
        {
            "district": district,
            "by_stage": counts[district.pk],
            "counts": [counts[district.pk][stage] for stage in Stage.values],
            "total": sum(counts[district.pk].values()),
        }
        for district in districts
    ]


def _when(moment) -> str:
    return f"{format_date(moment)} {timezone.localtime(moment):%H:%M}"


def report_window(parameters: dict, today=None) -> dict:
    """The period a report covers, from its parameters: ``month`` ("2026-10"), ``quarter``
    (its first day, "2026-10-01"), ``fy`` (2027) or by default the fiscal year to date;
    with the fiscal year to date beside a month or a quarter."""
    today = today or timezone.localdate()
    if parameters.get("month"):
        year, month = (int(part) for part in str(parameters["month"]).split("-")[:2])
        period = period_containing(date(year, month, 1), Frequency.MONTH)
    elif parameters.get("quarter"):
        period = period_from_start(date.fromisoformat(parameters["quarter"]), Frequency.QUARTER)
    elif parameters.get("fy"):
        period = period_containing(fy_bounds(int(parameters["fy"]))[0], Frequency.YEAR)
    else:
        fy = fiscal_year(today)
        first = fy_bounds(fy)[0]
        return {
            "fy": fy,
            "window": (first, today),
            "label": _("%(year)s to date") % {"year": fy_label(fy)},
            "to_date": None,
        }
    fy = period.fiscal_year
    to_date = None
    if period.kind != Frequency.YEAR:
        to_date = {
            "window": (fy_bounds(fy)[0], period.end),
            "label": _("%(year)s to date") % {"year": fy_label(fy)},
        }
    return {
        "fy": fy,
        "window": (period.start, period.end),
        "label": period.label(),
        "to_date": to_date,
    }


def _indicator_summary(province_code: str, window=None, fy: int | None = None) -> list[dict]:
    """Per active indicator: total baseline, target and latest reported value in the province.

    The baseline is the communities' one baseline (CommunityIndicator); the target is the
    sum of their targets for the report's fiscal year ``fy`` (CommunityTarget; by default
    the fiscal year the window starts in), not the single target of before fiscal years.
    """
    start, end = window or fy_bounds(fiscal_year(timezone.localdate()))
    fy = fy or fiscal_year(start)
    baselines = dict(
        CommunityIndicator.objects.filter(community__province_id=province_code)
        .values("indicator_id")
        .annotate(total=Sum("baseline"))
        .values_list("indicator_id", "total")
    )
    targets = dict(
        CommunityTarget.objects.filter(community__province_id=province_code, fiscal_year=fy)
        .values("indicator_id")
        .annotate(total=Sum("target"))
        .values_list("indicator_id", "total")
    )
    # The latest value per (community, indicator): PostgreSQL DISTINCT ON.
    latest = (
        IndicatorValue.objects.filter(visit__community__province_id=province_code)
        .order_by("visit__community_id", "indicator_id", "-visit__visited_on", "-visit_id")
        .distinct("visit__community_id", "indicator_id")
        .values_list("indicator_id", "value")
    )
    current: dict[int, Decimal] = {}
    reporting: Counter = Counter()
    for indicator_id, value in latest:
        current[indicator_id] = current.get(indicator_id, Decimal(0)) + value
        reporting[indicator_id] += 1
    # Training hours are not typed in at visits: they are the hours of the sessions the
    # communities received this fiscal year (mentorship.selectors.training_results).
    trained = training_by_community(Community.objects.filter(province_id=province_code), start, end)
    rows = []
    for indicator in Indicator.objects.filter(active=True):
        if indicator.code == TRAINING_HOURS_INDICATOR:
            current[indicator.pk] = sum((r.hours for r in trained.values()), Decimal(0))
            reporting[indicator.pk] = len(trained)
        rows.append(
            {
                "indicator": indicator,
                "baseline": baselines.get(indicator.pk) or Decimal(0),
                "current": current.get(indicator.pk, Decimal(0)),
                "target": targets.get(indicator.pk) or Decimal(0),
                "reporting": reporting[indicator.pk],
            }
        )
    return rows


def _document_head(code: str) -> dict:
    """What the province report and its appendix head their pages with."""
    now = timezone.now()
    return {
        "province": _province(code),
        "generated": now,
        "year": display_year(timezone.localdate(now).year),
        "font_url": THAI_FONT.as_uri(),
    }


def province_report_context(job: ReportJob, step: Step) -> dict:
    """Everything the province report shows, read from the database: a fixed number of
    queries whatever the number of communities (the template makes none)."""
    code = job.parameters["province"]
    head = _document_head(code)
    now = head["generated"]
    appendix = "appendix" in job.parameters
    # A large province's communities are listed in the appendix job; here, by district.
    communities = [] if appendix else _community_rows(code)
    step(10)
    districts = _district_rows(code)
    stage_counts = Counter()
    for row in districts:
        stage_counts.update(row["by_stage"])
    stage_bars = count_bars(
        [(stage.label, stage_counts[stage.value], STAGE_COLOURS[stage]) for stage in Stage]
    )
    covered = report_window(job.parameters)
    if job.requested_by is None:
        raise ReportError(_("the person who asked for the report is no longer in the portal"))
    from .results import programme_results

    period_results = [
        (
            covered["label"],
            programme_results(
                job.requested_by, covered["fy"], province=code, window=covered["window"]
            ).total,
        )
    ]
    if covered["to_date"]:
        period_results.append(
            (
                covered["to_date"]["label"],
                programme_results(
                    job.requested_by,
                    covered["fy"],
                    province=code,
                    window=covered["to_date"]["window"],
                ).total,
            )
        )
    step(25)
    indicators = _indicator_summary(code, covered["window"], covered["fy"])
    for row in indicators:
        row["chart"] = progress_bar(
            float(row["baseline"]), float(row["current"]), float(row["target"])
        )
    step(45)
    year_ago = now - timedelta(days=365)
    sessions = TrainingSession.objects.filter(
        pk__in=TrainingSession.objects.filter(
            communities__province_id=code, starts_at__gte=year_ago
        ).values("pk")
    )
    session_counts = dict(sessions.values_list("status").annotate(n=Count("pk")))
    products = dict(
        Product.objects.filter(community__province_id=code)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    mous = list(
        MOU.objects.filter(
            pk__in=MOU.objects.filter(communities__province_id=code).values("pk"),
            status=MOU.Status.ACTIVE,
        ).select_related("company")
    )
    return head | {
        "communities": communities,
        "community_count": sum(stage_counts.values()),
        "appendix": appendix,
        "stages": Stage.choices,
        "districts": districts,
        "stage_bars": stage_bars,
        "indicators": indicators,
        "session_rows": [
            (label, session_counts.get(value, 0)) for value, label in TrainingSession.Status.choices
        ],
        "product_rows": [
            (label, products.get(value, 0)) for value, label in Product.Status.choices
        ],
        "mous": mous,
        "period_label": covered["label"],
        "period_results": period_results,
    }


def province_report_html(context: dict) -> str:
    return render_to_string("reports/province_report.html", context)


def province_report_file_name(context: dict, suffix: str = "") -> str:
    code = context["province"].pk
    return f"province-{code}-{timezone.localdate(context['generated']):%Y%m%d}{suffix}.pdf"


def _pdf(html: str, step: Step, laid_out: int) -> bytes:
    """WeasyPrint's layout of ``html`` (then ``step(laid_out)``) and the PDF's bytes."""
    from weasyprint import HTML  # heavy import, only in the worker that builds PDFs

    document = HTML(string=html).render()
    step(laid_out)
    pdf = document.write_pdf()
    step(95)
    return pdf


def build_province_pdf(job: ReportJob, step: Step) -> tuple[str, bytes]:
    """Province progress report: stages, indicators, sessions, products, every community."""
    context = province_report_context(job, step)
    step(60)
    html = province_report_html(context)
    step(70)
    return province_report_file_name(context), _pdf(html, step, laid_out=90)


def build_province_appendix(job: ReportJob, step: Step) -> tuple[str, bytes]:
    """A large province's communities, by district, for the report named in ``summary``."""
    code = job.parameters["province"]
    context = _document_head(code) | {"communities": _community_rows(code)}
    step(20)
    html = render_to_string("reports/province_appendix.html", context)
    step(30)
    return province_report_file_name(context, "-appendix"), _pdf(html, step, laid_out=85)


def build_programme_xlsx(job: ReportJob, step: Step) -> tuple[str, bytes]:
    """Programme workbook: one sheet each for communities, indicators, sessions, products."""
    code = job.parameters.get("province")
    workbook = XlsxWorkbook()

    sheet = workbook.add_sheet(
        _("Communities"),
        [
            _("ID"),
            _("Name (Thai)"),
            _("Name (English)"),
            _("Province"),
            _("District"),
            _("Subdistrict"),
            _("Village no."),
            _("Stage"),
            _("Cohort year"),
            _("Members"),
        ],
    )
    for community in _communities(code).iterator(chunk_size=500):
        sheet.append(
            [
                community.pk,
                community.name_th,
                community.name_en,
                community.province.name,
                community.subdistrict.district.name,
                community.subdistrict.name,
                community.village_number,
                community.get_stage_display(),
                display_year(community.cohort_year) if community.cohort_year else None,
                community.members_count,
            ]
        )
    step(30)

    sheet = workbook.add_sheet(
        _("Indicators"),
        [
            _("Community"),
            _("Indicator"),
            _("Unit"),
            _("Visit date"),
            _("Value"),
            _("Baseline"),
            _("Target"),
        ],
    )
    targets = {
        (row.community_id, row.indicator_id): row
        for row in CommunityIndicator.objects.filter(
            **({"community__province_id": code} if code else {})
        )
    }
    values = IndicatorValue.objects.select_related("visit__community", "indicator").order_by(
        "visit__community__name_th", "indicator__position", "visit__visited_on"
    )
    if code:
        values = values.filter(visit__community__province_id=code)
    for value in values.iterator(chunk_size=1000):
        target = targets.get((value.visit.community_id, value.indicator_id))
        sheet.append(
            [
                value.visit.community.name_th,
                value.indicator.name,
                value.indicator.unit_name,
                format_date(value.visit.visited_on),
                value.value,
                target.baseline if target else None,
                target.target if target else None,
            ]
        )
    step(55)

    sheet = workbook.add_sheet(
        _("Sessions"),
        [
            _("Title"),
            _("MOU"),
            _("Area"),
            _("Starts"),
            _("Ends"),
            _("Status"),
            _("Communities"),
            _("Attendance"),
        ],
    )
    sessions = (
        TrainingSession.objects.select_related("mou", "area")
        .prefetch_related("communities")
        .annotate(present=Count("attendance", distinct=True))
    )
    if code:
        sessions = sessions.filter(
            pk__in=TrainingSession.objects.filter(communities__province_id=code).values("pk")
        )
    for session in sessions:
        sheet.append(
            [
                session.title,
                session.mou.title,
                session.area.name,
                _when(session.starts_at),
                _when(session.ends_at),
                session.get_status_display(),
                ", ".join(community.name_th for community in session.communities.all()),
                session.present,
            ]
        )
    step(75)

    sheet = workbook.add_sheet(
        _("Products"),
        [
            _("Name (Thai)"),
            _("Name (English)"),
            _("Community"),
            _("Category"),
            _("Price (THB)"),
            _("Unit"),
            _("Status"),
            _("OTOP stars"),
        ],
    )
    products = Product.objects.select_related("community").order_by("community__name_th")
    if code:
        products = products.filter(community__province_id=code)
    for product in products.iterator(chunk_size=1000):
        sheet.append(
            [
                product.name_th,
                product.name_en,
                product.community.name_th,
                product.get_category_display(),
                product.price,
                product.unit,
                product.get_status_display(),
                product.otop_stars,
            ]
        )
    step(85)
    _results_sheets(workbook, job, code)
    step(90)
    suffix = code or "all"
    return f"programme-{suffix}-{timezone.localdate():%Y%m%d}.xlsx", workbook.to_bytes()


def _results_sheets(workbook: XlsxWorkbook, job: ReportJob, code: str | None) -> None:
    """The results page's figures for the job's fiscal year (this one by default), read
    by the same selector in the scope of whoever asked (reports.results)."""
    from .results import programme_results

    if job.requested_by is None:
        raise ReportError(_("the person who asked for the report is no longer in the portal"))
    fy = int(job.parameters.get("fy") or fiscal_year(timezone.localdate()))
    found = programme_results(job.requested_by, fy, province=code)
    stages = [label for _value, label in Stage.choices]
    sheet = workbook.add_sheet(
        _("Results"),
        [
            _("Fiscal year"),
            _("Group"),
            _("Name"),
            _("Communities"),
            *stages,
            _("Reached CIV"),
            _("Training hours"),
            _("Participant-hours"),
            _("Listings published"),
            _("Enquiries"),
        ],
    )
    label = fy_label(fy)
    groups = [
        (_("Province"), found.provinces),
        (_("Cohort"), found.cohorts),
        (_("Company (Big Brother)"), found.companies),
        (_("Total"), [found.total]),
    ]
    for group, rows in groups:
        for row in rows:
            sheet.append(
                [
                    label,
                    group,
                    row.label or (_("No cohort") if rows is found.cohorts else ""),
                    row.communities,
                    *row.stage_counts,
                    row.reached_civ,
                    row.hours,
                    row.participant_hours,
                    row.listings,
                    row.enquiries,
                ]
            )
    sheet = workbook.add_sheet(
        _("Indicator progress"),
        [
            _("Fiscal year"),
            _("Indicator"),
            _("Unit"),
            _("Latest in the year"),
            _("Target"),
            _("Communities reporting"),
        ],
    )
    for row in found.indicators:
        sheet.append(
            [
                label,
                row.indicator.name,
                row.indicator.unit_name,
                row.current,
                row.target,
                row.reporting,
            ]
        )


def _attendance_row(row: Attendance) -> list:
    return [
        row.session.title,
        row.session.area.name,
        format_date(row.session.starts_at),
        str(row.person) if row.person else row.walk_in_name,
        row.community.name_th if row.community else "",
        pgettext("attendance", "Present") if row.present else pgettext("attendance", "Absent"),
    ]


def build_attendance_csv(job: ReportJob, step: Step) -> tuple[str, bytes]:
    """Attendance register of one MOU's sessions, UTF-8 with a BOM so Excel reads the Thai."""
    mou_id = job.parameters["mou"]
    if not MOU.objects.filter(pk=mou_id).exists():
        raise ReportError(_("the MOU no longer exists"))
    rows = (
        Attendance.objects.filter(session__mou_id=mou_id)
        .select_related("session__area", "person", "community")
        .order_by("session__starts_at", "session_id", "id")
    )
    header = [_("Session"), _("Area"), _("Date"), _("Participant"), _("Community"), _("Present")]
    step(20)
    content = csv_bytes(
        chain([header], (_attendance_row(row) for row in rows.iterator(chunk_size=1000)))
    )
    step(90)
    return f"attendance-mou-{mou_id}.csv", content


BUILDERS = {
    ReportJob.Kind.PROVINCE_PDF: build_province_pdf,
    ReportJob.Kind.PROVINCE_APPENDIX: build_province_appendix,
    ReportJob.Kind.PROGRAMME_XLSX: build_programme_xlsx,
    ReportJob.Kind.ATTENDANCE_CSV: build_attendance_csv,
}


def build(job: ReportJob, step: Step) -> tuple[str, bytes]:
    """Build the job's document in the language of the person who asked for it."""
    language = job.requested_by.preferred_language if job.requested_by else "th"
    with translation.override(language or "th"):
        return BUILDERS[job.kind](job, step)

"""Seconds to build the province progress PDF, split into its stages, at a stated scale.

    .venv/bin/python manage.py seed_demo     # geography, indicators, the province officers
    .venv/bin/python bench/jobs_province_pdf.py [--province 52] [--min-communities 10000]
        [--as officer.lampang@civ.example] [--runs 3]

Runs against the dev (embedded) database, or DATABASE_URL when set. A province with fewer
than ``--min-communities`` communities is first topped up with ``seed_scale`` (its rows stay:
seeding 10,000 communities takes minutes, the bench is run more than once). The document is
built in-process exactly as the worker builds it (reports.documents.build_province_pdf),
stage by stage: data (the queries), HTML (the template), layout (WeasyPrint's boxes and
pages) and write (the PDF bytes). Writes nothing else.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402
from weasyprint import HTML  # noqa: E402

from accounts.models import User  # noqa: E402
from communities.management.commands.seed_scale import PREFIX as SYNTHETIC_PREFIX  # noqa: E402
from communities.models import Community  # noqa: E402
from reports.documents import province_report_context, province_report_html  # noqa: E402
from reports.models import ReportJob  # noqa: E402

STAGES = ("data", "html", "layout", "write")


def build_once(job: ReportJob) -> dict:
    """One build, stage by stage, with the seconds and queries of each."""
    figures: dict = {}
    with translation.override(job.requested_by.preferred_language or "th"):
        with CaptureQueriesContext(connection) as data_queries:
            started = time.perf_counter()
            context = province_report_context(job, lambda percent: None)
            figures["data"] = time.perf_counter() - started
        with CaptureQueriesContext(connection) as render_queries:
            started = time.perf_counter()
            html = province_report_html(context)
            figures["html"] = time.perf_counter() - started
        started = time.perf_counter()
        document = HTML(string=html).render()
        figures["layout"] = time.perf_counter() - started
        started = time.perf_counter()
        pdf = document.write_pdf()
        figures["write"] = time.perf_counter() - started
    figures.update(
        total=sum(figures[stage] for stage in STAGES),
        pages=len(document.pages),
        kib=len(pdf) / 1024,
        queries=len(data_queries),
        render_queries=len(render_queries),
        communities=len(context["communities"]),
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="52")
    parser.add_argument("--min-communities", type=int, default=10_000)
    parser.add_argument("--as", dest="email", default="officer.lampang@civ.example")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    present = Community.objects.filter(province_id=args.province).count()
    if present < args.min_communities:
        started = time.perf_counter()
        # seed_scale --communities is the number of synthetic ones the province should hold.
        synthetic = Community.objects.filter(
            province_id=args.province, name_th__startswith=SYNTHETIC_PREFIX
        ).count()
        call_command(
            "seed_scale",
            province=args.province,
            communities=args.min_communities - (present - synthetic),
        )
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    job = ReportJob(
        kind=ReportJob.Kind.PROVINCE_PDF,
        parameters={"province": args.province},
        requested_by=User.objects.get(email=args.email),
    )
    runs = [build_once(job) for _run in range(args.runs)]
    last = runs[-1]
    print(
        f"province {args.province}: {last['communities']} communities, {last['pages']} pages, "
        f"{last['kib']:.0f} KiB; queries: {last['queries']} for the data, "
        f"{last['render_queries']} in the template"
    )
    for stage in (*STAGES, "total"):
        seconds = [run[stage] for run in runs]
        print(
            f"  {stage:>6} seconds: median {statistics.median(seconds):6.2f}, "
            f"min {min(seconds):6.2f}, max {max(seconds):6.2f} over {args.runs} runs"
        )
    print(f"  load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

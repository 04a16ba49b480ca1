"""Seconds to build the province progress PDF, split into its stages, at a stated scale.

    .venv/bin/python manage.py seed_demo     # geography, indicators, the province officers
    .venv/bin/python bench/jobs_province_pdf.py [--province 52] [--min-communities 10000]
        [--as officer.lampang@civ.example] [--runs 3] [--workers 2]

Runs against the dev (embedded) database, or DATABASE_URL when set. A province with fewer
than ``--min-communities`` communities is first topped up with ``seed_scale`` (its rows stay:
seeding 10,000 communities takes minutes, the bench is run more than once). The document is
built in-process exactly as the worker builds it (reports.documents.build_province_pdf),
stage by stage: data (the queries), HTML (the template), layout (WeasyPrint's boxes and
pages) and write (the PDF bytes): the whole report (every community in it, as a province
under REPORT_APPENDIX_FROM communities gets it), the summary of a larger province (a table
by district instead) and its appendix (every community).

With ``--workers N`` it then measures the jobs to the end: N real Celery workers (solo
pool, one job at a time each, on a queue of the bench's own) are started, the report is
asked for through ``reports.services.request_report`` as the officer asks for it, and the
seconds until the summary and until the appendix are stored (two jobs built at the same
time) are printed beside the baseline in the same run: the whole report as one job
(REPORT_APPENDIX_FROM set above the province's size). The jobs and their files are
deleted at the end.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import translation  # noqa: E402
from weasyprint import HTML  # noqa: E402

from accounts.models import User  # noqa: E402
from civportal.celery import app  # noqa: E402
from communities.management.commands.seed_scale import PREFIX as SYNTHETIC_PREFIX  # noqa: E402
from communities.models import Community, Province  # noqa: E402
from reports.documents import build, province_report_context, province_report_html  # noqa: E402
from reports.models import ReportJob  # noqa: E402
from reports.services import request_report  # noqa: E402
from tests.conftest import database_url_for_subprocess  # noqa: E402
from tests.servers import portal_env, start_worker, wait_until  # noqa: E402

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


def build_seconds(job: ReportJob) -> float:
    """One build of the job's document as the worker builds it (reports.documents.build)."""
    started = time.perf_counter()
    build(job, lambda percent: None)
    return time.perf_counter() - started


def through_workers(officer, province: str, workers: int) -> dict:
    """Seconds from asking until each job's file is stored, built by real workers: the
    summary and appendix of a large province, then (baseline) the whole report as one job."""
    run = uuid.uuid4().hex[:8]
    queue = f"bench-pdf-{run}"
    work = Path(tempfile.mkdtemp(prefix="civ-pdf-"))
    env = portal_env(
        database_url_for_subprocess(),
        settings.REDIS_URL,
        CELERY_QUEUE=queue,
        MEDIA_ROOT=str(work / "media"),
    )
    app.conf.task_default_queue = queue
    processes = [start_worker(env, work, queue, name=f"worker-{n}") for n in range(workers)]
    figures: dict = {}
    made = []
    place = Province.objects.get(pk=province)
    try:
        for label, appendix_from in (("split", 1), ("whole", 10**9)):
            with override_settings(REPORT_APPENDIX_FROM=appendix_from):
                started = time.monotonic()
                summary = request_report(officer, kind=ReportJob.Kind.PROVINCE_PDF, province=place)
            jobs = {"summary": summary.pk}
            if summary.parameters.get("appendix"):
                jobs["appendix"] = summary.parameters["appendix"]
            made += jobs.values()
            done: dict = {}

            def finished(jobs=jobs, done=done, started=started, label=label) -> bool:
                for name, pk in jobs.items():
                    if name not in done:
                        status = ReportJob.objects.get(pk=pk).status
                        if status == ReportJob.Status.FAILED:
                            raise SystemExit(f"{label} {name} failed: see {work}")
                        if status == ReportJob.Status.DONE:
                            done[name] = time.monotonic() - started
                return len(done) == len(jobs)

            wait_until(finished, 900, f"the {label} report", interval=0.1)
            figures[label] = done
    finally:
        for process in processes:
            process.stop()
        ReportJob.objects.filter(pk__in=made).delete()
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(queue)
        shutil.rmtree(work, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="52")
    parser.add_argument("--min-communities", type=int, default=10_000)
    parser.add_argument("--as", dest="email", default="officer.lampang@civ.example")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="also time the jobs end to end")
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

    # A large province's two documents, each built once as its job builds it.
    officer = job.requested_by
    summary = ReportJob(
        kind=ReportJob.Kind.PROVINCE_PDF,
        parameters={"province": args.province, "appendix": 0},
        requested_by=officer,
    )
    appendix = ReportJob(
        kind=ReportJob.Kind.PROVINCE_APPENDIX,
        parameters={"province": args.province, "summary": 0},
        requested_by=officer,
    )
    print(
        f"  split: summary {build_seconds(summary):.2f} s, appendix {build_seconds(appendix):.2f} s"
        " (one after the other in this process)"
    )
    if args.workers:
        figures = through_workers(officer, args.province, args.workers)
        split, whole = figures["split"], figures["whole"]
        print(
            f"  {args.workers} workers, asked to stored: summary {split['summary']:.1f} s, "
            f"appendix {split['appendix']:.1f} s (built at the same time); "
            f"baseline, the whole report as one job: {whole['summary']:.1f} s"
        )
    print(f"  load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

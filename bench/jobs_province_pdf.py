"""Seconds to build the province progress PDF for a province with ~500 communities.

    .venv/bin/python manage.py seed_scale --province 52 --communities 500
    .venv/bin/python bench/jobs_province_pdf.py [--province 52] [--runs 3]

Runs against the dev (embedded) database, or DATABASE_URL when set. Builds the document
in-process exactly as the worker does (reports.documents.build); writes nothing.
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

from communities.models import Community  # noqa: E402
from reports.documents import build  # noqa: E402
from reports.models import ReportJob  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="52")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    communities = Community.objects.filter(province_id=args.province).count()
    if communities < 500:
        print(f"note: province {args.province} has {communities} communities; run seed_scale")
    job = ReportJob(kind=ReportJob.Kind.PROVINCE_PDF, parameters={"province": args.province})
    timings, size = [], 0
    for _run in range(args.runs):
        started = time.perf_counter()
        _name, pdf = build(job, lambda percent: None)
        timings.append(time.perf_counter() - started)
        size = len(pdf)
    print(
        f"province {args.province}: {communities} communities, PDF {size / 1024:.0f} KiB; "
        f"build seconds: min {min(timings):.2f}, median {statistics.median(timings):.2f}, "
        f"max {max(timings):.2f} over {args.runs} runs"
    )


if __name__ == "__main__":
    main()

"""Programme results at scale: the results page and the yearly workbook at 10,000 communities.

    .venv/bin/python bench/results_rollups.py [--communities 10000] [--visits 2] [--repeat 3]

Runs against the dev (embedded) database, or DATABASE_URL when set, inside one transaction
that is rolled back at the end: ``seed_scale`` adds the synthetic programme (communities,
visits with values, products, training sessions with attendance), then the results page is
requested as programme staff through Django's test client and the programme workbook of
this fiscal year is built in-process (as the worker would). Nothing stays behind. Needs the
geography and indicators (``manage.py seed_demo`` once).
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.timing import timed  # noqa: E402
from civportal.fiscal import fiscal_year  # noqa: E402
from reports.documents import build  # noqa: E402
from reports.models import ReportJob  # noqa: E402

STAFF_EMAIL = "staff@civ.example"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with transaction.atomic():
        start = time.perf_counter()
        # Half in one province, half spread over nine others: the page groups by province.
        main_share = args.communities // 2
        call_command(
            "seed_scale",
            province="52",
            communities=main_share,
            spread=args.communities - main_share,
            visits=args.visits,
            products=1,
            sessions=args.sessions,
            stdout=io.StringIO(),
        )
        print(
            f"seeded {args.communities} communities × {args.visits} visits, "
            f"{args.sessions} sessions in {time.perf_counter() - start:.1f} s "
            "(rolled back at the end)"
        )
        staff = User.objects.get(email=STAFF_EMAIL)
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        fy = fiscal_year(timezone.localdate())
        print(f"{'request':<34}{'median ms':>10}{'max ms':>9}{'queries':>9}")
        for label, parameters in (
            ("results page, this fiscal year", {"fy": fy}),
            ("results page, last fiscal year", {"fy": fy - 1}),
        ):

            def page(parameters=parameters):
                response = client.get(reverse("results"), parameters)
                assert response.status_code == 200, response.status_code

            median, worst, queries = timed(page, args.repeat)
            print(f"{label:<34}{median:>10.1f}{worst:>9.1f}{queries:>9}")
        job = ReportJob(
            kind=ReportJob.Kind.PROGRAMME_XLSX, parameters={"fy": fy}, requested_by=staff
        )
        median, worst, queries = timed(lambda: build(job, lambda _percent: None), 1)
        print(f"{'yearly workbook, whole programme':<34}{median:>10.1f}{worst:>9.1f}{queries:>9}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()

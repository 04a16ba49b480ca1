"""Benchmark: scheduling sessions, the training calendar, and a double-booking storm.

Usage: .venv/bin/python bench/mentorship_booking.py [--sizes 10 200 1000] [--threads 8]

Builds a throw-away database (``bench_mentorship``) on the embedded PostgreSQL, seeds
the demo programme, prints figures and drops the database again. Prints:
- schedule_session latency (ms, mean and p95) while the calendar fills up;
- the month calendar and MOU page: SQL queries and response time at each size;
- N threads booking the same mentor into overlapping slots at once: how many won.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

BANGKOK = ZoneInfo("Asia/Bangkok")
SLOT = timedelta(minutes=40)  # sessions of 30 minutes, one every 40: ~1000 fit in a month


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"mean {statistics.mean(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 200, 1000])
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_mentorship"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args) -> None:
    from accounts.models import User
    from communities.models import Community
    from mentorship.models import MOU, MentoringArea
    from mentorship.services import schedule_session

    call_command("seed_demo", stdout=StringIO())
    mou = MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")
    mentor = User.objects.get(email="mentor@civ.example")
    coordinator = User.objects.get(email="coordinator@civ.example")
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    area = MentoringArea.objects.get(code="online_marketing")
    today = datetime.now(BANGKOK).date()
    month_start = (today.replace(day=1) + timedelta(days=40)).replace(day=1)
    first = datetime(month_start.year, month_start.month, 1, tzinfo=BANGKOK)

    def book(actor, starts_at, title, mentors=(mentor,)):
        return schedule_session(
            actor,
            mou,
            area=area,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            online_url="https://meet.example/bench",
            communities=[mae_jaem],
            mentors=list(mentors),
        )

    client = Client()
    client.force_login(mentor)
    print(f"{'sessions':>8} | {'schedule_session':>28} | {'month page':>22} | {'MOU page':>22}")
    made, latencies = 0, []
    for size in sorted(args.sizes):
        while made < size:
            start = time.perf_counter()
            book(mentor, first + SLOT * made, f"bench {made}")
            latencies.append(time.perf_counter() - start)
            made += 1
        pages = []
        for url, params in (
            (reverse("calendar_month"), {"month": month_start.strftime("%Y-%m")}),
            (reverse("mou_detail", args=[mou.pk]), {}),
        ):
            connection.queries_log.clear()  # the log is capped; a full one would count 0
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, params)
                elapsed = time.perf_counter() - start
            assert response.status_code == 200
            pages.append(f"{len(queries):3d} queries {elapsed * 1000:7.1f} ms")
        print(f"{size:8d} | {figures(latencies[-size:]):>28} | {pages[0]:>22} | {pages[1]:>22}")

    # The storm: every thread books the same mentor, overlapping, at the same moment.
    barrier = threading.Barrier(args.threads)
    results = []
    storm_start = first + timedelta(days=40)

    def attempt(n):
        try:
            barrier.wait()
            book(coordinator, storm_start + timedelta(minutes=n), f"storm {n}")
            results.append("booked")
        except ValidationError:
            results.append("clash")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(args.threads)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    print(
        f"storm: {args.threads} concurrent overlapping bookings of one mentor -> "
        f"{results.count('booked')} booked, {results.count('clash')} refused with the clash "
        f"message, in {elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

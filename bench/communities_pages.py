"""Registry list, community page and import check at scale: latency and SQL per request.

    .venv/bin/python bench/communities_pages.py [--communities 2000] [--visits 12] [--repeat 5]

Runs against the dev (embedded) database, or DATABASE_URL when set, inside one transaction
that is rolled back at the end: ``seed_scale`` adds the synthetic programme, the pages are
requested through Django's test client as the synthetic officer, and nothing stays behind.
Needs the geography and indicators (``manage.py seed_demo`` once).
"""

import argparse
import csv
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

from accounts.models import User  # noqa: E402
from bench.timing import timed  # noqa: E402
from communities.imports import check_communities, read_table  # noqa: E402
from communities.management.commands.seed_scale import OFFICER_EMAIL  # noqa: E402
from communities.models import Community, Subdistrict  # noqa: E402

PROVINCE = "80"


def import_table(rows):
    places = list(Subdistrict.objects.filter(district__province_id=PROVINCE).order_by("code"))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["name_th", "tambon_code", "latitude", "longitude", "members_count"])
    for i in range(rows):
        writer.writerow([f"ชุมชนนำเข้าทดสอบ {i}", places[i % len(places)].code, "8.4", "99.9", i])
    return read_table("bench.csv", text.getvalue().encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=12)
    parser.add_argument("--import-rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with transaction.atomic():
        start = time.perf_counter()
        call_command(
            "seed_scale",
            province=PROVINCE,
            communities=args.communities,
            visits=args.visits,
            products=2,
            stdout=io.StringIO(),
        )
        print(
            f"seeded {args.communities} communities × {args.visits} visits "
            f"in {time.perf_counter() - start:.1f} s (rolled back at the end)"
        )
        officer = User.objects.get(email=OFFICER_EMAIL)
        client = Client(HTTP_HOST="localhost")
        client.force_login(officer)
        busiest = Community.objects.filter(province_id=PROVINCE).order_by("-pk").first()
        pages = {
            "registry, page 1": reverse("community_list"),
            "registry, Thai search": reverse("community_list") + "?q=สังเคราะห์+0042",
            "registry, filtered page 20": reverse("community_list") + "?stage=target&page=20",
            "community page": reverse("community_detail", args=[busiest.pk]),
            "community history": reverse("community_history", args=[busiest.pk]),
            "map": reverse("community_map"),
        }
        print(f"{'request':<28}{'median ms':>10}{'max ms':>9}{'queries':>9}")
        for label, url in pages.items():
            median, worst, queries = timed(lambda url=url: client.get(url), args.repeat)
            print(f"{label:<28}{median:>10.1f}{worst:>9.1f}{queries:>9}")
        table = import_table(args.import_rows)
        median, worst, queries = timed(lambda: check_communities(officer, table), args.repeat)
        label = f"import check, {args.import_rows} rows"
        print(f"{label:<28}{median:>10.1f}{worst:>9.1f}{queries:>9}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()

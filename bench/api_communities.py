"""The API's community list at scale: latency and SQL per request, beside the registry page.

    .venv/bin/python bench/api_communities.py [--communities 10000] [--repeat 5]

Runs against the dev (embedded) database, or DATABASE_URL when set, inside one transaction
that is rolled back at the end: ``seed_scale`` adds the synthetic programme, then the
requests go through Django's test client — the API with a personal access token of the
synthetic officer (and programme staff, nationwide), the open data anonymously, and the
registry page as the baseline of the same run. Needs the geography and indicators
(``manage.py seed_demo`` once).
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")
# The bench measures the endpoints, not the per-token rate limit.
os.environ.setdefault("API_TOKEN_RATE", "1000000/min")
os.environ.setdefault("API_ANON_RATE", "1000000/min")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from api.services import create_token  # noqa: E402
from communities.management.commands.seed_scale import OFFICER_EMAIL  # noqa: E402

PROVINCE = "80"


def timed(function, repeat):
    samples, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = function()
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries, size = len(captured), len(response.content)
    return statistics.median(samples), max(samples), queries, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with transaction.atomic():
        start = time.perf_counter()
        call_command(
            "seed_scale",
            province=PROVINCE,
            communities=args.communities,
            visits=1,
            products=1,
            stdout=io.StringIO(),
        )
        print(
            f"seeded {args.communities} communities in {time.perf_counter() - start:.1f} s "
            "(rolled back at the end)"
        )
        officer = User.objects.get(email=OFFICER_EMAIL)
        staff = User.objects.filter(role=Role.STAFF, is_active=True).first()
        keys = {
            who: create_token(user, name="bench", scope="read", days=1)[1]
            for who, user in (("officer", officer), ("staff", staff))
        }
        anonymous = Client(HTTP_HOST="localhost")
        page_client = Client(HTTP_HOST="localhost")
        page_client.force_login(officer)

        def api(who, url, **params):
            client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {keys[who]}")
            return lambda: client.get(url, params)

        communities = reverse("api:community-list")
        # A cursor deep into the list: follow up to ten pages of 200 once, then time the last.
        deep, depth = communities + "?page_size=200", 1
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {keys['officer']}")
        while depth <= 10 and (following := client.get(deep).json()["next"]):
            deep, depth = following, depth + 1
        hour_ago = (timezone.now() - timezone.timedelta(hours=1)).isoformat()
        requests = {
            "registry page 1 (baseline)": lambda: page_client.get(reverse("community_list")),
            "API officer, first 50": api("officer", communities),
            "API officer, first 200": api("officer", communities, page_size=200),
            f"API officer, page {depth} of 200": lambda: client.get(deep),
            "API officer, stage filter": api("officer", communities, stage="target"),
            "API officer, updated_since": api("officer", communities, updated_since=hour_ago),
            "API staff, first 200": api("staff", communities, page_size=200),
            "open data, first 200": lambda: anonymous.get(
                reverse("api:open-community-list"), {"page_size": 200}
            ),
            "open data, all as CSV": lambda: anonymous.get(reverse("api:open-communities-csv")),
        }
        print(f"{'request':<30}{'median ms':>10}{'max ms':>9}{'queries':>9}{'bytes':>11}")
        for label, function in requests.items():
            median, worst, queries, size = timed(function, args.repeat)
            print(f"{label:<30}{median:>10.1f}{worst:>9.1f}{queries:>9}{size:>11}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()

"""Seconds to fan out one event to 10,000 people through notifications.services.notify.

    .venv/bin/python bench/jobs_notifications.py [--recipients 10000]

Runs against the dev (embedded) database, or DATABASE_URL when set. Creates synthetic
users without a role or password (``bench.N@synthetic.invalid``, once), times ``notify``
(render per language, bulk insert, e-mail job queued after commit) and then deletes the
notifications it made.
The e-mail job goes to a throwaway queue that is purged, so no worker sends 10,000 mails.
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from civportal.celery import app  # noqa: E402
from notifications.models import Kind, Notification  # noqa: E402
from notifications.services import notify  # noqa: E402


def bench_users(count: int) -> list[User]:
    emails = [f"bench.{index:05d}@synthetic.invalid" for index in range(count)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=email,
                full_name=f"[BENCH] {email}",
                password=password,
                preferred_language="en" if index % 5 == 0 else "th",
            )
            for index, email in enumerate(emails)
            if email not in have
        ],
        batch_size=2000,
    )
    return list(User.objects.filter(email__in=emails))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    users = bench_users(args.recipients)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    event = f"bench:{uuid.uuid4().hex}"
    started = time.perf_counter()
    with transaction.atomic():
        created = notify(
            users,
            kind=Kind.WEEKLY_DIGEST,
            event_key=event,
            template="notifications/weekly_digest",
            context={"items": [], "total": 0, "more": 0},
        )
    elapsed = time.perf_counter() - started
    # Same event again: the unique (recipient, kind, event) makes it a no-op.
    started = time.perf_counter()
    with transaction.atomic():
        again = notify(
            users,
            kind=Kind.WEEKLY_DIGEST,
            event_key=event,
            template="notifications/weekly_digest",
            context={"items": [], "total": 0, "more": 0},
        )
    repeat = time.perf_counter() - started
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    Notification.objects.filter(event_key=event).delete()
    print(
        f"notify fan-out to {len(users)} recipients: {elapsed:.2f} s "
        f"({len(created)} notifications, e-mail job queued after commit); "
        f"repeating the same event: {repeat:.2f} s, {len(again)} new"
    )


if __name__ == "__main__":
    main()

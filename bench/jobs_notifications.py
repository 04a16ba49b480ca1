"""Seconds to fan out one event to 10,000 people, from notifications.services.notify until
every e-mail has been handed to the mail backend by real Celery workers.

    .venv/bin/python bench/jobs_notifications.py [--recipients 10000] [--workers 2]
                                                 [--baseline-workers 1]

Runs against the dev (embedded) database, or DATABASE_URL / REDIS_URL when set. Creates
synthetic users without a role or password (``bench.N@synthetic.invalid``, once). Starts
``--workers`` separate ``celery -A civportal worker`` processes (solo pool: one task at a
time each, as the tests' workers) on a queue of the bench's own, and ``--baseline-workers``
more on another queue for the baseline in the same run: the same fan-out sent by fewer
workers (0 skips it). The workers' mail backend (bench/mail.py) keeps the messages in
memory and counts them and the connections opened in Redis.

Each run times ``notify`` (render per language, bulk insert, deliveries recorded, chunks
handed to the broker after commit) and then waits until the backend has counted every
message and every delivery row is marked sent, and reads the CPU time the workers used
meanwhile (/proc): on a busy machine the workers wait for a core, and the load average
printed at the end says how busy it was. A third measurement sends one chunk in this
process to count its SQL queries at two chunk sizes. Notifications (and with them
their deliveries), the queues and the counters are deleted at the end.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.mail import counter  # noqa: E402
from civportal.celery import app  # noqa: E402
from notifications.models import Kind, Notification  # noqa: E402
from notifications.services import notify  # noqa: E402
from outbox.models import Channel, Delivery  # noqa: E402
from outbox.services import chunks  # noqa: E402
from outbox.tasks import send_deliveries  # noqa: E402
from tests.conftest import database_url_for_subprocess  # noqa: E402
from tests.servers import portal_env, start_worker, wait_until  # noqa: E402

RUN = uuid.uuid4().hex[:8]
WORK = Path(tempfile.mkdtemp(prefix="civ-fanout-"))


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
    return list(User.objects.filter(email__in=emails).order_by("email"))


def tell(users, event: str) -> list[int]:
    with transaction.atomic():
        return notify(
            users,
            kind=Kind.WEEKLY_DIGEST,
            event_key=event,
            template="notifications/weekly_digest",
            context={"items": [], "total": 0, "more": 0},
        )


def forget_queue(queue: str) -> None:
    """Drop a queue of this run: its jobs, and the bindings kombu keeps in Redis for it."""
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(queue)
    client, _prefix = counter()
    for key in list(client.scan_iter(match=f"*{queue}*")):
        client.delete(key)


class Pool:
    """Celery worker processes on a queue of their own, counting their mail under ``prefix``."""

    def __init__(self, name: str, workers: int):
        self.name = name
        self.queue = f"bench-{RUN}-{name}"
        self.prefix = f"bench:mail:{RUN}:{name}"
        self.size = workers
        self.processes = []

    def start(self):
        env = portal_env(
            database_url_for_subprocess(),
            settings.REDIS_URL,
            CELERY_QUEUE=self.queue,
            EMAIL_BACKEND="bench.mail.CountingBackend",
            BENCH_MAIL_COUNTER=self.prefix,
        )
        self.processes = [
            start_worker(env, WORK, self.queue, name=f"{self.name}-{n}") for n in range(self.size)
        ]
        return self

    def counted(self, what: str) -> int:
        client, _prefix = counter()
        return int(client.get(f"{self.prefix}:{what}") or 0)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers used so far, from /proc (Linux)."""
        total = 0
        for process in self.processes:
            stat = Path(f"/proc/{process.process.pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return all(process.alive() for process in self.processes)

    def stop(self):
        for process in self.processes:
            process.stop()
        client, _prefix = counter()
        client.delete(f"{self.prefix}:messages", f"{self.prefix}:connections")
        forget_queue(self.queue)


def fan_out(users, pool: Pool, events: list[str]) -> dict:
    """Notify everyone of one new event and wait until the pool delivered every e-mail."""
    app.conf.task_default_queue = pool.queue
    event = f"bench:{RUN}:{pool.name}"
    events.append(event)
    cpu = pool.cpu_seconds()
    started = time.perf_counter()
    created = tell(users, event)
    recorded = time.perf_counter() - started
    emails = Delivery.objects.filter(notification__event_key=event, channel=Channel.EMAIL)
    expected = emails.count()

    def done() -> bool:
        if not pool.alive():
            raise AssertionError(f"a {pool.name} worker exited; logs in {WORK}")
        return pool.counted("messages") >= expected and not emails.exclude(status="sent").exists()

    wait_until(done, 900, f"{expected} e-mails delivered by {pool.name}", interval=0.05)
    delivered = time.perf_counter() - started
    return {
        "cpu": pool.cpu_seconds() - cpu,
        "notifications": len(created),
        "mails": pool.counted("messages"),
        "expected": expected,
        "record": recorded,
        "delivered": delivered,
        "connections": pool.counted("connections"),
        "chunks": len(list(chunks(list(emails.values_list("pk", flat=True))))),
    }


def queries_per_chunk(users, size: int, events: list[str]) -> tuple[int, int]:
    """(SQL queries, mail connections) of sending one chunk of ``size`` in this process."""
    event = f"bench:{RUN}:chunk{size}"
    events.append(event)
    app.conf.task_default_queue = f"bench-{RUN}-nobody"  # no worker: this process sends it
    tell(users[:size], event)
    ids = list(Delivery.objects.filter(notification__event_key=event).values_list("pk", flat=True))
    client, _prefix = counter()
    prefix = f"bench:mail:{RUN}:chunk"
    os.environ["BENCH_MAIL_COUNTER"] = prefix
    mailers = {"default": {"BACKEND": "bench.mail.CountingBackend"}}
    with override_settings(MAILERS=mailers), CaptureQueriesContext(connection) as captured:
        sent = send_deliveries(ids)
    assert sent == size, (sent, size)
    opened = int(client.get(f"{prefix}:connections") or 0)
    client.delete(f"{prefix}:messages", f"{prefix}:connections")
    forget_queue(app.conf.task_default_queue)
    return len(captured), opened


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-workers", type=int, default=1, help="0: no baseline run")
    args = parser.parse_args()
    users = bench_users(args.recipients)
    pools = [Pool("main", args.workers)]
    if args.baseline_workers:
        pools.insert(0, Pool("baseline", args.baseline_workers))
    events: list[str] = []
    results = {}
    try:
        for pool in pools:  # started before any timing: start-up is not the job
            pool.start()
        for pool in pools:
            results[pool.name] = fan_out(users, pool, events)
        # The same event again: the unique (recipient, kind, event) makes it a no-op.
        started = time.perf_counter()
        again = tell(users, events[-1])
        repeat = time.perf_counter() - started
    finally:
        for pool in pools:
            pool.stop()
    try:
        chunk_queries = {
            size: queries_per_chunk(users, size, events)
            for size in sorted({10, settings.DELIVERY_CHUNK})
        }
    finally:
        Notification.objects.filter(event_key__in=events).delete()
    shutil.rmtree(WORK)  # the workers' logs, kept only when a run failed

    print(
        f"notify fan-out to {len(users)} recipients, delivered to an in-memory mail backend "
        f"by Celery workers (separate processes, one task at a time each); "
        f"chunks of {settings.DELIVERY_CHUNK}"
    )
    print(
        f"{'workers':>8}{'mails':>8}{'record (s)':>12}{'delivered (s)':>15}{'mails/s':>9}"
        f"{'chunks':>8}{'connections':>13}{'worker CPU (s)':>16}"
    )
    for pool in pools:
        r = results[pool.name]
        print(
            f"{pool.size:>8}{r['mails']:>8}{r['record']:>12.2f}{r['delivered']:>15.2f}"
            f"{r['mails'] / r['delivered']:>9.0f}{r['chunks']:>8}{r['connections']:>13}"
            f"{r['cpu']:>16.1f}"
        )
    print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"repeating the same event: {repeat:.2f} s, {len(again)} new")
    print(
        "one chunk sent in-process: "
        + ", ".join(
            f"{size} deliveries: {queries} SQL queries, {opened} mail connection(s)"
            for size, (queries, opened) in chunk_queries.items()
        )
    )


if __name__ == "__main__":
    main()

"""1,000 side effects recorded while Redis is down: how long after Redis returns until every
e-mail has reached the mail server, and whether anyone got one twice.

    .venv/bin/python bench/outbox_outage.py [--messages 1000] [--down 60] [--workers 2]

Everything runs as it ships: a Redis of the bench's own (stopped and started again), two
Celery workers and beat as processes with the shipped schedule (outbox sweep every
minute), and a local SMTP server counting what arrives. The baseline in the same run is
the same number of messages recorded while Redis is up.
Uses the dev database (embedded) or DATABASE_URL; its synthetic users are
``outage.N@synthetic.invalid`` and their notifications and deliveries are deleted after.
"""

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

from tests.servers import (  # noqa: E402
    RedisServer,
    SmtpSink,
    portal_env,
    start_beat,
    start_worker,
    wait_until,
)

WORK = Path(tempfile.mkdtemp(prefix="civ-outage-"))
REDIS = RedisServer(WORK / "redis").start()
QUEUE = f"bench-{uuid.uuid4().hex[:8]}"
# This process's cache and broker: the bench's own Redis and queue, as its workers'.
os.environ["REDIS_URL"] = REDIS.url
os.environ["CELERY_QUEUE"] = QUEUE
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications.models import Kind, Notification  # noqa: E402
from notifications.services import notify  # noqa: E402
from outbox.models import Delivery  # noqa: E402
from tests.conftest import database_url_for_subprocess  # noqa: E402

EVENT_SIZE = 100  # recipients per event: 1,000 messages = 10 events


def users(count: int) -> list[User]:
    emails = [f"outage.{n:05d}@synthetic.invalid" for n in range(count)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(email=e, full_name=f"[BENCH] {e}", password=password)
            for e in emails
            if e not in have
        ]
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


def record(people: list[User], run: str) -> float:
    """Seconds to record one notification (and its e-mail) per person, in events of 100."""
    started = time.perf_counter()
    for start in range(0, len(people), EVENT_SIZE):
        notify(
            people[start : start + EVENT_SIZE],
            kind=Kind.REPORT_READY,
            event_key=f"bench:{run}:{start}",
            template="notifications/report_ready",
            context={"job": None, "province": None},
            url="/reports/",
        )
    return time.perf_counter() - started


def wait_delivered(keys: list[str], timeout: float) -> float:
    started = time.monotonic()
    pending = Delivery.objects.filter(notification__event_key__in=keys).exclude(status="sent")
    wait_until(lambda: not pending.exists(), timeout, "every delivery sent", interval=0.5)
    return time.monotonic() - started


def cleanup(people):
    Notification.objects.filter(recipient__in=people, event_key__startswith="bench:").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--down", type=int, default=60, help="seconds Redis stays down")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    people = users(args.messages)
    cleanup(people)
    sink = SmtpSink().start()
    env = portal_env(database_url_for_subprocess(), REDIS.url, CELERY_QUEUE=QUEUE, **sink.env())
    processes = [start_worker(env, WORK, QUEUE, name=f"worker{n}") for n in range(args.workers)]
    processes.append(start_beat(env, WORK))
    try:
        # Baseline: Redis up, handed to the workers at once.
        baseline_keys = [f"bench:up:{s}" for s in range(0, args.messages, EVENT_SIZE)]
        record_up = record(people, "up")
        baseline = wait_delivered(baseline_keys, 600)
        baseline_received = len(sink.received())

        REDIS.stop()
        down_started = time.monotonic()
        record_down = record(people, "down")
        outage_keys = [f"bench:down:{s}" for s in range(0, args.messages, EVENT_SIZE)]
        waiting = Delivery.objects.filter(notification__event_key__in=outage_keys)
        assert waiting.filter(status="pending").count() == args.messages
        time.sleep(max(0.0, args.down - (time.monotonic() - down_started)))
        REDIS.start()
        after_return = wait_delivered(outage_keys, 900)
        outage_messages = sink.received()[baseline_received:]
        per_person = Counter(m["To"] for m in outage_messages)
    finally:
        for process in processes:
            process.stop()
        sink.stop()
        REDIS.stop()
        cleanup(people)

    print(f"messages: {args.messages}, workers: {args.workers}, Redis down {args.down} s")
    print(f"{'run':<28}{'record (s)':>12}{'all sent (s)':>14}{'received':>10}{'twice':>7}")
    print(
        f"{'baseline, Redis up':<28}{record_up:>12.2f}{baseline:>14.1f}"
        f"{baseline_received:>10}{'-':>7}"
    )
    print(
        f"{'Redis down, after return':<28}{record_down:>12.2f}{after_return:>14.1f}"
        f"{len(outage_messages):>10}{sum(1 for n in per_person.values() if n > 1):>7}"
    )


if __name__ == "__main__":
    main()

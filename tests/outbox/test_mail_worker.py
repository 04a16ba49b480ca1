"""E-mail through real Celery workers and beat to a real SMTP server: a mail server that is
down loses nothing, and a worker killed in the middle of a chunk leaves nobody unmailed."""

from collections import Counter

import pytest
from django.conf import settings

from accounts.models import Role, User
from notifications.models import Kind
from notifications.services import notify
from outbox.models import Delivery
from tests.conftest import database_url_for_subprocess
from tests.servers import SmtpSink, portal_env, start_beat, start_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SLOW = 0.3  # seconds the mail server takes per message in the test that kills a worker


def recipients(count: int) -> list[User]:
    """Officers who only receive mail (no password to hash: they never sign in here)."""
    users = [
        User(email=f"reader{n}@test.civ.example", full_name=f"ผู้รับ {n}", role=Role.STAFF)
        for n in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    return User.objects.bulk_create(users)


def tell(users):
    notify(
        users,
        kind=Kind.REPORT_READY,
        event_key="report:1:ready",
        template="notifications/report_ready",
        context={"job": None, "province": None},
        url="/reports/",
    )


@pytest.fixture
def stack(tmp_path, celery_queue):
    """Workers and beat of this test, sweeping every second, on this test's queue."""
    Delivery.objects.all().delete()  # the demo data's own mail is not this test's
    started = []

    def env(sink: SmtpSink, **extra):
        return portal_env(
            database_url_for_subprocess(),
            settings.REDIS_URL,
            CELERY_QUEUE=celery_queue,
            OUTBOX_SWEEP_SECONDS=1,
            OUTBOX_REDISPATCH_SECONDS=2,
            DELIVERY_RETRY_SECONDS=1,
            DELIVERY_RETRY_MAX_SECONDS=2,
            **sink.env(),
            **extra,
        )

    def worker(sink, name="worker", **extra):
        process = start_worker(env(sink, **extra), tmp_path, celery_queue, name=name)
        started.append(process)
        return process

    def beat(sink):
        process = start_beat(env(sink), tmp_path)
        started.append(process)
        return process

    yield worker, beat
    for process in started:
        process.stop()


def test_while_the_mail_server_is_down_nothing_is_lost_and_each_person_gets_one_email(stack):
    worker, beat = stack
    sink = SmtpSink()  # not listening yet: connection refused
    worker(sink)
    beat(sink)
    users = recipients(8)

    tell(users)

    mine = Delivery.objects.filter(recipient__in=users)
    wait_until(
        lambda: all(d.attempts >= 3 for d in mine.all()), 90, "three failed attempts everywhere"
    )
    assert set(mine.values_list("status", flat=True)) == {"pending"}  # retried, not dropped
    sink.start()
    try:
        wait_until(lambda: len(sink.received()) >= 8, 90, "the mail to arrive")
        wait_until(lambda: not mine.exclude(status="sent").exists(), 30, "rows marked sent")
    finally:
        sink.stop()
    assert Counter(m["To"] for m in sink.received()) == Counter(u.email for u in users)


def test_a_worker_killed_mid_chunk_leaves_nobody_unmailed(stack):
    worker, beat = stack
    sink = SmtpSink(delay=SLOW).start()  # slow enough to kill the worker in the middle
    users = recipients(25)
    first = worker(sink, name="first", DELIVERY_CLAIM_SECONDS=3)
    second = worker(sink, name="second", DELIVERY_CLAIM_SECONDS=3)
    try:
        tell(users)
        wait_until(lambda: len(sink.received()) >= 5, 60, "the first mails")
        busy = first if "send_deliveries" in first.log_text() else second
        busy.kill()
        beat(sink)

        mine = Delivery.objects.filter(recipient__in=users)
        wait_until(lambda: not mine.exclude(status="sent").exists(), 120, "every row sent")
    finally:
        sink.stop()
    received = Counter(m["To"] for m in sink.received())
    assert set(received) == {u.email for u in users}  # everyone, the one in flight included
    # At least once: the few sent but not yet marked when the worker died go again, with
    # the same Message-ID so mail programs drop the repeat. What went is marked at least
    # every DELIVERY_MARK_SENT_SECONDS: at most that many seconds' worth of messages, and
    # the one the sink had taken when the worker died.
    assert sum(received.values()) - len(users) <= settings.DELIVERY_MARK_SENT_SECONDS / SLOW + 2
    by_recipient = {}
    for message in sink.received():
        by_recipient.setdefault(message["To"], set()).add(message["Message-ID"])
    assert all(len(ids) == 1 for ids in by_recipient.values())

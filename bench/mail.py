"""A mail backend for the fan-out bench: keeps messages in the worker's memory and counts
them, and the connections opened, in Redis, where the bench process can read them.

Used only by bench/jobs_notifications.py (its workers get
``EMAIL_BACKEND=bench.mail.CountingBackend``); nothing ships it. The counters are two Redis
keys named by ``BENCH_MAIL_COUNTER`` (``<prefix>:messages``, ``<prefix>:connections``).
A connection adds what it sent when it closes, so counting costs one Redis call per
connection, not per message.
"""

import os

import redis
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

# What this worker process was handed, like Django's locmem backend keeps ``mail.outbox``.
received = []

_client = None


def counter() -> tuple[redis.Redis, str]:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client, os.environ.get("BENCH_MAIL_COUNTER", "bench:mail")


class CountingBackend(BaseEmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent = 0
        self.opened = False

    def open(self):
        if not self.opened:
            self.opened = True
            client, prefix = counter()
            client.incr(f"{prefix}:connections")

    def close(self):
        if self.sent:
            client, prefix = counter()
            client.incrby(f"{prefix}:messages", self.sent)
            self.sent = 0
        self.opened = False

    def send_messages(self, messages):
        count = 0
        for message in messages:
            message.message()  # builds the MIME message and checks its headers, as locmem does
            received.append(message)
            count += 1
        self.sent += count
        return count

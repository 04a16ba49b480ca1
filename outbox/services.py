"""The outbox: record deliveries with the change that causes them; claim, send, retry.

Feature code records deliveries inside its own transaction (``record_deliveries``); they
are handed to the broker after commit in chunks. Workers ``claim`` a chunk, send it over
one connection per chunk (``outbox.channels``) and record each outcome. Nothing here
talks to a mail server, and nothing is lost if the broker is away: ``sweep`` (every
minute) hands over again whatever is due and waiting.
"""

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civportal.jobs import dispatch, dispatch_on_commit

from .models import Delivery
from .permissions import can_manage_deliveries

logger = logging.getLogger(__name__)

SEND_TASK = "outbox.tasks.send_deliveries"
SWEEP_LIMIT = 20_000


def chunks(ids: list[int]) -> Iterable[list[int]]:
    size = settings.DELIVERY_CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def record_deliveries(deliveries: list[Delivery]) -> list[int]:
    """Store new deliveries (existing (channel, key) pairs are left alone) and hand the
    pending ones to the broker once the surrounding transaction commits.

    Returns the ids of the pending deliveries among them.
    """
    if not deliveries:
        return []
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    wanted = Q()
    for channel in {d.channel for d in deliveries}:
        wanted |= Q(channel=channel, key__in=[d.key for d in deliveries if d.channel == channel])
    ids = list(
        Delivery.objects.filter(wanted, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in chunks(ids):
        dispatch_on_commit(SEND_TASK, chunk, on_handed=partial(_handed, chunk))
    return ids


def _handed(ids: list[int]) -> None:
    """The broker has these; the sweeper leaves them alone for a while."""
    Delivery.objects.filter(pk__in=ids).update(dispatched_at=timezone.now())


def claim(ids: list[int], now=None) -> list[Delivery]:
    """Take the due, unclaimed deliveries among ``ids`` for this worker, for a while.

    One conditional UPDATE: two workers given the same ids never both get a row.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk__in=ids,
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(
        claim=token,
        claimed_until=now + timedelta(seconds=settings.DELIVERY_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    # By primary key: "claim" has no index, and a scan of every delivery ever sent per chunk
    # would grow with the outbox.
    return list(Delivery.objects.filter(pk__in=ids, claim=token).order_by("pk"))


def mark_sent(deliveries: list[Delivery]) -> None:
    """Record that these deliveries (claimed together) went, in one UPDATE."""
    if deliveries:
        Delivery.objects.filter(
            pk__in=[d.pk for d in deliveries], claim=deliveries[0].claim
        ).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
        )


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most an hour (by default)."""
    seconds = settings.DELIVERY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.DELIVERY_RETRY_MAX_SECONDS))


def mark_failed(deliveries: list[Delivery], error: str, *, permanent: bool = False) -> None:
    """Record a failed attempt: retried later with back-off, or given up ("dead").

    One UPDATE per claim and attempt count (a chunk is claimed together, so usually one),
    not one per delivery: a mail server that is down fails a whole chunk at once.
    """
    now = timezone.now()
    alike = defaultdict(list)
    for delivery in deliveries:
        alike[delivery.claim, delivery.attempts].append(delivery.pk)
    for (claim, attempts), ids in alike.items():
        dead = permanent or attempts >= settings.DELIVERY_MAX_ATTEMPTS
        Delivery.objects.filter(pk__in=ids, claim=claim).update(
            status=Delivery.Status.DEAD if dead else Delivery.Status.PENDING,
            next_attempt_at=now + retry_delay(attempts),
            claimed_until=None,
            dispatched_at=None,
            last_error=error[:500],
        )


def send_chunk(
    deliveries: list[Delivery],
    connect: Callable[[], AbstractContextManager],
    send_one: Callable[[object, Delivery], bool],
    unavailable: tuple[type[BaseException], ...],
) -> int:
    """Send a claimed chunk over one connection and record every outcome; returns how many
    were sent.

    ``send_one(connection, delivery)`` answers True when the message went, False when it
    was refused for good (having marked it failed itself). An ``unavailable`` error (the
    server down, hung or busy) stops the chunk: what went is marked sent, the rest is
    retried later with back-off.

    What went is marked sent in one UPDATE at the end, and every
    ``DELIVERY_MARK_SENT_SECONDS`` on the way while a slow server takes its time: a worker
    killed mid-chunk sends again at most what it sent in that time (with the same
    Message-ID or LINE retry key, which lets the repeat be dropped), and the queries of a
    chunk do not grow with its size.
    """
    settled: set[int] = set()
    batch: list[Delivery] = []
    sent = 0
    marked_at = time.monotonic()
    try:
        with connect() as connection:
            for delivery in deliveries:
                accepted = send_one(connection, delivery)
                settled.add(delivery.pk)
                if not accepted:
                    continue
                batch.append(delivery)
                sent += 1
                if time.monotonic() - marked_at >= settings.DELIVERY_MARK_SENT_SECONDS:
                    mark_sent(batch)
                    batch = []
                    marked_at = time.monotonic()
    except unavailable as error:
        logger.warning("%s chunk interrupted after %d sent: %r", deliveries[0].channel, sent, error)
        mark_sent(batch)
        mark_failed(
            [d for d in deliveries if d.pk not in settled], f"{type(error).__name__}: {error}"
        )
        return sent
    mark_sent(batch)
    return sent


def sweep(now=None) -> int:
    """Hand the broker, in chunks, every pending delivery that is due and not in hand.

    "In hand" means claimed by a worker, or handed to the broker less than
    OUTBOX_REDISPATCH_SECONDS ago; rows the broker never took (it was down when they
    were recorded, or they wait for a retry) are handed over at the first sweep.
    Returns how many were handed over.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    handed = 0
    for chunk in chunks(ids):
        if not dispatch(SEND_TASK, chunk):
            break  # the broker is away again; the next sweep tries
        _handed(chunk)
        handed += len(chunk)
    return handed


@transaction.atomic(durable=True)
def send_again(actor, delivery: Delivery) -> Delivery:
    """Programme staff put an undelivered message back in the queue (attempts start over)."""
    if not can_manage_deliveries(actor):
        raise PermissionDenied
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != Delivery.Status.DEAD:
        raise ValidationError(_("Only a message that could not be delivered can be sent again."))
    delivery.status = Delivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.claimed_until = None
    delivery.dispatched_at = None
    delivery.save(
        update_fields=["status", "attempts", "next_attempt_at", "claimed_until", "dispatched_at"]
    )
    dispatch_on_commit(SEND_TASK, [delivery.pk], on_handed=partial(_handed, [delivery.pk]))
    return delivery

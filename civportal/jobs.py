"""The one place jobs are handed to the broker, and the options every job shares.

Work that must happen is first written to the database (a delivery row, a report job row)
in the same transaction as the change that causes it. ``dispatch_on_commit`` then hands
the job to Celery once that transaction commits. Handing it over is only a hint that
saves time: if Redis is down or hung, the request goes on (after at most
``BROKER_TIMEOUT`` seconds) and the periodic sweepers find the rows that are still
waiting and enqueue them again, so a broker outage delays work and never loses it.
"""

import logging
import threading
import time
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

logger = logging.getLogger(__name__)

# Errors worth a retry with back-off: the database, broker or mail server briefly away.
# Anything else is a bug or bad data; retrying would fail again, so it is not retried.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError, OSError)

# The options every periodic job shares: acknowledged after it ran, retried on transient errors.
periodic_task = shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)


class Circuit:
    """Remembers, per process, that a service failed, so callers skip it for a while.

    A hung Redis would otherwise cost every request its full socket timeout; after one
    failure the next requests go straight to the fallback until ``cooldown`` has passed.
    """

    def __init__(self, name: str, cooldown: float):
        self.name = name
        self.cooldown = cooldown
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._down_until

    def trip(self, error: BaseException) -> None:
        with self._lock:
            if not self.is_open:
                logger.warning(
                    "%s unavailable (%r); using the fallback for %ss",
                    self.name,
                    error,
                    self.cooldown,
                )
            self._down_until = time.monotonic() + self.cooldown

    def reset(self) -> None:
        with self._lock:
            self._down_until = 0.0


broker_circuit = Circuit("broker", cooldown=float(getattr(settings, "BROKER_COOLDOWN", 15)))


def dispatch(task_name: str, *args) -> bool:
    """Hand one job to the broker now; False (and logged) when the broker is unavailable.

    Tasks are named, not imported, so services never import tasks (tasks import services).
    """
    from civportal.celery import app

    if broker_circuit.is_open:
        return False
    try:
        app.send_task(task_name, args=list(args), retry=False)
    except Exception as error:  # any broker failure: the sweepers will enqueue the job later
        broker_circuit.trip(error)
        return False
    return True


def dispatch_on_commit(task_name: str, *args, on_handed=None) -> None:
    """Hand a job to the broker once the current transaction commits (at once if none).

    A rolled-back change never sends a job, and the worker always finds the rows it
    reads. ``on_handed`` runs only if the broker took the job (the rows record that they
    are in hand; the sweepers pick up the others at once). The callback never raises: a
    broker outage must not turn a saved change into an error page.
    """

    def hand_over():
        if dispatch(task_name, *args) and on_handed is not None:
            on_handed()

    transaction.on_commit(hand_over, robust=True)

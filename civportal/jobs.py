"""The one place side effects are queued: only after the surrounding transaction commits."""

from functools import partial
from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

# Errors worth a retry with back-off: the database, broker or mail server briefly away.
# Anything else is a bug or bad data; retrying would fail again, so it is not retried.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)

# The options every periodic job shares: acknowledged after it ran, retried on transient errors.
periodic_task = shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue a Celery task once the current transaction commits (at once if there is none).

    A rolled-back change never sends a job, and the worker always finds the rows it reads.
    """
    transaction.on_commit(partial(task.delay, *args, **kwargs))

"""The one place side effects are queued: only after the surrounding transaction commits."""

from functools import partial

from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue a Celery task once the current transaction commits (at once if there is none).

    A rolled-back change never sends a job, and the worker always finds the rows it reads.
    """
    transaction.on_commit(partial(task.delay, *args, **kwargs))

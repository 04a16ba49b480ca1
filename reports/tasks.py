import logging
import time
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from civportal.jobs import TRANSIENT_ERRORS, periodic_task

from . import services
from .documents import ReportError, build

logger = logging.getLogger(__name__)

# Only TRANSIENT_ERRORS are retried; anything else is recorded on the job instead.


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Called once retries are over (or for a non-transient error): record it on the job.

        The person who asked sees words they can act on; the details (which may name
        files or servers) go only to the log.
        """
        job_id = args[0] if args else kwargs.get("job_id")
        logger.error("report job %s failed: %r", job_id, exc, exc_info=exc)
        services.fail_job(job_id, _readable_reason(exc))


def _readable_reason(exc: BaseException) -> str:
    """What the person who asked is shown: never a server path or a traceback's words
    (OSError messages name files); the log above has the details."""
    if isinstance(exc, ReportError):
        return str(exc)
    if isinstance(exc, ValidationError):  # e.g. civportal.files.FileNotSaved
        return " ".join(exc.messages)
    return _("an unexpected error on the server (the details are in the server's log)")


@shared_task(
    base=ReportTask,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def run_report_job(job_id: int) -> str:
    """Build one report job's file and mark it done; safe to run again at any point.

    The worker holds a lease on the job that a background thread renews while it builds,
    so a duplicate message skips a job that is alive elsewhere, and the sweeper restarts
    one whose worker died. Nothing is written to storage until the document is complete,
    and ``finish_job`` stores it under a row lock, once.
    """
    job = services.start_job(job_id)
    if job is None:
        return "skipped"
    attempt = job.attempts

    def step(percent: int) -> None:
        services.record_progress(job_id, percent)
        # Only ever set in tests, to hold a job mid-run long enough to kill its worker.
        if settings.REPORT_STEP_DELAY:
            time.sleep(settings.REPORT_STEP_DELAY)

    try:
        with services.Lease(job_id, attempt):
            filename, content = build(job, step)
    except BaseException:
        services.release_job(job_id, attempt)  # a retry (or the sweeper) starts it again
        raise
    services.finish_job(job_id, attempt, filename, content)
    return "done"


@periodic_task
def queue_monthly_province_reports() -> int:
    """On the 1st of each month: a province PDF for each officer and each of their provinces,
    on the month that ended (with the fiscal year to date beside it)."""
    ended = timezone.localdate().replace(day=1) - timedelta(days=1)
    return services.queue_monthly_province_reports(ended.replace(day=1))


@periodic_task
def sweep_report_jobs() -> dict:
    """Every minute: re-hand lost jobs, restart jobs whose worker died, report delayed ones."""
    return services.sweep_jobs()

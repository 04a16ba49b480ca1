"""Report jobs: asked for by a person (or the monthly beat), built by a worker.

The job row is the truth: a worker claims it, writes progress into it, and finishes it
under a row lock, so a second delivery of the same job (a worker killed mid-run, a
duplicate message) ends with one file and one "done".
"""

import threading
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from civportal.files import removed_on_rollback
from civportal.fiscal import Frequency, Period, fy_bounds, period_from_start
from civportal.jobs import dispatch, dispatch_on_commit
from communities.models import Community, Province
from mentorship.selectors import mous_for
from notifications.models import Kind as NotificationKind
from notifications.services import notify

from .models import ReportJob
from .permissions import can_report_on_province, kinds_for

Status = ReportJob.Status


RUN_TASK = "reports.tasks.run_report_job"


def _queue(job: ReportJob) -> None:
    """Hand the job to the workers after commit; the sweeper covers a broker outage."""
    dispatch_on_commit(RUN_TASK, job.pk, on_handed=partial(_handed, job.pk))


def _handed(job_id: int) -> None:
    ReportJob.objects.filter(pk=job_id).update(dispatched_at=timezone.now())


PERIOD_KINDS = {"fy": Frequency.YEAR, "quarter": Frequency.QUARTER, "month": Frequency.MONTH}


def report_period(value: str, today: date | None = None) -> Period:
    """The reporting period a province report was asked for: ``fy:2026`` (a fiscal year,
    CE), ``quarter:2025-10-01`` (its first day) or ``month:2025-10``.

    ValidationError (on ``period``) for anything else, a period that has not begun yet, or
    one before the programme's first fiscal year.
    """
    from .forms import FIRST_RESULTS_YEAR

    today = today or timezone.localdate()
    kind, _sep, rest = (value or "").partition(":")
    try:
        frequency = PERIOD_KINDS[kind]
        if frequency == Frequency.YEAR:
            start = fy_bounds(int(rest))[0]
        elif frequency == Frequency.MONTH:
            year, month = rest.split("-")
            start = date(int(year), int(month), 1)
        else:
            start = date.fromisoformat(rest)
        period = period_from_start(start, frequency)
    except (KeyError, ValueError):
        raise ValidationError(
            {"period": _("Choose a fiscal year, a quarter or a month from the list.")}
        ) from None
    if period.start > today:
        raise ValidationError(
            {
                "period": _("%(period)s has not begun yet: choose a period that has.")
                % {"period": period.label()}
            }
        )
    if period.fiscal_year < FIRST_RESULTS_YEAR:
        raise ValidationError(
            {
                "period": _("%(period)s is before the programme began: choose a later period.")
                % {"period": period.label()}
            }
        )
    return period


def period_parameters(period: Period) -> dict:
    """The job parameters ``reports.documents.report_window`` reads for ``period``."""
    if period.kind == Frequency.YEAR:
        return {"fy": period.fiscal_year}
    if period.kind == Frequency.QUARTER:
        return {"quarter": period.start.isoformat()}
    return {"month": f"{period.start:%Y-%m}"}


@transaction.atomic
def request_report(
    actor,
    *,
    kind: str,
    province: Province | None = None,
    mou=None,
    fy: int | None = None,
    period: str | None = None,
) -> ReportJob:
    """Record a report job for the actor and queue it once the transaction commits.

    The province PDF needs a province, and covers ``period`` (see ``report_period``; by
    default this fiscal year to date); the attendance CSV needs an MOU; the workbook covers
    one province, or the whole programme for programme staff, for fiscal year ``fy``.
    """
    if kind not in kinds_for(actor):
        raise PermissionDenied
    parameters: dict = {}
    if kind == ReportJob.Kind.ATTENDANCE_CSV:
        if mou is None:
            raise ValidationError({"mou": _("Choose the MOU whose attendance you want.")})
        if not mous_for(actor).filter(pk=mou.pk).exists():
            raise PermissionDenied
        parameters["mou"] = mou.pk
    else:
        if province is None and kind == ReportJob.Kind.PROVINCE_PDF:
            raise ValidationError({"province": _("Choose the province to report on.")})
        code = province.pk if province is not None else None
        if not can_report_on_province(actor, code):
            raise PermissionDenied
        if code is not None:
            parameters["province"] = code
        if fy is not None and kind == ReportJob.Kind.PROGRAMME_XLSX:
            parameters["fy"] = int(fy)
        if period and kind == ReportJob.Kind.PROVINCE_PDF:
            parameters.update(period_parameters(report_period(period)))
    if kind == ReportJob.Kind.PROVINCE_PDF:
        return _province_report(actor, parameters)
    job = ReportJob.objects.create(requested_by=actor, kind=kind, parameters=parameters)
    _queue(job)
    return job


def _province_report(actor, parameters: dict, schedule_key: str = "") -> ReportJob:
    """The province PDF job; for a province of REPORT_APPENDIX_FROM communities or more,
    also its appendix (every community), queued beside it so a second worker builds it
    while the first builds the summary. Each names the other in its parameters."""
    job = ReportJob.objects.create(
        requested_by=actor,
        kind=ReportJob.Kind.PROVINCE_PDF,
        parameters=parameters,
        schedule_key=schedule_key,
    )
    size = Community.objects.filter(province_id=parameters["province"]).count()
    if size >= settings.REPORT_APPENDIX_FROM:
        appendix = ReportJob.objects.create(
            requested_by=actor,
            kind=ReportJob.Kind.PROVINCE_APPENDIX,
            parameters={**parameters, "summary": job.pk},
            schedule_key=f"{schedule_key}:appendix" if schedule_key else "",
        )
        job.parameters = {**parameters, "appendix": appendix.pk}
        job.save(update_fields=["parameters"])
        _queue(appendix)
    _queue(job)
    return job


def queue_monthly_province_reports(month: date) -> int:
    """One province PDF per officer and province for ``month``; returns how many were new.

    The schedule key makes a repeated or late beat find the month's jobs already there.
    """
    created = 0
    officers = User.objects.filter(role=Role.OFFICER, is_active=True).prefetch_related("provinces")
    for officer in officers:
        for province in officer.provinces.all():
            key = f"monthly:{province.pk}:{month:%Y-%m}:{officer.pk}"
            try:
                with transaction.atomic():
                    _province_report(
                        officer, {"province": province.pk, "month": f"{month:%Y-%m}"}, key
                    )
            except IntegrityError:
                continue  # this month's job exists already
            created += 1
    return created


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.REPORT_LEASE_SECONDS)


def start_job(job_id: int) -> ReportJob | None:
    """Claim a job for this worker; None when there is nothing (left) for it to do.

    A job that is running under a live lease belongs to a worker that is alive: it is
    left alone, so a duplicate message never runs a long job twice. A running job whose
    lease ran out was started by a worker that died; it is started over. The attempt
    number is the worker's claim: only the holder of the latest attempt may finish it.
    """
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (Status.DONE, Status.FAILED):
            return None
        now = timezone.now()
        if job.status == Status.RUNNING and job.lease_expires_at and job.lease_expires_at > now:
            return None
        job.status = Status.RUNNING
        job.attempts += 1
        job.progress = 0
        job.error = ""
        job.started_at = now
        job.lease_expires_at = _lease_end()
        job.save(
            update_fields=[
                "status",
                "attempts",
                "progress",
                "error",
                "started_at",
                "lease_expires_at",
            ]
        )
    return job


def renew_lease(job_id: int, attempt: int) -> bool:
    """Extend this worker's lease; False when the job is no longer this worker's."""
    return bool(
        ReportJob.objects.filter(pk=job_id, status=Status.RUNNING, attempts=attempt).update(
            lease_expires_at=_lease_end()
        )
    )


class Lease:
    """Renews a running job's lease from a background thread while the worker builds it."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True)

    def _renew(self):
        try:
            while not self._stop.wait(settings.REPORT_LEASE_SECONDS / 3):
                if not renew_lease(self.job_id, self.attempt):
                    return
        finally:
            connection.close()  # the thread's own database connection

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()


def release_job(job_id: int, attempt: int) -> None:
    """A worker gave up on its attempt (an error it will retry): queue the job again."""
    ReportJob.objects.filter(pk=job_id, status=Status.RUNNING, attempts=attempt).update(
        status=Status.QUEUED, lease_expires_at=None, progress=0
    )


def record_progress(job_id: int, percent: int) -> None:
    ReportJob.objects.filter(pk=job_id, status=Status.RUNNING, progress__lt=percent).update(
        progress=min(percent, 99)
    )


@removed_on_rollback()
def finish_job(job_id: int, attempt: int, filename: str, content: bytes) -> ReportJob:
    """Store the file and mark the job done, once.

    Under the row lock: a job already done, or taken over by a newer attempt after this
    worker's lease ran out, is left as it is, so there is only ever one file and one "done".
    """
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .get(pk=job_id)
        )
        if job.status == Status.DONE or job.attempts != attempt:
            return job
        storage = job.file.storage
        name = job.file.field.generate_filename(job, filename)
        # A worker killed between writing the file and committing left it behind: replace it.
        if storage.exists(name):
            storage.delete(name)
        job.file.save(filename, ContentFile(content), save=False)
        job.status = Status.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.lease_expires_at = None
        job.save(update_fields=["file", "status", "progress", "finished_at", "lease_expires_at"])
        province = Province.objects.filter(pk=job.parameters.get("province")).first()
        notify(
            [job.requested_by],
            kind=NotificationKind.REPORT_READY,
            event_key=f"report:{job.pk}:ready",
            template="notifications/report_ready",
            context={"job": job, "province": province},
            url=reverse("report_detail", args=[job.pk]),
        )
    return job


def sweep_jobs(now=None) -> dict[str, int]:
    """Every minute: hand over again jobs the broker lost, restart jobs whose worker died,
    and tell programme staff (once per job) about jobs that take far too long.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    not_in_hand = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    lost = Q(status=Status.QUEUED) & not_in_hand
    # A dead worker's job is handed over as soon as its lease ran out (once per lapse).
    orphaned = Q(status=Status.RUNNING, lease_expires_at__lt=now) & (
        not_in_hand | Q(dispatched_at__lt=F("lease_expires_at"))
    )
    handed = 0
    for job_id in ReportJob.objects.filter(lost | orphaned).values_list("pk", flat=True):
        if not dispatch(RUN_TASK, job_id):
            break
        _handed(job_id)
        handed += 1
    delayed = ReportJob.objects.filter(delay_reported_at__isnull=True).filter(
        Q(
            status=Status.QUEUED,
            created_at__lt=now - timedelta(seconds=settings.REPORT_QUEUED_TOO_LONG_SECONDS),
        )
        | Q(
            status=Status.RUNNING,
            started_at__lt=now - timedelta(seconds=settings.REPORT_RUNNING_TOO_LONG_SECONDS),
        )
    )
    reported = 0
    for job in delayed.select_related("requested_by"):
        with transaction.atomic():
            if ReportJob.objects.filter(pk=job.pk, delay_reported_at__isnull=True).update(
                delay_reported_at=now
            ):
                notify(
                    programme_staff(),
                    kind=NotificationKind.REPORT_DELAYED,
                    event_key=f"report:{job.pk}:delayed",
                    template="notifications/report_delayed",
                    context={"job": job},
                    url=reverse("report_detail", args=[job.pk]),
                )
                reported += 1
    return {"handed": handed, "delayed": reported}


def programme_staff():
    return User.objects.filter(Q(role=Role.STAFF) | Q(is_superuser=True), is_active=True)


def fail_job(job_id: int, reason: str) -> None:
    """Record why a job could not be built, in words the person who asked can act on."""
    ReportJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED,
        error=_(
            "The report could not be built: %(reason)s. Ask for it again; if it fails "
            "again, tell programme staff."
        )
        % {"reason": reason},
        finished_at=timezone.now(),
        lease_expires_at=None,
    )

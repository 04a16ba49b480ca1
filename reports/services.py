"""Report jobs: asked for by a person (or the monthly beat), built by a worker.

The job row is the truth: a worker claims it, writes progress into it, and finishes it
under a row lock, so a second delivery of the same job (a worker killed mid-run, a
duplicate message) ends with one file and one "done".
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from civportal.files import removed_on_rollback
from civportal.jobs import enqueue_on_commit
from communities.models import Province
from mentorship.selectors import mous_for
from notifications.models import Kind as NotificationKind
from notifications.services import notify

from .models import ReportJob
from .permissions import can_report_on_province, kinds_for

Status = ReportJob.Status


def _queue(job: ReportJob) -> None:
    from .tasks import run_report_job

    enqueue_on_commit(run_report_job, job.pk)


@transaction.atomic
def request_report(actor, *, kind: str, province: Province | None = None, mou=None) -> ReportJob:
    """Record a report job for the actor and queue it once the transaction commits.

    The province PDF needs a province, the attendance CSV an MOU; the workbook covers one
    province, or the whole programme for programme staff.
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
    job = ReportJob.objects.create(requested_by=actor, kind=kind, parameters=parameters)
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
                    job = ReportJob.objects.create(
                        requested_by=officer,
                        kind=ReportJob.Kind.PROVINCE_PDF,
                        parameters={"province": province.pk, "month": f"{month:%Y-%m}"},
                        schedule_key=key,
                    )
                    _queue(job)
            except IntegrityError:
                continue  # this month's job exists already
            created += 1
    return created


def start_job(job_id: int) -> ReportJob | None:
    """Claim a job for this worker; None when there is nothing (left) to do.

    A job found "running" was started by a worker that died before acknowledging it
    (that is the only way the broker hands it out again), so it is started over.
    """
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (Status.DONE, Status.FAILED):
            return None
        job.status = Status.RUNNING
        job.attempts += 1
        job.progress = 0
        job.error = ""
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "progress", "error", "started_at"])
    return job


def record_progress(job_id: int, percent: int) -> None:
    ReportJob.objects.filter(pk=job_id, status=Status.RUNNING, progress__lt=percent).update(
        progress=min(percent, 99)
    )


@removed_on_rollback()
def finish_job(job_id: int, filename: str, content: bytes) -> ReportJob:
    """Store the file and mark the job done, once; a later duplicate run changes nothing."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .get(pk=job_id)
        )
        if job.status == Status.DONE:
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
        job.save(update_fields=["file", "status", "progress", "finished_at"])
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
    )

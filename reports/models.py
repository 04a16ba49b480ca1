from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def report_upload_to(job: "ReportJob", filename: str) -> str:
    # One folder per job: a rerun after a worker died replaces its file instead of adding one.
    return f"reports/{job.pk}/{filename}"


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        PROVINCE_PDF = "province_pdf", _("Province progress report (PDF)")
        # Made beside a large province's report (REPORT_APPENDIX_FROM), never asked for alone.
        PROVINCE_APPENDIX = "province_appendix", _("Province report appendix: communities (PDF)")
        PROGRAMME_XLSX = "programme_xlsx", _("Programme workbook (XLSX)")
        ATTENDANCE_CSV = "attendance_csv", _("Attendance (CSV)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="report_jobs"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True)
    error = models.TextField(_("error"), blank=True)
    # How many times a worker started it: more than one means a worker was lost mid-run.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set for jobs the beat schedule creates, e.g. "monthly:52:2026-11:<user id>"; a repeated
    # beat finds the job already there.
    schedule_key = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # While running, the worker renews this lease; a lease that ran out means the worker
    # died, and the sweeper hands the job to another (reports.services.sweep_jobs).
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the job was last handed to the broker (the sweeper hands over again if lost).
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When programme staff were told the job is taking too long (once per job).
    delay_reported_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="report_progress_0_to_100", condition=Q(progress__gte=0, progress__lte=100)
            ),
            models.CheckConstraint(
                name="report_done_has_file",
                condition=~Q(status="done") | ~Q(file=""),
            ),
            models.UniqueConstraint(
                "schedule_key", name="report_scheduled_once", condition=~Q(schedule_key="")
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_delayed(self) -> bool:
        """Queued or running for longer than a job of this portal normally takes."""
        now = timezone.now()
        if self.status == self.Status.QUEUED:
            limit = settings.REPORT_QUEUED_TOO_LONG_SECONDS
            return (now - self.created_at).total_seconds() > limit
        if self.status == self.Status.RUNNING and self.started_at:
            limit = settings.REPORT_RUNNING_TOO_LONG_SECONDS
            return (now - self.started_at).total_seconds() > limit
        return False

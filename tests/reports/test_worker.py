"""Report jobs on a real Celery worker process over Redis, including one killed mid-run."""

import os
import signal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from communities.models import Province
from mentorship.models import MOU
from mentorship.services import create_mou
from reports.models import ReportJob
from reports.services import request_report
from tests.conftest import WorkerProcess
from tests.notifications.helpers import demo_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    call_command("seed_demo", stdout=StringIO())
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def workers(tmp_path, celery_queue, seeded):
    started = []

    def start(name: str, step_delay: float) -> WorkerProcess:
        folder = tmp_path / name
        folder.mkdir()
        worker = WorkerProcess(
            folder,
            celery_queue,
            extra_env={
                "MEDIA_ROOT": str(seeded),
                "REPORT_STEP_DELAY": str(step_delay),
                # An unacknowledged job goes back to the queue after 5 s (not an hour),
                # and the workers look for such jobs every second (not every 100 s).
                "CELERY_VISIBILITY_TIMEOUT": "5",
                "CELERY_UNACKED_RESTORE_INTERVAL": "1",
                "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            },
        ).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def status(job):
    job.refresh_from_db()
    return job.status


def test_a_report_job_whose_worker_is_killed_mid_run_completes_once_on_a_new_worker(
    workers, seeded
):
    first = workers("first", step_delay=2)
    job = request_report(
        demo_user("staff@civ.example"),
        kind=ReportJob.Kind.PROVINCE_PDF,
        province=Province.objects.get(pk="52"),
    )
    first.wait_for(lambda: status(job) == "running" and job.progress > 0, what="the job to start")

    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait()
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("running", "")

    second = workers("second", step_delay=0)
    second.wait_for(lambda: status(job) == "done", timeout=120, what="the job to finish")

    job.refresh_from_db()
    assert job.attempts == 2 and job.progress == 100 and job.error == ""
    files = list((seeded / "reports" / str(job.pk)).iterdir())
    assert files == [seeded / job.file.name]
    assert files[0].read_bytes().startswith(b"%PDF")
    assert ReportJob.objects.count() == 1


def test_a_job_that_cannot_be_built_is_marked_failed_with_a_readable_reason(workers):
    staff = demo_user("staff@civ.example")
    signed = MOU.objects.get(status=MOU.Status.ACTIVE)
    mou = create_mou(
        staff,
        government_office=signed.government_office,
        company=signed.company,
        areas=signed.areas.all(),
        title_th="บันทึกข้อตกลงฉบับร่าง",
    )
    job = request_report(staff, kind=ReportJob.Kind.ATTENDANCE_CSV, mou=mou)
    mou.delete()  # gone before any worker picked the job up

    worker = workers("only", step_delay=0)
    worker.wait_for(lambda: status(job) == "failed", what="the job to fail")

    job.refresh_from_db()
    # The reason is recorded in the portal's language (Thai), readable by the requester.
    with translation.override("th"):
        assert gettext("the MOU no longer exists") in job.error
    assert not job.file

"""Report jobs on a real Celery worker process over Redis, including one killed mid-run."""

import os
import signal
import time

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from civportal.jobs import dispatch
from communities.models import Community, Province
from mentorship.models import MOU
from mentorship.services import create_mou
from reports.models import ReportJob
from reports.services import request_report
from tests.conftest import WorkerProcess, database_url_for_subprocess, seed_programme
from tests.notifications.helpers import demo_user
from tests.servers import portal_env, start_beat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_programme()
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
                # A lease of 3 s renewed every second; the broker's visibility timeout
                # stays at its hour, so only the lease and the sweeper can restart a job.
                "REPORT_LEASE_SECONDS": "3",
            },
        ).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def beat(tmp_path, celery_queue, seeded):
    """Celery beat sweeping every second; jobs in hand for 2 s count as lost."""
    env = portal_env(
        database_url_for_subprocess(),
        settings.REDIS_URL,
        CELERY_QUEUE=celery_queue,
        OUTBOX_SWEEP_SECONDS=1,
        OUTBOX_REDISPATCH_SECONDS=2,
    )
    process = start_beat(env, tmp_path)
    yield process
    process.stop()


def status(job):
    job.refresh_from_db()
    return job.status


def test_a_report_job_whose_worker_is_killed_mid_run_is_restarted_once_its_lease_runs_out(
    workers, beat, seeded
):
    first = workers("first", step_delay=2)
    job = request_report(
        demo_user("staff@civ.example"),
        kind=ReportJob.Kind.PROVINCE_PDF,
        province=Province.objects.get(pk="52"),
    )
    first.wait_for(lambda: status(job) == "running" and job.progress > 0, what="the job to start")
    second = workers("second", step_delay=0)  # idle: the job is in the first one's hands

    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait()
    killed_at = time.monotonic()
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("running", "")

    second.wait_for(lambda: status(job) == "done", timeout=120, what="the job to finish")

    job.refresh_from_db()
    assert job.attempts == 2 and job.progress == 100 and job.error == ""
    # The lease (3 s) and the sweeper restarted it, long before the broker's hour.
    assert time.monotonic() - killed_at < 60
    files = list((seeded / "reports" / str(job.pk)).iterdir())
    assert files == [seeded / job.file.name]
    assert files[0].read_bytes().startswith(b"%PDF")
    assert ReportJob.objects.count() == 1


def test_a_long_job_that_is_alive_is_never_run_twice(workers, beat, seeded):
    first = workers("first", step_delay=2)  # six steps: ~12 s, four times its lease
    job = request_report(
        demo_user("staff@civ.example"),
        kind=ReportJob.Kind.PROVINCE_PDF,
        province=Province.objects.get(pk="52"),
    )
    first.wait_for(lambda: status(job) == "running", what="the job to start")
    second = workers("second", step_delay=0)
    # A duplicate message, as a broker redelivery would bring it, reaches the idle worker.
    dispatch("reports.tasks.run_report_job", job.pk)

    first.wait_for(lambda: status(job) == "done", timeout=120, what="the job to finish")

    job.refresh_from_db()
    assert job.attempts == 1
    assert "skipped" in second.log_text() and "'done'" not in second.log_text()
    assert len(list((seeded / "reports" / str(job.pk)).iterdir())) == 1


def test_two_workers_build_a_large_provinces_summary_and_appendix_at_the_same_time(
    workers, seeded, settings
):
    settings.REPORT_APPENDIX_FROM = Community.objects.filter(province_id="52").count()
    first, second = workers("first", step_delay=0.5), workers("second", step_delay=0.5)
    summary = request_report(
        demo_user("officer.lampang@civ.example"),
        kind=ReportJob.Kind.PROVINCE_PDF,
        province=Province.objects.get(pk="52"),
    )
    appendix = ReportJob.objects.get(pk=summary.parameters["appendix"])

    # Each step waits half a second, so each job is in a worker's hands for seconds: both
    # are seen running at once, one in each worker.
    first.wait_for(
        lambda: status(summary) == "running" and status(appendix) == "running",
        timeout=120,
        what="both jobs to run at the same time",
    )
    first.wait_for(
        lambda: status(summary) == "done" and status(appendix) == "done",
        timeout=120,
        what="both jobs to finish",
    )

    logs = first.log_text() + second.log_text()
    assert "'done'" in first.log_text() and "'done'" in second.log_text(), logs
    for job in (summary, appendix):
        job.refresh_from_db()
        assert job.attempts == 1 and job.file.read().startswith(b"%PDF")
    assert appendix.file.name.endswith("-appendix.pdf")


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

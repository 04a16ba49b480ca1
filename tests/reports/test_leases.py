"""Report jobs hold a lease while they run: a live job is never run twice, a dead one
is restarted by the sweeper, and jobs that take far too long are reported once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Province
from notifications.models import Kind, Notification
from reports import services
from reports.models import ReportJob
from reports.tasks import ReportTask
from tests.notifications.helpers import demo_user

pytestmark = pytest.mark.django_db

LAMPANG = "officer.lampang@civ.example"


@pytest.fixture
def job():
    return services.request_report(
        demo_user(LAMPANG), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )


def age(job, **delta):
    """Pretend the job was asked for and last handed to the broker that long ago."""
    past = timezone.now() - timedelta(**delta)
    ReportJob.objects.filter(pk=job.pk).update(created_at=past, dispatched_at=past)


def test_a_job_running_under_a_live_lease_is_not_started_again(job):
    first = services.start_job(job.pk)

    assert services.start_job(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)
    assert job.lease_expires_at > timezone.now() + timedelta(seconds=60)
    assert services.renew_lease(job.pk, first.attempts)


def test_a_job_whose_lease_ran_out_is_taken_over_and_the_old_attempt_cannot_finish(job, media):
    first = services.start_job(job.pk)
    ReportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())

    second = services.start_job(job.pk)
    stale = services.finish_job(job.pk, first.attempts, "province-52.pdf", b"%PDF old")

    assert second.attempts == 2
    assert stale.status == "running" and not stale.file
    assert not services.renew_lease(job.pk, first.attempts)
    done = services.finish_job(job.pk, second.attempts, "province-52.pdf", b"%PDF new")
    assert done.status == "done" and done.file.read() == b"%PDF new"


def test_a_worker_that_hits_an_error_releases_the_job_for_its_retry(job):
    started = services.start_job(job.pk)

    services.release_job(job.pk, started.attempts)

    job.refresh_from_db()
    assert (job.status, job.lease_expires_at) == ("queued", None)
    assert services.start_job(job.pk).attempts == 2


def test_the_sweeper_hands_over_at_once_a_job_the_broker_never_took(job, celery_queue):
    assert job.dispatched_at is None  # the broker was down when it was asked for

    assert services.sweep_jobs()["handed"] == 1
    assert services.sweep_jobs()["handed"] == 0


def test_the_sweeper_hands_over_jobs_the_broker_lost_but_not_those_in_hand(job, celery_queue):
    ReportJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())  # the broker took it
    assert services.sweep_jobs()["handed"] == 0
    age(job, minutes=3)

    assert services.sweep_jobs()["handed"] == 1
    job.refresh_from_db()
    assert timezone.now() - job.dispatched_at < timedelta(seconds=5)
    assert services.sweep_jobs()["handed"] == 0


def test_the_sweeper_restarts_a_job_whose_worker_died_and_leaves_a_live_one(job, celery_queue):
    services.start_job(job.pk)
    assert services.sweep_jobs()["handed"] == 0  # alive: its lease runs

    ReportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())

    assert services.sweep_jobs()["handed"] == 1  # at once, not two minutes later
    assert services.sweep_jobs()["handed"] == 0  # once per lapse of the lease


def test_a_job_queued_far_too_long_is_reported_to_programme_staff_once(job, client, settings):
    age(job, seconds=settings.REPORT_QUEUED_TOO_LONG_SECONDS + 60)

    services.sweep_jobs()
    services.sweep_jobs()

    told = Notification.objects.filter(
        kind=Kind.REPORT_DELAYED, event_key=f"report:{job.pk}:delayed"
    )
    assert told.count() == 1 and told.get().recipient.email == "staff@civ.example"
    client.force_login(demo_user(LAMPANG))
    page = client.get(reverse("report_detail", args=[job.pk])).content.decode()
    assert "notice warning" in page  # "taking much longer than usual"
    client.force_login(demo_user("staff@civ.example"))
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("report_detail", args=[job.pk]) in dashboard


def test_a_failed_job_shows_no_server_paths_to_the_person_who_asked(job):
    services.start_job(job.pk)
    error = PermissionError(13, "Permission denied", "/srv/civ/var/media/reports/7/p.pdf")

    ReportTask().on_failure(error, "task-id", (job.pk,), {}, None)

    job.refresh_from_db()
    assert job.status == "failed"
    assert "/srv" not in job.error and "Permission" not in job.error

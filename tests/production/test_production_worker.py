"""A Celery worker with production settings does the work production needs: a report job
built to the end, and its "ready" e-mail delivered over SMTP through the outbox."""

import pytest

from communities.models import Province
from outbox.models import Delivery
from reports.models import ReportJob
from reports.services import request_report
from tests.notifications.helpers import demo_user
from tests.servers import SmtpSink, start_worker, wait_until

pytestmark = [pytest.mark.production, pytest.mark.worker]


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_a_production_worker_builds_a_report_and_mails_its_requester(
    production_settings_env, seeded, smtp, celery_queue, tmp_path
):
    Delivery.objects.all().delete()  # the demo data's own mail is not this test's
    env = {**production_settings_env, **smtp.env(), "CELERY_QUEUE": celery_queue}
    worker = start_worker(env, tmp_path, celery_queue)
    try:
        job = request_report(
            demo_user("officer.lampang@civ.example"),
            kind=ReportJob.Kind.PROVINCE_PDF,
            province=Province.objects.get(pk="52"),
        )

        def done():
            job.refresh_from_db()
            return job.status == "done"

        wait_until(done, 180, "the report job to be done")
        wait_until(lambda: smtp.to("officer.lampang@civ.example"), 60, "the ready e-mail")
    finally:
        worker.stop()

    assert job.attempts == 1 and job.error == ""
    assert job.file.open("rb").read(5) == b"%PDF-"
    (message,) = smtp.to("officer.lampang@civ.example")
    assert f"/reports/{job.pk}/" in message.get_content()
    assert Delivery.objects.get(to="officer.lampang@civ.example").status == "sent"

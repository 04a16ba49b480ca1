"""With a real Celery worker: the beat job's task reminds once, however often it runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civportal.fiscal import period_containing
from communities.models import Community, Indicator, ReportingReminder
from communities.tasks import send_results_reminders
from notifications.models import Kind, Notification
from tests.conftest import WorkerProcess, seed_programme

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_reminds_the_responsible_officer_once(tmp_path, celery_queue):
    seed_programme()
    Indicator.objects.update(frequency="visit")
    Indicator.objects.filter(code="active_members").update(frequency="month")
    community = Community.objects.filter(responsible_officer__isnull=False).first()
    Community.objects.filter(pk=community.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    month = period_containing(timezone.localdate(), "month")
    # A reminder window as long as a month: whatever day the test runs, this month is in it.
    worker = WorkerProcess(tmp_path, celery_queue, {"RESULTS_REMINDER_DAYS": "31"}).start()
    try:
        worker.wait_for(lambda: " ready." in worker.log_text(), timeout=180, what="the worker")
        reminders = ReportingReminder.objects.filter(
            community=community, period_start=month.start, level="reminder"
        )
        for _run in range(2):
            task_id = send_results_reminders.apply_async().id
            worker.wait_for(
                lambda t=task_id: f"[{t}] succeeded" in worker.log_text(), what="the reminder job"
            )
        assert reminders.count() == 1
        note = Notification.objects.get(
            kind=Kind.RESULTS_DUE,
            event_key=f"results:{community.pk}:month:{month.start}:reminder",
        )
        assert note.recipient_id == community.responsible_officer_id
        # Earlier months of this past year were escalated by the same runs, once each.
        escalated = ReportingReminder.objects.filter(community=community, level="escalation")
        assert escalated.count() == len(set(escalated.values_list("period_start", flat=True)))
    finally:
        worker.stop()

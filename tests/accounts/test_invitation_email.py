import pytest

from accounts.models import Role
from accounts.services import invite_user
from accounts.tasks import send_invitation_email
from tests.factories import make_staff, province

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_welcome_email_is_sent_once_by_a_real_worker_even_when_the_task_runs_twice(
    celery_worker_process,
):
    staff = make_staff()
    # The service queues the job itself, after its transaction commits.
    invitation = invite_user(
        staff,
        email="new.officer@civ.example",
        role=Role.OFFICER,
        full_name="สมชาย ใจดี",
        provinces=[province("52", "ลำปาง")],
    )
    worker = celery_worker_process
    worker.wait_for(lambda: worker.log_text().count("succeeded") >= 1, what="the first run")
    # The same job again, as a retry or a duplicate delivery would run it.
    send_invitation_email.delay(invitation.pk)
    worker.wait_for(lambda: worker.log_text().count("succeeded") >= 2, what="the second run")

    log = worker.log_text()
    assert "'sent'" in log and "'skipped'" in log
    messages = worker.sent_messages()
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "new.officer@civ.example"
    body = message.get_content()
    assert f"/invite/{invitation.token}/" in body
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None

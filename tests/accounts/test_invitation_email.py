import re

import pytest

from accounts.models import Role
from accounts.services import invite_user
from civportal.jobs import dispatch
from outbox.models import Delivery
from tests.factories import make_staff, province

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_welcome_email_is_sent_once_by_a_real_worker_even_when_the_task_runs_twice(
    celery_worker_process,
):
    staff = make_staff()
    # The service records the e-mail in its own transaction; it is handed over after commit.
    invitation = invite_user(
        staff,
        email="new.officer@civ.example",
        role=Role.OFFICER,
        full_name="สมชาย ใจดี",
        provinces=[province("52", "ลำปาง")],
    )
    delivery = Delivery.objects.get(key=f"invitation:{invitation.pk}")
    worker = celery_worker_process
    worker.wait_for(lambda: worker.log_text().count("succeeded") >= 1, what="the first run")
    # The same job again, as a retry or a duplicate delivery would run it.
    dispatch("outbox.tasks.send_deliveries", [delivery.pk])
    worker.wait_for(lambda: worker.log_text().count("succeeded") >= 2, what="the second run")

    results = re.findall(r"send_deliveries\[[^]]+\] succeeded in [\d.]+s: (\d+)", worker.log_text())
    assert results == ["1", "0"]  # sent once, then nothing
    messages = worker.sent_messages()
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "new.officer@civ.example"
    assert message["Message-ID"] == f"<delivery.{delivery.pk}@127.0.0.1>"
    body = message.get_content()
    assert f"/invite/{invitation.token}/" in body
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None

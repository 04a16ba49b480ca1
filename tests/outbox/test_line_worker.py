"""LINE messages through a real Celery worker and beat to a local stand-in for LINE's
Messaging API: a push LINE fails is retried by the sweeper with the same retry key, and
each person gets their message once."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings

from accounts.models import Role, User
from notifications.models import Kind
from notifications.services import notify, set_preferences
from outbox.models import Channel, Delivery
from tests.conftest import database_url_for_subprocess
from tests.servers import LineMessagingStandIn, portal_env, start_beat, start_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def line_readers(count: int) -> list[User]:
    """People who connected LINE and chose it for reports, with e-mail switched off."""
    users = []
    for n in range(count):
        user = User(email=f"line{n}@test.civ.example", full_name=f"ผู้อ่าน LINE {n}")
        user.role = Role.STAFF
        user.set_unusable_password()
        user.save()
        SocialAccount.objects.create(user=user, provider="line", uid=f"U{n:032x}")
        set_preferences(
            user, {Kind.REPORT_READY: {"email": False, "in_digest": True, "line": True}}
        )
        users.append(user)
    return users


def test_a_worker_retries_a_failed_push_with_the_same_key_and_pushes_each_message_once(
    settings, tmp_path, celery_queue
):
    Delivery.objects.all().delete()
    line_api = LineMessagingStandIn(script=[500, 502]).start()
    settings.LINE_CHANNEL_ACCESS_TOKEN = line_api.TOKEN
    settings.LINE_MESSAGING_ENABLED = True
    env = portal_env(
        database_url_for_subprocess(),
        django_settings.REDIS_URL,
        CELERY_QUEUE=celery_queue,
        OUTBOX_SWEEP_SECONDS=1,
        OUTBOX_REDISPATCH_SECONDS=2,
        DELIVERY_RETRY_SECONDS=1,
        DELIVERY_RETRY_MAX_SECONDS=2,
        **line_api.env(),
    )
    processes = [start_worker(env, tmp_path, celery_queue), start_beat(env, tmp_path)]
    users = line_readers(3)
    try:
        notify(
            users,
            kind=Kind.REPORT_READY,
            event_key="report:1:ready",
            template="notifications/report_ready",
            context={"job": None, "province": None},
            url="/reports/",
        )
        mine = Delivery.objects.filter(channel=Channel.LINE, recipient__in=users)
        assert mine.count() == 3
        wait_until(lambda: len(line_api.accepted()) >= 3, 90, "every push accepted")
        wait_until(lambda: not mine.exclude(status="sent").exists(), 30, "rows marked sent")
    finally:
        for process in processes:
            process.stop()
        line_api.stop()

    pushes = line_api.received()
    assert [push["status"] for push in pushes[:2]] == [500, 502]
    # The failed pushes were retried under the key they first carried; LINE took each once.
    accepted = line_api.accepted()
    assert sorted(push["to"] for push in accepted) == sorted(
        SocialAccount.objects.filter(user__in=users).values_list("uid", flat=True)
    )
    assert {push["retry_key"] for push in pushes[:2]} <= {push["retry_key"] for push in accepted}
    assert all(push["text"].endswith("/reports/") for push in accepted)

"""The outbox: deliveries recorded with the change, claimed a chunk at a time, sent once,
retried with back-off when the mail server is away, given up and sent again by staff."""

import contextlib
import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from notifications.models import Kind, Notification, Preference
from notifications.services import notify
from outbox import services
from outbox.channels import send_email
from outbox.models import Delivery
from outbox.tasks import send_deliveries
from tests.factories import make_staff, make_user
from tests.servers import SmtpSink

pytestmark = pytest.mark.django_db


def tell(users, event="event:1"):
    return notify(
        users,
        kind=Kind.SESSION_REMINDER,
        event_key=event,
        template="notifications/report_ready",
        context={"job": None, "province": None},
        url="/notifications/",
    )


@pytest.fixture(autouse=True)
def no_demo_deliveries():
    """seed_demo's own notifications left deliveries; these tests count only their own."""
    Delivery.objects.all().delete()


@pytest.fixture
def smtp(settings):
    """A real SMTP server for this test; the portal's mailer points at it."""
    sink = SmtpSink(refuse={"nobody@test.civ.example"}).start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "use_tls": False, "timeout": 5},
        }
    }
    yield sink
    sink.stop()


def hand_overs(callbacks) -> list:
    """The after-commit callbacks that hand deliveries to the broker (the others drop the
    recipients' kept unread counts)."""
    return [callback for callback in callbacks if "hand_over" in callback.__qualname__]


def test_notify_records_one_email_per_recipient_who_wants_it_in_the_same_transaction(
    django_capture_on_commit_callbacks,
):
    keen, quiet = make_user(Role.OFFICER), make_user(Role.OFFICER)
    Preference.objects.create(user=quiet, kind=Kind.SESSION_REMINDER, email=False)

    with django_capture_on_commit_callbacks() as handed:
        tell([keen, quiet])
        tell([keen, quiet])  # the same event again: nothing new

    assert Notification.objects.filter(event_key="event:1").count() == 2
    delivery = Delivery.objects.get()
    assert (delivery.to, delivery.status, delivery.recipient) == (keen.email, "pending", keen)
    assert delivery.key == f"notification:{Notification.objects.get(recipient=keen).pk}"
    assert delivery.body.endswith("/notifications/")
    assert len(hand_overs(handed)) == 1  # one chunk handed to the broker, after commit


def test_a_large_audience_is_handed_over_in_chunks(django_capture_on_commit_callbacks, settings):
    settings.DELIVERY_CHUNK = 2
    users = [make_user(Role.OFFICER) for _ in range(5)]

    with django_capture_on_commit_callbacks() as handed:
        tell(users)

    assert Delivery.objects.count() == 5 and len(hand_overs(handed)) == 3


def test_a_chunk_is_claimed_by_one_worker_only_until_its_claim_runs_out():
    tell([make_user(Role.OFFICER), make_user(Role.OFFICER)])
    ids = list(Delivery.objects.values_list("pk", flat=True))

    first = services.claim(ids)
    second = services.claim(ids)
    later = services.claim(ids, now=timezone.now() + timedelta(minutes=6))

    assert len(first) == 2 and second == []
    assert len(later) == 2 and {d.attempts for d in later} == {2}


def test_sending_a_chunk_marks_it_sent_and_a_second_run_sends_nothing():
    tell([make_user(Role.OFFICER), make_user(Role.OFFICER)])
    ids = list(Delivery.objects.values_list("pk", flat=True))

    assert send_deliveries(ids) == 2
    assert send_deliveries(ids) == 0

    assert len(mail.outbox) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {
        f"<delivery.{pk}@127.0.0.1>" for pk in ids
    }


def test_a_mail_server_that_is_down_delays_the_chunk_with_back_off(smtp):
    tell([make_user(Role.OFFICER), make_user(Role.OFFICER)])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    smtp.stop()

    assert send_deliveries(ids) == 0

    for delivery in Delivery.objects.all():
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert (
            timedelta(seconds=50)
            < delivery.next_attempt_at - timezone.now()
            < timedelta(seconds=61)
        )
        assert "Connection refused" in delivery.last_error
    assert send_deliveries(ids) == 0  # not due yet: nothing is claimed
    smtp.start()
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert send_deliveries(ids) == 2
    assert len(smtp.received()) == 2


def test_retries_back_off_for_hours_before_a_delivery_is_given_up(settings):
    delays = [services.retry_delay(attempt) for attempt in range(1, 31)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(delays) == timedelta(hours=1)
    assert sum(delays, timedelta()) > timedelta(hours=20)  # about a day, not minutes


def test_an_address_the_server_refuses_is_given_up_at_once_and_the_rest_are_sent(smtp):
    refused = make_user(Role.OFFICER, email="nobody@test.civ.example")
    accepted = make_user(Role.OFFICER)
    tell([refused, accepted])

    claimed = services.claim(list(Delivery.objects.values_list("pk", flat=True)))
    assert send_email(claimed) == 1

    assert Delivery.objects.get(to=refused.email).status == "dead"
    assert Delivery.objects.get(to=accepted.email).status == "sent"
    assert [m["To"] for m in smtp.received()] == [accepted.email]


def test_after_the_last_attempt_a_delivery_is_dead_and_staff_can_send_it_again(
    smtp, client, settings
):
    officer = make_user(Role.OFFICER)
    tell([officer])
    delivery = Delivery.objects.get()
    Delivery.objects.update(attempts=settings.DELIVERY_MAX_ATTEMPTS - 1)
    smtp.stop()

    send_deliveries([delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == "dead"
    staff = make_staff()
    client.force_login(officer)
    assert client.get(reverse("outbox_undelivered")).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("outbox_undelivered")).content.decode()
    assert officer.email in page and "Connection refused" in page
    assert reverse("outbox_undelivered") in client.get(reverse("dashboard")).content.decode()

    smtp.start()
    response = client.post(reverse("outbox_send_again", args=[delivery.pk]))

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert send_deliveries([delivery.pk]) == 1
    assert [m["To"] for m in smtp.received()] == [officer.email]


def test_the_sweeper_hands_over_what_waits_and_leaves_what_is_in_hand(celery_queue):
    tell([make_user(Role.OFFICER) for _ in range(4)])
    never, in_hand, claimed, lost = Delivery.objects.order_by("pk")
    assert never.dispatched_at is None  # the broker was down when it was recorded
    now, long_ago = timezone.now(), timezone.now() - timedelta(minutes=3)
    Delivery.objects.filter(pk=in_hand.pk).update(dispatched_at=now)
    Delivery.objects.filter(pk__in=[claimed.pk, lost.pk]).update(dispatched_at=long_ago)
    services.claim([claimed.pk])

    assert services.sweep() == 2  # the one the broker never took, the one it lost

    for delivery in (never, lost):
        delivery.refresh_from_db()
        assert timezone.now() - delivery.dispatched_at < timedelta(seconds=5)
    assert services.sweep() == 0


class CountingMailBackend(locmem.EmailBackend):
    """Django's in-memory backend, counting the connections opened."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


@pytest.fixture
def counted_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CountingMailBackend"}}
    CountingMailBackend.opened = 0
    return CountingMailBackend


_readers = itertools.count()


def readers(count: int) -> list[User]:
    """People who only receive mail (no password to hash: they never sign in here)."""
    users = [User(email=f"reader{next(_readers)}@test.civ.example") for _ in range(count)]
    for user in users:
        user.set_unusable_password()
    return User.objects.bulk_create(users)


def test_sending_a_chunk_takes_the_same_queries_and_one_connection_whatever_its_size(
    counted_mail, settings
):
    # Marking on the way is for slow servers; here a chunk of 50 must not depend on the clock.
    settings.DELIVERY_MARK_SENT_SECONDS = 60
    queries = {}
    for size in (5, 50):
        tell(readers(size), event=f"event:{size}")
        ids = list(
            Delivery.objects.filter(notification__event_key=f"event:{size}").values_list(
                "pk", flat=True
            )
        )
        counted_mail.opened = 0
        with CaptureQueriesContext(connection) as captured:
            assert send_deliveries(ids) == size
        queries[size] = len(captured)
        assert counted_mail.opened == 1
        assert not Delivery.objects.filter(pk__in=ids).exclude(status="sent").exists()

    assert queries[5] == queries[50] == 3  # claim, read the claimed rows, mark them sent


def test_a_mail_server_that_is_down_fails_a_whole_chunk_in_one_update(smtp):
    tell(readers(20))
    ids = list(Delivery.objects.values_list("pk", flat=True))
    smtp.stop()

    with CaptureQueriesContext(connection) as captured:
        assert send_deliveries(ids) == 0

    assert len(captured) == 3  # claim, read the claimed rows, reschedule them
    assert set(Delivery.objects.values_list("status", "attempts")) == {("pending", 1)}


@pytest.mark.parametrize("every, marked", [(0, 3), (60, 0)])
def test_a_worker_that_dies_mid_chunk_has_marked_what_went_before_the_last_interval(
    settings, every, marked
):
    settings.DELIVERY_MARK_SENT_SECONDS = every
    tell(readers(6))
    claimed = services.claim(list(Delivery.objects.values_list("pk", flat=True)))
    went = []

    def send_one(connection, delivery):
        if len(went) == 3:
            raise SystemExit  # the worker is stopped here, between two messages
        went.append(delivery)
        return True

    with pytest.raises(SystemExit):
        services.send_chunk(claimed, contextlib.nullcontext, send_one, (OSError,))

    assert Delivery.objects.filter(status="sent").count() == marked

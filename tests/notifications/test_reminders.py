from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import Role
from mentorship.services import cancel_session
from notifications.models import Kind, Notification, Preference
from notifications.reminders import (
    send_mou_expiry_warnings,
    send_session_reminders,
    send_weekly_digests,
)
from notifications.services import notify
from notifications.tasks import send_session_reminders as send_session_reminders_task
from tests.factories import make_user
from tests.notifications.helpers import demo_user, lampang_mou, schedule

pytestmark = pytest.mark.django_db


def reminders():
    return Notification.objects.filter(kind=Kind.SESSION_REMINDER)


def test_running_the_reminder_job_twice_for_the_same_window_creates_each_reminder_once():
    session = schedule(timedelta(hours=20))
    other = schedule(timedelta(hours=23), title="ออกแบบบรรจุภัณฑ์")

    first = send_session_reminders_task()
    after_first = set(reminders().values_list("recipient__email", "event_key"))
    second = send_session_reminders_task()

    assert first == len(after_first) > 0
    assert second == 0
    assert set(reminders().values_list("recipient__email", "event_key")) == after_first
    # The mentor and the community's leader and members, once per session.
    for target in (session, other):
        people = set(
            reminders()
            .filter(event_key__startswith=f"session:{target.pk}:")
            .values_list("recipient__email", flat=True)
        )
        assert {"mentor@civ.example", "leader.maejaem@civ.example"} <= people
        assert "member.maejaem@civ.example" in people
        assert "member.jaekhon@civ.example" not in people


def test_a_reminder_missed_while_the_scheduler_was_down_is_sent_when_it_runs_again():
    # Its "24 hours before" moment passed 21 hours ago, while nothing ran.
    late = schedule(timedelta(hours=3))
    started = schedule(timedelta(hours=-1), title="เริ่มไปแล้ว")
    far = schedule(timedelta(hours=30), title="อีกสองวัน")

    send_session_reminders()

    keys = set(reminders().values_list("event_key", flat=True))
    assert keys == {f"session:{late.pk}:reminder:{late.starts_at.isoformat()}"}
    assert started.pk and far.pk


def test_a_cancelled_session_gets_no_reminder():
    session = schedule(timedelta(hours=5))
    cancel_session(demo_user("coordinator@civ.example"), session)

    assert send_session_reminders() == 0


def test_a_reminder_is_rendered_in_both_languages_and_mailed_in_the_recipients():
    from notifications.services import email_for

    mentor = demo_user("mentor@civ.example")
    mentor.preferred_language = "en"
    mentor.save(update_fields=["preferred_language"])
    schedule(timedelta(hours=6))

    send_session_reminders()

    english = reminders().get(recipient=mentor)
    thai = reminders().get(recipient__email="leader.maejaem@civ.example")
    title, body = english.text_in("en")
    assert "starts within 24 hours" in title
    assert str(timezone.localdate().year) in body
    assert str(timezone.localdate(timezone.now() + timedelta(hours=6)).year + 543) in thai.body
    assert "starts within 24 hours" in email_for(english).subject


def _end_mou_in(days: int):
    mou = lampang_mou()
    mou.ends_on = timezone.localdate() + timedelta(days=days)
    mou.save(update_fields=["ends_on"])
    return mou


def test_an_expiring_mou_is_warned_at_60_and_at_30_days_once_each():
    mou = _end_mou_in(45)
    today = timezone.localdate()

    send_mou_expiry_warnings(today)
    send_mou_expiry_warnings(today)
    sixty = Notification.objects.filter(kind=Kind.MOU_EXPIRING)
    assert set(sixty.values_list("event_key", flat=True)) == {
        f"mou:{mou.pk}:expiring:60:{mou.ends_on.isoformat()}"
    }
    assert set(sixty.values_list("recipient__email", flat=True)) == {
        "officer.lampang@civ.example",
        "coordinator@civ.example",
    }

    # Twenty days later (or after a long outage) the 30-day warning goes out, once.
    send_mou_expiry_warnings(today + timedelta(days=20))
    send_mou_expiry_warnings(today + timedelta(days=21))
    keys = Notification.objects.filter(
        kind=Kind.MOU_EXPIRING, recipient__email="officer.lampang@civ.example"
    ).values_list("event_key", flat=True)
    assert sorted(keys) == sorted(
        [
            f"mou:{mou.pk}:expiring:60:{mou.ends_on.isoformat()}",
            f"mou:{mou.pk}:expiring:30:{mou.ends_on.isoformat()}",
        ]
    )


def test_an_mou_ending_in_more_than_60_days_is_not_warned():
    _end_mou_in(61)

    assert send_mou_expiry_warnings() == 0


def _tell(user, key, kind=Kind.LISTING_APPROVED):
    notify(
        [user],
        kind=kind,
        event_key=key,
        template="notifications/session_reminder",
        context={"session": {"title": key, "starts_at": timezone.now()}},
    )


def test_the_weekly_digest_sums_up_the_week_once_and_leaves_out_kinds_the_person_excluded():
    officer = make_user(Role.OFFICER)
    _tell(officer, "one")
    _tell(officer, "two")
    _tell(officer, "visit", kind=Kind.PROGRESS_LOGGED)
    Preference.objects.create(user=officer, kind=Kind.PROGRESS_LOGGED, in_digest=False)

    assert send_weekly_digests() >= 1
    assert send_weekly_digests() == 0

    digest = Notification.objects.get(recipient=officer, kind=Kind.WEEKLY_DIGEST)
    with translation.override(officer.preferred_language):
        title = ngettext(
            "Your week on CIV Portal: %(total)s notification",
            "Your week on CIV Portal: %(total)s notifications",
            2,
        ) % {"total": 2}
    assert digest.title == title
    assert "one" in digest.body and "two" in digest.body
    assert "visit" not in digest.body

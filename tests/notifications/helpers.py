"""Demo-programme objects the notification and report tests share."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from mentorship.models import MOU
from mentorship.services import schedule_session


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def lampang_mou() -> MOU:
    return MOU.objects.get(status=MOU.Status.ACTIVE, government_office__province_id="52")


def schedule(starts_in: timedelta, title="อบรมการตลาดออนไลน์", hours=2):
    """A session for บ้านแม่แจ๋ม with the demo mentor, through mentorship's own service."""
    mou = lampang_mou()
    starts_at = timezone.now() + starts_in
    return schedule_session(
        demo_user("coordinator@civ.example"),
        mou,
        communities=[demo_user("leader.maejaem@civ.example").community],
        mentors=[demo_user("mentor@civ.example")],
        area=mou.areas.first(),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        venue="ศาลาหมู่บ้านแม่แจ๋ม",
    )

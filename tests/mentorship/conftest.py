"""The seeded SCG–Lampang MOU and helpers to schedule sessions through the service."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation

from accounts.models import User
from communities.models import Community
from mentorship.models import MOU, MentoringArea
from mentorship.services import schedule_session

BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """A Bangkok wall-clock time ``days_ahead`` days from today."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def scg_mou() -> MOU:
    return MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")


def person(email: str) -> User:
    return User.objects.get(email=email)


def maejaem() -> Community:
    return Community.objects.get(subdistrict__code="521304")


def book(actor=None, *, starts_at=None, hours=2, title="การตลาดออนไลน์สำหรับกาแฟคั่วโอ่ง", **extra):
    """Schedule a session for บ้านแม่แจ๋ม with the demo mentor, through the real service."""
    mentor = person("mentor@civ.example")
    starts_at = starts_at or bangkok(3, 10)
    fields = {
        "area": MentoringArea.objects.get(code="online_marketing"),
        "title": title,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "online_url": "https://meet.example/civ",
        "communities": [maejaem()],
        "mentors": [mentor],
        **extra,
    }
    return schedule_session(actor or mentor, scg_mou(), **fields)


@pytest.fixture
def mou():
    return scg_mou()


@pytest.fixture
def mentor():
    return person("mentor@civ.example")


@pytest.fixture
def coordinator():
    return person("coordinator@civ.example")


@pytest.fixture
def member():
    return person("member.maejaem@civ.example")


@pytest.fixture
def english(client):
    """English for this test: the language switch's cookie for pages, and for service calls.

    Thai is the default; asserting English messages keeps tests independent of the
    Thai catalogue's wording.
    """
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield

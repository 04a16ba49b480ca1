"""Attendance is offered from a session's start, "mark done" once it has started; before
that the session page says when (the service-side rule is mentorship.permissions.has_started)."""

import pytest
from django.urls import reverse

from mentorship.models import Attendance, TrainingSession
from mentorship.permissions import has_started

from .conftest import bangkok, book, person

pytestmark = pytest.mark.django_db


def test_a_future_session_offers_neither_attendance_nor_mark_done_and_says_why(client):
    session = book(starts_at=bangkok(3, 9))
    client.force_login(person("mentor@civ.example"))

    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()

    assert reverse("session_attendance", args=[session.pk]) not in page
    assert 'value="done"' not in page
    assert "ลงชื่อเข้าอบรมและบันทึกว่าการอบรมเสร็จสิ้นได้ตั้งแต่เวลาเริ่มอบรม" in page
    assert "09:00" in page.split("attendance-note")[1]


def test_the_register_of_a_future_session_refuses_ticks(client):
    session = book(starts_at=bangkok(3, 9))
    member = person("member.maejaem@civ.example")
    client.force_login(person("mentor@civ.example"))
    url = reverse("session_attendance", args=[session.pk])

    shown = client.get(url)
    posted = client.post(url, {"present": [f"u{member.pk}"], "new_walk_ins": "นายดำ"})

    assert shown.status_code == posted.status_code == 302
    assert posted.url == reverse("session_detail", args=[session.pk])
    assert not Attendance.objects.filter(session=session).exists()


def test_a_started_session_offers_attendance_and_mark_done(client):
    session = book(starts_at=bangkok(0, 0), hours=30)  # began at midnight, still running
    assert has_started(session)
    client.force_login(person("mentor@civ.example"))

    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()

    assert reverse("session_attendance", args=[session.pk]) in page
    assert 'value="done"' in page and "attendance-note" not in page
    assert client.get(reverse("session_attendance", args=[session.pk])).status_code == 200
    client.post(reverse("session_status", args=[session.pk]), {"action": "done"})
    assert TrainingSession.objects.get(pk=session.pk).status == "done"


def test_a_cancelled_session_has_no_register_to_tick(client):
    session = book(starts_at=bangkok(-1, 9))
    TrainingSession.objects.filter(pk=session.pk).update(status="cancelled")
    client.force_login(person("mentor@civ.example"))

    response = client.get(reverse("session_attendance", args=[session.pk]))

    assert response.status_code == 302

"""Session pages through the client: forms keep what was typed and show the service's errors."""

import pytest
from django.urls import reverse

from mentorship.models import Attendance, Feedback, SessionMaterial, TrainingSession
from tests.samples import pdf_upload

from .conftest import bangkok, book, maejaem, person, scg_mou

pytestmark = pytest.mark.django_db


def session_form(title, day, start, end, **extra):
    mou = scg_mou()
    day = bangkok(day, 0).date()
    typed = f"{day:%d/%m}/{day.year + 543}"  # as a Thai reader types it: BE
    return {
        "area": mou.areas.get(code="online_marketing").pk,
        "title": title,
        "starts_at_date": typed,
        "starts_at_time": start,
        "ends_at_date": typed,
        "ends_at_time": end,
        "online_url": "https://meet.example/civ",
        "communities": [maejaem().pk],
        "mentors": [person("mentor@civ.example").pk],
        **extra,
    }


def test_schedule_form_shows_the_clashing_session_and_keeps_the_input(client, english):
    book(starts_at=bangkok(3, 9), title="Coffee branding")
    client.force_login(person("mentor@civ.example"))
    url = reverse("session_new", args=[scg_mou().pk])
    response = client.post(url, session_form("Facebook Live selling", 3, "10:00", "11:30"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "is already booked for “Coffee branding”" in html and "09:00–11:00" in html
    assert 'value="Facebook Live selling"' in html
    assert not TrainingSession.objects.filter(title="Facebook Live selling").exists()


def test_schedule_form_creates_the_session_in_bangkok_time(client):
    client.force_login(person("mentor@civ.example"))
    response = client.post(
        reverse("session_new", args=[scg_mou().pk]), session_form("ถ่ายรูปสินค้า", 4, "13:00", "15:00")
    )
    session = TrainingSession.objects.get(title="ถ่ายรูปสินค้า")
    assert response.status_code == 302
    assert session.starts_at == bangkok(4, 13) and session.ends_at == bangkok(4, 15)


def test_edit_form_moves_the_session(client):
    session = book(starts_at=bangkok(5, 9))
    client.force_login(person("coordinator@civ.example"))
    client.post(
        reverse("session_edit", args=[session.pk]),
        session_form(session.title, 5, "14:00", "16:00", version=session.revision),
    )
    session.refresh_from_db()
    assert (session.starts_at, session.revision) == (bangkok(5, 14), 1)


def test_attendance_page_ticks_a_member_and_adds_walk_ins(client):
    session = book(starts_at=bangkok(-6, 9))
    member = person("member.maejaem@civ.example")
    client.force_login(person("mentor@civ.example"))
    page = client.get(reverse("session_attendance", args=[session.pk])).content.decode()
    assert f'value="u{member.pk}"' in page
    client.post(
        reverse("session_attendance", args=[session.pk]),
        {"present": [f"u{member.pk}"], "new_walk_ins": "นายดำ\nนางแดง"},
    )
    present = Attendance.objects.filter(session=session, present=True)
    assert sorted(str(row.person or row.walk_in_name) for row in present) == sorted(
        [str(member), "นายดำ", "นางแดง"]
    )


def test_feedback_page_saves_the_participants_rating(client):
    session = book(starts_at=bangkok(-1, 9), title="เมื่อวานนี้")
    member = person("member.maejaem@civ.example")
    Attendance.objects.create(session=session, person=member, community=maejaem(), present=True)
    client.force_login(member)
    client.post(reverse("session_feedback", args=[session.pk]), {"rating": "4", "comment": "ดีมาก"})
    assert Feedback.objects.get(session=session, person=member).rating == 4


def test_material_page_adds_a_file(client):
    session = book(starts_at=bangkok(7, 9))
    client.force_login(person("mentor@civ.example"))
    upload = pdf_upload(name="slides.pdf")
    client.post(reverse("session_material", args=[session.pk]), {"title": "สไลด์", "file": upload})
    assert SessionMaterial.objects.get(session=session).title == "สไลด์"


def test_status_buttons_confirm_then_cancel_once_confirmed(client):
    session = book(starts_at=bangkok(8, 9))
    client.force_login(person("mentor@civ.example"))
    client.post(reverse("session_status", args=[session.pk]), {"action": "confirm"})
    session.refresh_from_db()
    assert session.status == "confirmed"
    client.post(reverse("session_cancel", args=[session.pk]), {"confirm": "yes"})
    session.refresh_from_db()
    assert session.status == "cancelled"

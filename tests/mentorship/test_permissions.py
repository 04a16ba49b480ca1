"""Who reaches which MOU and session page: another company's people get 404, never data."""

import pytest
from django.urls import reverse

from accounts.mfa import enrol_totp, needs_second_factor
from accounts.models import Role, User
from tests.factories import make_company
from tests.samples import pdf_bytes

from .conftest import bangkok, book, person, scg_mou

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    other = make_company("บริษัท อื่น จำกัด")
    # Signed in with force_login: no password hashing needed (it dominates the test's time).
    for role in (Role.MENTOR, Role.COORDINATOR):
        person = User.objects.create(
            email=f"{role}.other@civ.example", role=role, organisation=other
        )
        if needs_second_factor(person):
            enrol_totp(person)
    session = book(starts_at=bangkok(3, 9), title="การตลาดออนไลน์ลับเฉพาะ")
    return {"mou": scg_mou().pk, "session": session.pk}


WHO = {
    "staff": "staff@civ.example",
    "officer_lampang": "officer.lampang@civ.example",
    "officer_saraburi": "officer.saraburi@civ.example",
    "coordinator_scg": "coordinator@civ.example",
    "coordinator_other": "coordinator.other@civ.example",
    "mentor_scg": "mentor@civ.example",
    "mentor_other": "mentor.other@civ.example",
    "leader_maejaem": "leader.maejaem@civ.example",
    "member_maejaem": "member.maejaem@civ.example",
    "member_paentai": "member.paentai@civ.example",
}

MATRIX = [
    ("mou_detail", "mou", {"mentor_other": 404, "coordinator_other": 404, "mentor_scg": 200}),
    (
        "mou_assign",
        "mou",
        {
            "coordinator_scg": 200,
            "coordinator_other": 404,
            "mentor_scg": 403,
            "officer_lampang": 403,
        },
    ),
    (
        "session_new",
        "mou",
        {
            "mentor_scg": 200,
            "coordinator_scg": 200,
            "mentor_other": 404,
            "officer_lampang": 403,
            "member_maejaem": 403,
        },
    ),
    (
        "mou_pdf_upload",
        "mou",
        {"officer_lampang": 200, "coordinator_scg": 200, "mentor_scg": 403, "mentor_other": 404},
    ),
    (
        "session_detail",
        "session",
        {
            "staff": 200,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 200,
            "coordinator_other": 404,
            "mentor_scg": 200,
            "mentor_other": 404,
            "member_maejaem": 200,
            "member_paentai": 404,
            None: 302,
        },
    ),
    ("session_ics", "session", {"member_maejaem": 200, "mentor_other": 404, "member_paentai": 404}),
    (
        "session_edit",
        "session",
        {
            "mentor_scg": 200,
            "coordinator_scg": 200,
            "mentor_other": 404,
            "officer_lampang": 403,
            "member_maejaem": 403,
        },
    ),
    (
        "session_attendance",
        "session",
        # The world's session starts in three days: its own mentor is sent to the session
        # page, which says when attendance opens (tests/mentorship/test_attendance_opens.py).
        {"mentor_scg": 302, "coordinator_other": 404, "mentor_other": 404, "leader_maejaem": 403},
    ),
    ("session_feedback", "session", {"member_maejaem": 403, "mentor_other": 404}),
]

CASES = [
    pytest.param(url_name, target, who, status, id=f"{url_name}-{who or 'anonymous'}")
    for url_name, target, expectations in MATRIX
    for who, status in expectations.items()
]


@pytest.mark.parametrize(("url_name", "target", "who", "status"), CASES)
def test_scope(client, world, url_name, target, who, status):
    if who:
        client.force_login(person(WHO[who]))
    response = client.get(reverse(url_name, args=[world[target]]))
    assert response.status_code == status
    if status == 404:
        assert "การตลาดออนไลน์ลับเฉพาะ" not in response.content.decode()


@pytest.mark.parametrize(
    "view", ["calendar_month", "calendar_week", "training_upcoming", "training_totals"]
)
@pytest.mark.parametrize(
    "who", ["mentor_other", "coordinator_other", "member_paentai", "officer_saraburi"]
)
def test_calendars_of_other_scopes_do_not_show_the_session(client, world, view, who):
    client.force_login(person(WHO[who]))
    response = client.get(
        reverse(view),
        {"date": bangkok(3, 9).date().isoformat(), "month": bangkok(3, 9).strftime("%Y-%m")},
    )
    assert response.status_code == 200
    assert "การตลาดออนไลน์ลับเฉพาะ" not in response.content.decode()


def test_the_sessions_own_people_see_it_in_the_calendar(client, world):
    for who in ("mentor_scg", "coordinator_scg", "member_maejaem", "officer_lampang"):
        client.force_login(person(WHO[who]))
        response = client.get(reverse("calendar_week"), {"date": bangkok(3, 9).date().isoformat()})
        assert "การตลาดออนไลน์ลับเฉพาะ" in response.content.decode(), who


@pytest.mark.parametrize("url_name", ["session_status", "session_register"])
def test_another_companys_mentor_cannot_post_to_the_session(client, world, url_name):
    client.force_login(person(WHO["mentor_other"]))
    response = client.post(reverse(url_name, args=[world["session"]]), {"action": "cancel"})
    assert response.status_code == 404


# --- After the MOU ends: read what was done, change nothing ----------------------------------


@pytest.fixture
def ended_mou_session(settings, tmp_path):
    """A session under the SCG MOU with a present member and a handout; then the MOU ends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mentorship.models import MOU
    from mentorship.services import add_material, change_mou_status, record_attendance

    settings.MEDIA_ROOT = tmp_path
    # Held yesterday: attendance is taken only once a session has started.
    session = book(starts_at=bangkok(-1, 9), title="การตลาดออนไลน์ลับเฉพาะ")
    mentor = person(WHO["mentor_scg"])
    record_attendance(mentor, session, present_people=[person(WHO["member_maejaem"]).pk])
    handout = SimpleUploadedFile("handout.pdf", pdf_bytes(), "application/pdf")
    material = add_material(mentor, session, title="เอกสารประกอบ", file=handout)

    def end(status=MOU.Status.TERMINATED):
        change_mou_status(person(WHO["staff"]), scg_mou(), status)

    return {"session": session, "material": material, "end": end}


@pytest.mark.parametrize("ending", ["terminated", "expired"])
@pytest.mark.parametrize("who", ["mentor_scg", "coordinator_scg"])
def test_company_people_read_their_past_session_after_the_mou_ends(
    client, ended_mou_session, who, ending
):
    from mentorship.selectors import get_material_for

    ended_mou_session["end"](ending)
    session = ended_mou_session["session"]
    client.force_login(person(WHO[who]))

    response = client.get(reverse("session_detail", args=[session.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert person(WHO["member_maejaem"]).full_name in page  # the register, read-only
    assert reverse("session_attendance", args=[session.pk]) not in page
    assert get_material_for(person(WHO[who]), ended_mou_session["material"].pk)


@pytest.mark.parametrize("ending", ["terminated", "expired"])
@pytest.mark.parametrize("who", ["mentor_scg", "coordinator_scg"])
def test_company_people_change_nothing_under_an_ended_mou(client, ended_mou_session, who, ending):
    from mentorship.models import Attendance, SessionMaterial, TrainingSession

    ended_mou_session["end"](ending)
    session = ended_mou_session["session"]
    sessions_before = TrainingSession.objects.filter(mou=scg_mou()).count()
    client.force_login(person(WHO[who]))
    posts = {
        "session_attendance": {"present": [], "new_walk_ins": "ผู้ลงทะเบียนหน้างาน"},
        "session_edit": {"title": "เปลี่ยนชื่อ"},
        "session_material": {"title": "เอกสารใหม่", "url": "https://example.com/x"},
        "session_status": {"action": "cancel"},
    }

    for url_name, data in posts.items():
        assert client.get(reverse(url_name, args=[session.pk])).status_code in (403, 405)
        assert client.post(reverse(url_name, args=[session.pk]), data).status_code == 403, url_name
    for url_name in ("session_new", "mou_assign"):
        assert client.get(reverse(url_name, args=[scg_mou().pk])).status_code == 403, url_name

    session.refresh_from_db()
    assert session.title == "การตลาดออนไลน์ลับเฉพาะ" and session.status != "cancelled"
    assert Attendance.objects.filter(session=session, present=True).count() == 1
    assert SessionMaterial.objects.filter(session=session).count() == 1
    assert TrainingSession.objects.filter(mou=scg_mou()).count() == sessions_before  # none new


def test_the_coordinator_no_longer_edits_an_ended_mou(client, ended_mou_session):
    ended_mou_session["end"]()
    client.force_login(person(WHO["coordinator_scg"]))

    assert client.get(reverse("mou_detail", args=[scg_mou().pk])).status_code == 200
    assert client.get(reverse("mou_edit", args=[scg_mou().pk])).status_code == 403


def test_programme_staff_keep_the_register_of_an_ended_mou(client, ended_mou_session):
    ended_mou_session["end"]()
    client.force_login(person(WHO["staff"]))

    response = client.get(reverse("session_attendance", args=[ended_mou_session["session"].pk]))

    assert response.status_code == 200

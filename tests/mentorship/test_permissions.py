"""Who reaches which MOU and session page: another company's people get 404, never data."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import make_company

from .conftest import bangkok, book, person, scg_mou

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    other = make_company("บริษัท อื่น จำกัด")
    # Signed in with force_login: no password hashing needed (it dominates the test's time).
    for role in (Role.MENTOR, Role.COORDINATOR):
        User.objects.create(email=f"{role}.other@civ.example", role=role, organisation=other)
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
        {"mentor_scg": 200, "coordinator_other": 404, "mentor_other": 404, "leader_maejaem": 403},
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

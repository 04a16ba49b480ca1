"""An MOU page keeps its mentors and sessions table rendered (mentorship.selectors.
mou_page_key) and shows any change to them on the next request."""

import pytest
from django.urls import reverse

from mentorship import services
from mentorship.models import MentoringArea

from .conftest import bangkok, book, person

pytestmark = pytest.mark.django_db

# Session, user, the MOU, its covered communities, areas and signatories: the mentors and
# the sessions with their names and register counts are not read again.
KEPT_MOU_PAGE_QUERIES = 6


@pytest.fixture
def officer_reads(client, mou):
    client.force_login(person("officer.lampang@civ.example"))

    def read() -> str:
        return client.get(reverse("mou_detail", args=[mou.pk])).content.decode()

    return read


def _row(page: str, session) -> str:
    return page.split(reverse("session_detail", args=[session.pk]))[1].split("</tr>")[0]


def test_attendance_taken_shows_in_the_kept_sessions_row(officer_reads, mentor, member):
    session = book(starts_at=bangkok(-2, 9), title="ไลฟ์สดขายกาแฟ")
    before = _row(officer_reads(), session)

    # Written in bulk (no signals): the service renews the page itself.
    services.record_attendance(mentor, session, present_people=[member.pk])

    after = _row(officer_reads(), session)
    assert before != after and ">1</td>" in after


def test_a_retitled_session_and_a_renamed_mentor_show_on_the_kept_page(officer_reads, mentor):
    session = book(title="ขายกาแฟออนไลน์")
    officer_reads()  # kept

    session.title = "ขายกาแฟออนไลน์ รุ่นสอง"
    session.save()
    assert "ขายกาแฟออนไลน์ รุ่นสอง" in _row(officer_reads(), session)

    mentor.full_name = "วิทยากรชื่อใหม่"
    mentor.save(update_fields=["full_name"])
    page = officer_reads()
    assert "วิทยากรชื่อใหม่" in _row(page, session)
    assert page.count("วิทยากรชื่อใหม่") > 1  # the mentors' card too


def test_an_assignments_areas_changed_show_on_the_kept_page(officer_reads, mou):
    assignment = mou.assignments.first()
    added = MentoringArea.objects.exclude(pk__in=assignment.areas.all()).first()
    shown = officer_reads().count(added.name)  # kept

    assignment.areas.add(added)

    assert officer_reads().count(added.name) == shown + 1


def test_the_kept_parts_spare_their_queries(officer_reads, django_assert_num_queries):
    book(title="ขายกาแฟออนไลน์")
    first = officer_reads()
    with django_assert_num_queries(KEPT_MOU_PAGE_QUERIES):
        kept = officer_reads()

    assert "ขายกาแฟออนไลน์" in kept and first.count("<tr>") == kept.count("<tr>")

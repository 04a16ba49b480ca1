"""Training feeds a community's results: derived from done sessions with attendance taken."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.models import Community
from mentorship import services
from mentorship.selectors import training_by_community, training_results

from .conftest import bangkok, book, maejaem, person

pytestmark = pytest.mark.django_db


def _on_day(session) -> dict:
    """Training results of บ้านแม่แจ๋ม for the Bangkok day the session began on."""
    day = timezone.localdate(session.starts_at)
    results = training_by_community(Community.objects.filter(pk=maejaem().pk), day, day)
    found = results.get(maejaem().pk)
    return (found.sessions, found.hours, found.participant_hours) if found else (0, 0, 0)


def _held(mentor, *, days_ago=6, hours=3):
    """A session that began ``days_ago`` days ago, with the member and leader ticked."""
    session = book(starts_at=bangkok(-days_ago, 9), hours=hours)
    member = person("member.maejaem@civ.example")
    leader = person("leader.maejaem@civ.example")
    services.record_attendance(mentor, session, present_people=[member.pk, leader.pk])
    return session


def test_done_session_with_attendance_gives_hours_once_and_participant_hours(mentor):
    session = _held(mentor)
    # Attendance taken but not yet marked done: nothing counts yet.
    assert _on_day(session) == (0, 0, 0)
    services.mark_session_done(mentor, session)
    assert _on_day(session) == (1, Decimal(3), Decimal(6))


def test_walk_ins_of_no_community_give_no_participant_hours_to_the_community(mentor):
    session = book(starts_at=bangkok(-7, 9), hours=2)
    services.record_attendance(mentor, session, new_walk_ins=["นางสาวมาลี"])
    services.mark_session_done(mentor, session)
    assert _on_day(session) == (1, Decimal(2), Decimal(0))


def test_done_session_without_attendance_taken_does_not_count(mentor):
    session = book(starts_at=bangkok(-8, 9), hours=2)
    services.mark_session_done(mentor, session)
    assert _on_day(session) == (0, 0, 0)


def test_hours_are_not_doubled_by_an_edit_or_a_re_marked_register(mentor):
    session = book(starts_at=bangkok(-9, 9), hours=2)
    # Edited before it is marked done: the new length counts, once.
    services.update_session(
        mentor, session, ends_at=session.starts_at + timezone.timedelta(hours=3)
    )
    member = person("member.maejaem@civ.example")
    leader = person("leader.maejaem@civ.example")
    services.record_attendance(mentor, session, present_people=[member.pk, leader.pk])
    services.mark_session_done(mentor, session)
    assert _on_day(session) == (1, Decimal(3), Decimal(6))
    # The same register recorded again: the same figures.
    services.record_attendance(mentor, session, present_people=[member.pk, leader.pk])
    assert _on_day(session) == (1, Decimal(3), Decimal(6))
    # The leader unticked after the fact: participant-hours follow, hours stay.
    services.record_attendance(mentor, session, present_people=[member.pk])
    assert _on_day(session) == (1, Decimal(3), Decimal(3))
    # Marked done a second time: refused, and nothing added.
    with pytest.raises(ValidationError):
        services.mark_session_done(mentor, session)
    assert _on_day(session) == (1, Decimal(3), Decimal(3))


def test_a_cancelled_session_gives_no_hours_even_with_attendance_ticked(mentor):
    session = _held(mentor, days_ago=10)
    services.cancel_session(mentor, session)
    assert _on_day(session) == (0, 0, 0)


def test_hours_fall_in_the_period_the_session_took_place(mentor):
    session = _held(mentor, days_ago=11, hours=2)
    services.mark_session_done(mentor, session)
    day = timezone.localdate(session.starts_at)
    before = timezone.localdate(session.starts_at) - timezone.timedelta(days=1)
    only_maejaem = Community.objects.filter(pk=maejaem().pk)
    assert maejaem().pk not in training_by_community(only_maejaem, before, before)
    company = session.mou.company_id
    assert training_results(only_maejaem, day, day)[(maejaem().pk, company)].hours == 2


def test_province_pdf_shows_the_derived_training_hours(mentor):
    from reports.documents import _indicator_summary

    def hours():
        rows = _indicator_summary("52")
        return next(r["current"] for r in rows if r["indicator"].code == "training_hours")

    before = hours()
    session = _held(mentor, days_ago=1, hours=3)
    services.mark_session_done(mentor, session)
    # The session may fall in the previous fiscal year on 1 October's eve: count it only
    # when it is in this one.
    from civportal.fiscal import fiscal_year

    today = timezone.localdate()
    expected = 3 if fiscal_year(timezone.localdate(session.starts_at)) == fiscal_year(today) else 0
    assert hours() == before + expected

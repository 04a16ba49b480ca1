"""Scheduling, double-booking, changes, registration, attendance and feedback (services)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Role
from mentorship import services
from mentorship.models import (
    Attendance,
    Feedback,
    SessionCommunity,
    SessionMentor,
    TrainingSession,
)
from notifications.models import Kind, Notification
from tests.factories import make_user

from .conftest import bangkok, book, maejaem, person

pytestmark = pytest.mark.django_db


def test_scheduling_books_mentors_and_communities_for_the_sessions_period(mentor):
    session = book()
    booking = SessionMentor.objects.get(session=session)
    assert booking.mentor == mentor and booking.active
    assert (booking.period.lower, booking.period.upper) == (session.starts_at, session.ends_at)
    community = SessionCommunity.objects.get(session=session)
    assert community.community == maejaem() and community.period == booking.period


def test_overlapping_session_for_the_same_mentor_is_refused_naming_the_clash_in_thai(mentor):
    book(title="ถ่ายภาพสินค้าด้วยมือถือ", starts_at=bangkok(3, 9))
    before = TrainingSession.objects.count()
    with translation.override("th"), pytest.raises(ValidationError) as caught:
        book(title="ซ้อน", starts_at=bangkok(3, 10))
    message = caught.value.messages[0]
    assert "ถ่ายภาพสินค้าด้วยมือถือ" in message
    assert "09:00–11:00 น." in message
    assert str(bangkok(3, 9).year + 543) in message
    assert TrainingSession.objects.count() == before
    assert not SessionMentor.objects.filter(session__title="ซ้อน").exists()


def test_clash_message_is_in_english_when_english_is_active(mentor):
    book(title="Product photos", starts_at=bangkok(4, 13))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        book(title="Overlap", starts_at=bangkok(4, 14))
    message = caught.value.messages[0]
    assert "is already booked for “Product photos”" in message
    assert "13:00–15:00" in message and "Bangkok time" in message


def test_a_community_cannot_be_in_two_overlapping_sessions_with_different_mentors(mou):
    book(starts_at=bangkok(5, 10))
    other_mentor = make_user(Role.MENTOR, organisation=mou.company, full_name="วิทยากร สอง")
    with pytest.raises(ValidationError) as caught:
        book(person("coordinator@civ.example"), starts_at=bangkok(5, 11), mentors=[other_mentor])
    assert maejaem().name in caught.value.messages[0]


def test_back_to_back_sessions_do_not_clash():
    first = book(starts_at=bangkok(6, 9), hours=1)
    second = book(starts_at=bangkok(6, 10), hours=1, title="ต่อเนื่อง")
    assert SessionMentor.objects.filter(session__in=[first, second], active=True).count() == 2


def test_cancelling_frees_the_slot_for_another_session(mentor):
    session = book(starts_at=bangkok(7, 10))
    services.cancel_session(mentor, session)
    assert not SessionMentor.objects.get(session=session).active
    assert book(starts_at=bangkok(7, 10), title="แทนที่").pk


def test_moving_a_session_moves_its_bookings_and_refuses_a_clash(mentor):
    first = book(starts_at=bangkok(8, 9))
    second = book(starts_at=bangkok(8, 13), title="บ่าย")
    services.update_session(mentor, second, starts_at=bangkok(8, 15), ends_at=bangkok(8, 17))
    assert SessionMentor.objects.get(session=second).period.lower == bangkok(8, 15)
    with pytest.raises(ValidationError):
        services.update_session(mentor, second, starts_at=bangkok(8, 10), ends_at=bangkok(8, 12))
    second.refresh_from_db()
    assert second.starts_at == bangkok(8, 15)
    assert SessionMentor.objects.get(session=second).period.lower == bangkok(8, 15)
    assert SessionMentor.objects.get(session=first).period.lower == bangkok(8, 9)


def test_end_before_start_and_missing_venue_are_field_errors():
    with pytest.raises(ValidationError) as caught:
        book(starts_at=bangkok(9, 10), hours=-1, online_url="")
    assert set(caught.value.message_dict) == {"ends_at", "venue"}


def test_a_mentor_of_another_company_cannot_be_booked_into_this_mous_session(mou):
    from tests.factories import make_company

    outsider = make_user(Role.MENTOR, organisation=make_company("บริษัท อื่น จำกัด"))
    with pytest.raises(ValidationError) as caught:
        book(person("coordinator@civ.example"), mentors=[outsider])
    assert "mentors" in caught.value.message_dict


def test_an_unassigned_mentor_cannot_schedule_for_the_mou(mou):
    newcomer = make_user(Role.MENTOR, organisation=mou.company)
    with pytest.raises(PermissionDenied):
        book(newcomer, mentors=[newcomer])


def test_scheduling_notifies_mentors_and_members_once_and_changes_notify_again(mentor, member):
    session = book(starts_at=bangkok(10, 10))
    scheduled = Notification.objects.filter(
        kind=Kind.SESSION_SCHEDULED, event_key__startswith=f"session:{session.pk}:"
    )
    recipients = set(scheduled.values_list("recipient__email", flat=True))
    assert {
        "mentor@civ.example",
        "member.maejaem@civ.example",
        "leader.maejaem@civ.example",
    } <= recipients
    assert "member.paentai@civ.example" not in recipients
    thai = scheduled.get(recipient=member)
    assert session.title in thai.title and "น." in thai.body

    # The same event again (a retry) tells nobody twice.
    services._notify_session(session, Kind.SESSION_SCHEDULED, "session_scheduled")
    assert scheduled.count() == len(recipients)

    services.update_session(mentor, session, venue="ศาลาหมู่บ้านแม่แจ๋ม")
    services.update_session(mentor, session, capacity=20)
    changed = Notification.objects.filter(kind=Kind.SESSION_CHANGED, recipient=member)
    assert changed.count() == 2

    services.cancel_session(mentor, session)
    assert Notification.objects.filter(kind=Kind.SESSION_CANCELLED, recipient=member).exists()


def test_registration_respects_capacity(english, mentor, member):
    session = book(starts_at=bangkok(11, 10), capacity=1)
    services.register_for_session(member, session)
    leader = person("leader.maejaem@civ.example")
    with pytest.raises(ValidationError, match="full"):
        services.register_for_session(leader, session)
    assert Attendance.objects.filter(session=session).count() == 1


def test_registering_twice_keeps_one_registration(member):
    session = book(starts_at=bangkok(12, 10))
    first = services.register_for_session(member, session)
    assert services.register_for_session(member, session).pk == first.pk


def test_members_of_uncovered_communities_cannot_register():
    session = book(starts_at=bangkok(13, 10))
    with pytest.raises(PermissionDenied):
        services.register_for_session(person("member.paentai@civ.example"), session)


def test_attendance_ticks_members_and_walk_ins_and_totals_hours_times_attendees(mentor, member):
    session = book(starts_at=bangkok(14, 9), hours=3)
    services.register_for_session(member, session)
    leader = person("leader.maejaem@civ.example")
    present = services.record_attendance(
        mentor, session, present_people=[member.pk, leader.pk], new_walk_ins=["นางสาวมาลี", " "]
    )
    assert present == 3
    walk_in = Attendance.objects.get(session=session, walk_in_name="นางสาวมาลี")
    # Untick the leader; the walk-in stays.
    assert (
        services.record_attendance(
            mentor, session, present_people=[member.pk], present_walk_ins=[walk_in.pk]
        )
        == 2
    )
    from mentorship.selectors import delivery_by, with_register_counts

    rows = with_register_counts(TrainingSession.objects.filter(pk=session.pk))
    by_area, total = delivery_by(rows, key=lambda s: s.area.code)
    assert by_area[0][0] == "online_marketing"
    assert (total.hours, total.attendees, total.participant_hours) == (3, 2, 6)


def test_attendance_refuses_people_outside_the_sessions_communities(mentor):
    session = book(starts_at=bangkok(15, 9))
    outsider = person("member.paentai@civ.example")
    with pytest.raises(ValidationError):
        services.record_attendance(mentor, session, present_people=[outsider.pk])
    assert not Attendance.objects.filter(session=session).exists()


def test_only_participants_ticked_present_give_feedback_once(mentor, member):
    session = book(starts_at=bangkok(16, 9))
    services.register_for_session(member, session)
    with pytest.raises(PermissionDenied):
        services.give_feedback(member, session, rating=5)
    services.record_attendance(mentor, session, present_people=[member.pk])
    services.give_feedback(member, session, rating=4, comment="ได้ความรู้มาก")
    services.give_feedback(member, session, rating=5)
    assert list(Feedback.objects.filter(session=session).values_list("rating", flat=True)) == [5]
    with pytest.raises(ValidationError):
        services.give_feedback(member, session, rating=6)


def test_a_session_is_marked_done_only_once_it_has_started(mentor):
    session = book(starts_at=bangkok(17, 9))
    with pytest.raises(ValidationError):
        services.mark_session_done(mentor, session)
    started = book(starts_at=bangkok(-1, 9), title="เมื่อวาน")
    assert services.mark_session_done(mentor, started).status == TrainingSession.Status.DONE


def test_other_people_cannot_change_a_session(member):
    session = book(starts_at=bangkok(18, 9))
    for outsider in (member, person("officer.lampang@civ.example")):
        with pytest.raises(PermissionDenied):
            services.update_session(outsider, session, title="x")
        with pytest.raises(PermissionDenied):
            services.cancel_session(outsider, session)
    session.refresh_from_db()
    assert (session.title, session.status) != ("x", TrainingSession.Status.CANCELLED)

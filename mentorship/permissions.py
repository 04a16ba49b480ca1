"""Who may do what to MOUs, assignments and sessions."""

from django.utils import timezone

from accounts.models import COMPANY_ROLES, Role
from accounts.selectors import province_codes

from .models import MOU, TrainingSession


def is_office_officer(user, mou: MOU) -> bool:
    """An officer of the MOU's provincial office (the officer's provinces are read once
    per request, accounts.selectors.province_codes)."""
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and mou.government_office.province_id in province_codes(user)
    )


def is_company_coordinator(user, mou: MOU) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.COORDINATOR
        and user.organisation_id == mou.company_id
    )


def is_ended(mou: MOU) -> bool:
    """Expired and terminated alike: the MOU no longer carries the company's work."""
    return mou.status in (MOU.Status.EXPIRED, MOU.Status.TERMINATED)


def acts_for_company_under(user, mou: MOU) -> bool:
    """Coordinators and mentors act under an MOU only while it has not ended; afterwards
    they keep reading what they did under it (sessions, registers, materials) but change
    nothing. Programme staff and officers are not company people and keep their rights."""
    return user.role not in COMPANY_ROLES or not is_ended(mou)


def can_create_mous(user) -> bool:
    """Officers (for their offices), coordinators (for their company) and staff draft MOUs."""
    return user.is_authenticated and (
        user.is_programme_staff or user.role in (Role.OFFICER, Role.COORDINATOR)
    )


def can_edit_mou(user, mou: MOU) -> bool:
    """The provincial office's officer and the company's coordinator (until the MOU ends)
    edit an MOU."""
    if not user.is_authenticated:
        return False
    return (
        user.is_programme_staff
        or is_office_officer(user, mou)
        or (is_company_coordinator(user, mou) and acts_for_company_under(user, mou))
    )


def can_sign_mou(user, mou: MOU) -> bool:
    """Signing is done for the office: its officer (or programme staff)."""
    return user.is_authenticated and (user.is_programme_staff or is_office_officer(user, mou))


def can_assign_mentors(user, mou: MOU) -> bool:
    return user.is_authenticated and (
        user.is_programme_staff
        or (is_company_coordinator(user, mou) and acts_for_company_under(user, mou))
    )


def can_change_assignment(user, assignment) -> bool:
    """Whoever may assign mentors under the assignment's MOU may change or remove it."""
    return can_assign_mentors(user, assignment.mou)


def can_schedule_session(user, mou: MOU) -> bool:
    if not user.is_authenticated or mou.status != MOU.Status.ACTIVE:
        return False
    if user.is_programme_staff or is_company_coordinator(user, mou):
        return True
    return user.role == Role.MENTOR and mou.assignments.filter(mentor=user).exists()


def can_invite_mentors(user) -> bool:
    """A coordinator invites mentors for their own company."""
    return user.is_authenticated and user.role == Role.COORDINATOR and bool(user.organisation_id)


def can_see_register(user, session: TrainingSession) -> bool:
    """The session's mentors and the company's coordinator read its register and feedback,
    also after the MOU has ended."""
    if not user.is_authenticated:
        return False
    if user.is_programme_staff or is_company_coordinator(user, session.mou):
        return True
    return user.role == Role.MENTOR and session.mentors.filter(pk=user.pk).exists()


def can_manage_session(user, session: TrainingSession) -> bool:
    """The same people run it (change, attendance, materials) while its MOU has not ended."""
    return can_see_register(user, session) and acts_for_company_under(user, session.mou)


def has_started(session: TrainingSession, now=None) -> bool:
    """Attendance is taken, and a session marked done, only from its start on."""
    return session.starts_at <= (now or timezone.now())


def can_take_attendance(user, session: TrainingSession) -> bool:
    """The register is ticked by those who run the session, once it has started, unless
    it was cancelled."""
    return (
        can_manage_session(user, session)
        and has_started(session)
        and session.status != TrainingSession.Status.CANCELLED
    )


def can_remove_registration(user, row) -> bool:
    """A member gives up their own place in an open session before it starts; those who
    run the session take anyone (a member or a walk-in) off its register."""
    session = row.session
    if not user.is_authenticated:
        return False
    if can_manage_session(user, session):
        return True
    return (
        row.person_id == user.pk
        and session.status in (TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED)
        and not has_started(session)
    )


def can_register(user, session: TrainingSession) -> bool:
    """Members of a covered community sign up for an open session that has not started."""
    return (
        user.is_authenticated
        and user.role in (Role.LEADER, Role.MEMBER)
        and session.status in (TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED)
        and session.starts_at > timezone.now()
        and session.communities.filter(pk=user.community_id).exists()
    )


def can_give_feedback(user, session: TrainingSession) -> bool:
    """Only people ticked present on the register rate a session."""
    return (
        user.is_authenticated
        and session.status != TrainingSession.Status.CANCELLED
        and session.attendance.filter(person=user, present=True).exists()
    )

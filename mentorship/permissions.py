"""Who may do what to MOUs, assignments and sessions."""

from accounts.models import Role

from .models import MOU


def is_office_officer(user, mou: MOU) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and user.provinces.filter(pk=mou.government_office.province_id).exists()
    )


def is_company_coordinator(user, mou: MOU) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.COORDINATOR
        and user.organisation_id == mou.company_id
    )


def can_edit_mou(user, mou: MOU) -> bool:
    """The provincial office's officer and the company's coordinator edit an MOU."""
    if not user.is_authenticated:
        return False
    return (
        user.is_programme_staff or is_office_officer(user, mou) or is_company_coordinator(user, mou)
    )


def can_sign_mou(user, mou: MOU) -> bool:
    """Signing is done for the office: its officer (or programme staff)."""
    return user.is_authenticated and (user.is_programme_staff or is_office_officer(user, mou))


def can_assign_mentors(user, mou: MOU) -> bool:
    return user.is_authenticated and (user.is_programme_staff or is_company_coordinator(user, mou))


def can_schedule_session(user, mou: MOU) -> bool:
    if not user.is_authenticated or mou.status != MOU.Status.ACTIVE:
        return False
    if user.is_programme_staff or is_company_coordinator(user, mou):
        return True
    return user.role == Role.MENTOR and mou.assignments.filter(mentor=user).exists()

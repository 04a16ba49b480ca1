"""Who may ask for which report. Reading a finished report is scoped in reports.selectors."""

from accounts.models import Role
from accounts.selectors import province_codes

from .models import ReportJob

ROLES_WITH_REPORTS = {Role.STAFF, Role.OFFICER, Role.COORDINATOR}


def can_request_reports(user) -> bool:
    return user.is_authenticated and (user.is_programme_staff or user.role in ROLES_WITH_REPORTS)


def can_report_on_province(user, province_code: str | None) -> bool:
    """Staff report on any province (or nationwide, ``None``); officers on their own provinces."""
    if not user.is_authenticated:
        return False
    if user.is_programme_staff:
        return True
    if province_code is None or user.role != Role.OFFICER:
        return False
    return str(province_code) in province_codes(user)


def kinds_for(user) -> list[str]:
    """Coordinators see their MOUs' attendance; province reports are for officers and staff."""
    if not can_request_reports(user):
        return []
    if user.is_programme_staff or user.role == Role.OFFICER:
        return [kind for kind in ReportJob.Kind.values if kind != ReportJob.Kind.PROVINCE_APPENDIX]
    return [ReportJob.Kind.ATTENDANCE_CSV]


def can_see_results(user) -> bool:
    """The programme's results page: programme staff and provincial officers (who see
    their provinces' communities)."""
    return user.is_authenticated and (user.is_programme_staff or user.role == Role.OFFICER)

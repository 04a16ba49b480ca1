"""Reads of report jobs, scoped "for this user": whoever asked, plus everyone whose scope
covers the report's province or MOU. Another province's officer gets 404."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from civportal.access import get_in_scope_or_404
from communities.models import Province
from mentorship.selectors import mous_for

from .models import ReportJob


def report_scope(user) -> Q | None:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_programme_staff:
        return None
    scope = Q(requested_by=user)
    if user.role == Role.OFFICER:
        codes = list(user.provinces.values_list("pk", flat=True))
        scope |= Q(parameters__province__in=codes)
    if user.role in (Role.OFFICER, Role.COORDINATOR):
        scope |= Q(
            kind=ReportJob.Kind.ATTENDANCE_CSV,
            parameters__mou__in=list(mous_for(user).values_list("pk", flat=True)),
        )
    return scope


def reports_for(user) -> QuerySet[ReportJob]:
    queryset = ReportJob.objects.select_related("requested_by")
    scope = report_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def get_report_for(user, pk) -> ReportJob:
    return get_in_scope_or_404(reports_for(user), pk=pk)


def report_provinces_for(user) -> QuerySet[Province]:
    """Provinces the user may report on: an officer's own, or every province with communities."""
    if user.is_authenticated and user.is_programme_staff:
        return Province.objects.filter(communities__isnull=False).distinct()
    if user.is_authenticated and user.role == Role.OFFICER:
        return user.provinces.all()
    return Province.objects.none()


def delayed_reports_for(user) -> QuerySet[ReportJob]:
    """Jobs in scope still waiting after programme staff were told they take too long."""
    return reports_for(user).filter(
        delay_reported_at__isnull=False,
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING],
    )


def with_provinces(jobs) -> list[ReportJob]:
    """The jobs, each with ``province`` (a Province or None) read from its parameters,
    so pages show "ลำปาง", not the code "52"; one query for all of them."""
    jobs = list(jobs)
    codes = {job.parameters.get("province") for job in jobs} - {None, ""}
    provinces = Province.objects.in_bulk([str(code) for code in codes]) if codes else {}
    for job in jobs:
        job.province = provinces.get(str(job.parameters.get("province")))
    return jobs

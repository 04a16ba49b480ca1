"""Reads of MOUs and training sessions, scoped "for this user"."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from civportal.access import get_in_scope_or_404

from .models import MOU, TrainingSession


def mou_scope(user) -> Q | None:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_programme_staff:
        return None
    match user.role:
        case Role.OFFICER:
            provinces = user.provinces.all()
            return Q(government_office__province__in=provinces) | Q(
                communities__province__in=provinces
            )
        case Role.COORDINATOR:
            return Q(company_id=user.organisation_id)
        case Role.MENTOR:
            return Q(company_id=user.organisation_id, assignments__mentor=user)
        case Role.LEADER | Role.MEMBER:
            return Q(communities=user.community_id) & ~Q(status=MOU.Status.DRAFT)
    return Q(pk__in=[])


def mous_for(user) -> QuerySet[MOU]:
    queryset = MOU.objects.select_related("government_office", "company")
    scope = mou_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(pk__in=MOU.objects.filter(scope).values("pk"))


def get_mou_for(user, pk) -> MOU:
    return get_in_scope_or_404(mous_for(user), pk=pk)


def sessions_for(user) -> QuerySet[TrainingSession]:
    queryset = TrainingSession.objects.select_related("mou", "area")
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    if user.is_authenticated and user.role == Role.MENTOR:
        visible = Q(mou__in=mous_for(user).values("pk")) & (
            Q(mentors=user) | Q(communities__assignments__mentor=user)
        )
    elif user.is_authenticated and user.role in (Role.LEADER, Role.MEMBER):
        visible = Q(communities=user.community_id)
    else:
        visible = Q(mou__in=mous_for(user).values("pk"))
    return queryset.filter(pk__in=TrainingSession.objects.filter(visible).values("pk"))


def get_session_for(user, pk) -> TrainingSession:
    return get_in_scope_or_404(sessions_for(user), pk=pk)

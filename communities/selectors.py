"""Reads of communities, scoped "for this user"; joins decided here, once."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from civportal.access import get_in_scope_or_404

from .models import Community, ProgressVisit


def community_scope(user) -> Q | None:
    """The filter on Community that is this user's scope; None means nationwide."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_programme_staff:
        return None
    match user.role:
        case Role.OFFICER:
            return Q(province__in=user.provinces.all())
        case Role.COORDINATOR:
            return Q(mous__company_id=user.organisation_id)
        case Role.MENTOR:
            return Q(assignments__mentor=user, assignments__mou__status="active")
        case Role.LEADER | Role.MEMBER:
            return Q(pk=user.community_id)
    return Q(pk__in=[])


def communities_for(user) -> QuerySet[Community]:
    queryset = Community.objects.select_related("province", "subdistrict__district")
    scope = community_scope(user)
    if scope is None:
        return queryset
    # A community can match through several MOUs/assignments: keep each once.
    return queryset.filter(pk__in=Community.objects.filter(scope).values("pk"))


def get_community_for(user, pk) -> Community:
    return get_in_scope_or_404(communities_for(user), pk=pk)


def recent_visits_for(user, limit=10) -> QuerySet[ProgressVisit]:
    return ProgressVisit.objects.filter(
        community__in=communities_for(user).values("pk")
    ).select_related("community", "officer")[:limit]

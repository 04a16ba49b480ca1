"""Shared pieces of the per-app scope rules."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def get_in_scope_or_404(queryset, **lookup):
    """One answer for "missing" and "not yours": 404, never a hint that the row exists."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def require(allowed: bool) -> None:
    """Raise 403 when a user who may see an object tries to do what they may not."""
    if not allowed:
        raise PermissionDenied


def within_scope(queryset, scope):
    """Filter by a scope ``Q`` (``None`` means everything), each row once.

    Scopes join through MOUs and assignments, so a plain filter could repeat a row;
    filtering on a primary-key subquery keeps each row once and leaves the caller's
    select_related and ordering intact.
    """
    if scope is None:
        return queryset
    return queryset.filter(pk__in=queryset.model.objects.filter(scope).values("pk"))

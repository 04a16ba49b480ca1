"""Shared pieces of the per-app scope rules."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
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


class RowScope(Q):
    """A scope on the row's own columns only (no join that could repeat a row).

    ``within_scope`` applies it as a plain filter, which the planner can estimate (a
    ``province_id IN ('52')`` list rather than nested ``IN (SELECT ...)`` subqueries).
    Build it from resolved values; do not combine it with other ``Q`` objects.
    """


def within_scope(queryset, scope):
    """Filter by a scope ``Q`` (``None`` means everything), each row once.

    Scopes join through MOUs and assignments, so a plain filter could repeat a row;
    filtering on a primary-key subquery keeps each row once and leaves the caller's
    select_related and ordering intact. A ``RowScope`` cannot repeat rows: plain filter.
    """
    if scope is None:
        return queryset
    if isinstance(scope, RowScope):
        return queryset.filter(scope)
    return queryset.filter(pk__in=queryset.model.objects.filter(scope).values("pk"))

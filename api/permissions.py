from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiToken


class TokenScopePermission(permissions.IsAuthenticated):
    """Signed in (session or token); a read-only token may only read."""

    message = _("This token may only read: make a read-and-write token to change data.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        token = request.auth
        if isinstance(token, ApiToken) and not token.can_write:
            return request.method in permissions.SAFE_METHODS
        return True


class OpenData(permissions.BasePermission):
    """Anyone, signed in or not, may read the open data; nobody writes through it."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS

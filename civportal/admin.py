"""Admin glue: one way in (the portal's own sign-in) and the portal's scopes on every page.

Every registered ModelAdmin is one of two kinds; tests/civportal/test_admin_scope.py fails
on any other, so a new unscoped admin cannot slip in:

- ``ScopedAdmin``: rows come from the owning app's "for this user" selector, the same one
  the portal's pages use; change and delete follow the app's ``can_edit`` rule; the history
  pages and the choices offered for related rows are scoped too.
- ``ReferenceAdmin``: data the whole programme shares (geography, organisations, cohorts,
  mentoring areas, sales channels): everyone with admin access reads it, only superusers
  (or whoever the app's ``can_manage`` rule names) change it.

Superusers see every row: the admin is where they mend what the portal cannot.
"""

from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    """The Django admin without a sign-in of its own.

    Its login page hands over to allauth's, so the same rate limits, e-mail verification
    and (later) MFA guard the admin; Django's own login form would accept passwords
    without any of them. Its password page hands over to allauth's for the same reason.
    """

    def login(self, request, extra_context=None):
        @secure_admin_login  # anonymous → the portal's sign-in; signed in, not staff → 403
        def signed_in(request):
            # Never Django's login form, not even for a signed-in staff member: it would
            # check another account's password without the portal's limits.
            return redirect(
                get_next_redirect_url(request) or reverse("admin:index", current_app=self.name)
            )

        return signed_in(request)

    def password_change(self, request, extra_context=None):
        return redirect("account_change_password")


class ScopedAdmin:
    """Mix into a ModelAdmin; set ``selector`` (user → queryset, from the app's selectors.py)
    and optionally ``can_edit`` (user, obj → bool, from the app's permissions.py)."""

    selector = None
    can_edit = None

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        return type(self).selector(request.user)

    def _may_edit(self, request, obj) -> bool:
        return obj is None or self.can_edit is None or type(self).can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting is at least changing: whoever may not edit a row may not delete it.
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def get_field_queryset(self, db, db_field, request):
        """Offer only related rows the user may see (a visit's community, a user's community…),
        so a POST cannot point an in-scope row at an out-of-scope one."""
        queryset = super().get_field_queryset(db, db_field, request)
        try:
            related = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return queryset
        if not isinstance(related, ScopedAdmin):
            return queryset
        scoped = related.get_queryset(request)
        ordering = related.get_ordering(request)
        return scoped.order_by(*ordering) if ordering else scoped

    def _in_scope_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the latest historical record when get_queryset has
        # no such row, which would show an out-of-scope object's whole history.
        if not request.user.is_superuser:
            self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Only SimpleHistoryAdmin routes here. It reads the historical row with no scope at
        all and saves a POSTed revert after checking only the right to view."""
        if not request.user.is_superuser:
            obj = self._in_scope_or_404(request, object_id)
            if request.method == "POST" and not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReferenceAdmin:
    """Mix into a ModelAdmin for reference data: every row is readable by admin users, and
    only superusers change it unless ``can_manage`` (user → bool, from the app's
    permissions.py) names others."""

    can_manage = None

    def _may_manage(self, request) -> bool:
        user = request.user
        return user.is_superuser or (self.can_manage is not None and type(self).can_manage(user))

    def has_add_permission(self, request):
        return self._may_manage(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request) and super().has_delete_permission(request, obj)

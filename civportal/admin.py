"""Admin glue: one way in (the portal's own sign-in), and each app's "for this user"
selector and edit rules."""

from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from django.contrib import admin
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
    """Mix into a ModelAdmin; set ``selector`` (user → queryset) and optionally ``can_edit``."""

    selector = None
    can_edit = None

    def get_queryset(self, request):
        if self.selector is None:
            return super().get_queryset(request)
        return type(self).selector(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and self.can_edit is not None:
            return type(self).can_edit(request.user, obj)
        return allowed

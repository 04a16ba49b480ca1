from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from civportal.admin import ScopedAdmin

from .models import Invitation, User
from .permissions import can_change_access
from .selectors import email_addresses_for, groups_for, invitations_for, users_for


@admin.register(User)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    """People in the admin's reader's scope; only superusers change accounts here (accounts
    come from invitations, see accounts.permissions.can_change_access)."""

    selector = users_for
    can_edit = can_change_access
    ordering = ["email"]
    list_display = [
        "email",
        "login_name",
        "full_name",
        "role",
        "organisation",
        "community",
        "is_active",
    ]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "login_name", "full_name"]
    filter_horizontal = ["provinces", "groups", "user_permissions"]
    autocomplete_fields = ["organisation", "community"]
    fieldsets = [
        (None, {"fields": ["email", "login_name", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "preferred_language"]}),
        (_("Role and scope"), {"fields": ["role", "organisation", "provinces", "community"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]

    def has_add_permission(self, request):
        return can_change_access(request.user) and super().has_add_permission(request)


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin, admin.ModelAdmin):
    selector = invitations_for
    can_edit = can_change_access
    list_display = [
        "email",
        "role",
        "community",
        "invited_by",
        "created_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email"]
    # Not the token: it is the invitee's key to an account with this role.
    readonly_fields = ["invited_by", "accepted_at", "accepted_user", "revoked_at", "revoked_by"]

    def has_add_permission(self, request):
        # Invitations come from accounts.services.invite_user: it checks scope, queues the e-mail.
        return False


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(ScopedAdmin, BaseEmailAddressAdmin):
    selector = email_addresses_for
    can_edit = can_change_access

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not can_change_access(request.user):
            # Marking an address verified changes access like editing it does.
            actions.pop("make_verified", None)
        return actions


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ScopedAdmin, BaseGroupAdmin):
    selector = groups_for
    can_edit = can_change_access


# allauth.socialaccount registers its own admins. The LINE channel's keys come from the
# environment (settings.SOCIALACCOUNT_PROVIDERS), tokens are not stored, and a LINE
# connection is its owner's to make or remove (allauth's connections page); an account is
# stopped by deactivating it. So none of them has an admin — no unscoped door.
for _model in (SocialApp, SocialAccount, SocialToken):
    admin.site.unregister(_model)

# allauth.mfa and allauth.usersessions register theirs too. An authenticator holds its
# owner's TOTP secret and is theirs to add or remove (the profile's two-step pages); a
# session is its owner's to end (the profile), and deactivating an account ends them all.
for _model in (Authenticator, UserSession):
    admin.site.unregister(_model)

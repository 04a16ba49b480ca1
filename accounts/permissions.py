"""Who may invite whom. Scopes of the objects themselves live in each app's permissions."""

from .models import COMMUNITY_ROLES, Role
from .selectors import province_codes


def can_invite(user, role: str, *, organisation=None, community=None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_programme_staff:
        return True
    if user.role == Role.OFFICER and role in (Role.LEADER, Role.MEMBER) and community is not None:
        return community.province_id in province_codes(user)
    if user.role == Role.COORDINATOR and role in (Role.MENTOR, Role.COORDINATOR):
        return organisation is not None and organisation.pk == user.organisation_id
    if user.role == Role.LEADER and role == Role.MEMBER:
        return community is not None and community.pk == user.community_id
    return False


def can_change_access(user, record=None) -> bool:
    """Accounts, sign-in addresses, invitations and permission groups are the keys to
    someone's scope: an e-mail address takes over an account through a password reset, a
    role or a group hands out access. The portal changes them only through invitations
    (accounts.services); in the admin only superusers do. ``record`` is the row in question
    (unused: the rule is the same for every row)."""
    return user.is_authenticated and user.is_superuser


def can_manage_members(user, community) -> bool:
    """Who invites a community's members, sees its pending invitations and deactivates its
    people: programme staff, the officers of its province and its own leaders."""
    if not user.is_authenticated or not user.is_active or community is None:
        return False
    if user.is_programme_staff:
        return True
    if user.role == Role.OFFICER:
        # The provinces the request's scopes already read (one read per user object).
        from .selectors import province_codes

        return community.province_id in province_codes(user)
    return user.role == Role.LEADER and user.community_id == community.pk


def can_revoke_invitation(user, invitation) -> bool:
    """The inviter, or anyone who manages the community the invitation is for."""
    if not user.is_authenticated or not invitation.is_open:
        return False
    if invitation.invited_by_id == user.pk or user.is_programme_staff:
        return True
    return invitation.community is not None and can_manage_members(user, invitation.community)


def can_deactivate(user, person) -> bool:
    """Officers (and staff) deactivate a community's leaders and members; a leader deactivates
    the members of their own community. Nobody deactivates themselves here."""
    if person.pk == user.pk or not person.is_active or person.role not in COMMUNITY_ROLES:
        return False
    if not can_manage_members(user, person.community):
        return False
    return user.role != Role.LEADER or person.role == Role.MEMBER

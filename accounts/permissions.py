"""Who may invite whom. Scopes of the objects themselves live in each app's permissions."""

from .models import Role


def can_invite(user, role: str, *, organisation=None, community=None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_programme_staff:
        return True
    if user.role == Role.OFFICER and role in (Role.LEADER, Role.MEMBER) and community is not None:
        return user.provinces.filter(pk=community.province_id).exists()
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

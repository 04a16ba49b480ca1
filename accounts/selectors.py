"""Reads of people and their access, scoped "for this user".

Who sees whose account:
- programme staff: everyone;
- a provincial officer: themselves and the leaders and members of communities in their
  provinces — the people they invite and work with. Not other officers or company people:
  an officer's work with a company goes through its MOUs, not its staff list;
- everyone else: themselves.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from civportal.cache import forget
from communities.models import Province

from .models import COMMUNITY_ROLES, Invitation, Role, User


def user_scope(user) -> Q | None:
    """The filter on User that is this user's scope; None means everyone."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_programme_staff:
        return None
    if user.role == Role.OFFICER:
        provinces = list(user.provinces.values_list("pk", flat=True))
        return Q(pk=user.pk) | Q(community__province_id__in=provinces)
    return Q(pk=user.pk)


def users_for(user) -> QuerySet[User]:
    queryset = User.objects.select_related("organisation", "community")
    scope = user_scope(user)
    # Only single-valued relations in the scope: no row can repeat, no subquery needed.
    return queryset if scope is None else queryset.filter(scope)


def email_addresses_for(user) -> QuerySet[EmailAddress]:
    """The sign-in addresses of the accounts this user may see."""
    return EmailAddress.objects.filter(user__in=users_for(user).values("pk")).select_related("user")


def invitations_for(user) -> QuerySet[Invitation]:
    """Programme staff see every invitation; others the ones they sent."""
    queryset = Invitation.objects.select_related("invited_by")
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset if user.is_programme_staff else queryset.filter(invited_by=user)


def groups_for(user) -> QuerySet[Group]:
    """Admin permission groups: the ones this user belongs to (superusers see all in the
    admin, which does not ask this selector for them)."""
    if not user.is_authenticated or not user.is_active:
        return Group.objects.none()
    return Group.objects.filter(user=user)


def managed_community_for(user, pk):
    """The community whose people this user manages. Missing or out of their scope: 404;
    in scope but not theirs to manage (a member, a mentor): 403."""
    from communities.selectors import get_community_for

    community = get_community_for(user, pk)
    _require_manager(user, community)
    return community


def _require_manager(user, community) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from communities.selectors import communities_for

    from .permissions import can_manage_members

    if can_manage_members(user, community):
        return
    if community is not None and communities_for(user).filter(pk=community.pk).exists():
        raise PermissionDenied
    raise Http404


def community_people(community) -> QuerySet[User]:
    return User.objects.filter(community=community, role__in=COMMUNITY_ROLES).order_by(
        "-is_active", "role", "full_name"
    )


def pending_invitations(community) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        community=community,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def get_invitation_for(user, pk) -> Invitation:
    """An invitation its sender, or someone managing its community, may see; 404 when
    missing or its community is out of the user's scope, 403 when seen but not managed."""
    from django.http import Http404

    invitation = Invitation.objects.select_related("community", "invited_by").filter(pk=pk).first()
    if invitation is None:
        raise Http404
    if invitation.invited_by_id != user.pk and not user.is_programme_staff:
        _require_manager(user, invitation.community)
    return invitation


def get_person_for(user, pk) -> User:
    """A community's member or leader, for those who manage that community (404/403 as
    for the community itself)."""
    from django.http import Http404

    person = (
        User.objects.select_related("community").filter(pk=pk, role__in=COMMUNITY_ROLES).first()
    )
    if person is None:
        raise Http404
    _require_manager(user, person.community)
    return person


# --- Scopes resolved first ---------------------------------------------------------------
PROVINCES = "_scope_provinces"
# An officer's provinces are kept in the cache per person (every page of theirs scopes by
# them), dropped when their provinces or a province changes; a change made without
# signals (QuerySet.update) shows within PROVINCES_SECONDS.
PROVINCES_SECONDS = 600


def _provinces_key(user_id: int) -> str:
    return f"officer-provinces:{user_id}"


def officer_provinces(user) -> list:
    """An officer's provinces (by code), read once per user object (a request's user) and
    kept in the cache between requests: the scopes' codes and the names a page shows come
    from this one read."""
    provinces = user.__dict__.get(PROVINCES)
    if provinces is None:
        provinces = cache.get_or_set(
            _provinces_key(user.pk), lambda: list(user.provinces.order_by("pk")), PROVINCES_SECONDS
        )
        user.__dict__[PROVINCES] = provinces
    return provinces


def province_codes(user) -> list[str]:
    """The codes of an officer's provinces (``officer_provinces``).

    Scopes filter by this plain list (``province_id IN ('52')``) rather than by a subquery
    on the user's provinces: the planner then knows how many rows a province holds.
    """
    return [province.pk for province in officer_provinces(user)]


def forget_provinces_of(user_ids) -> None:
    """Drop these people's kept provinces now and again once the transaction commits (a
    page read meanwhile may have kept the provinces of before)."""
    forget(_provinces_key(pk) for pk in user_ids)


def _officers_of(province) -> list[int]:
    return list(
        User.provinces.through.objects.filter(province=province).values_list("user_id", flat=True)
    )


@receiver(m2m_changed, sender=User.provinces.through, dispatch_uid="forget_province_codes")
def forget_province_codes(sender, instance, action, reverse, pk_set=None, **kwargs):
    """A change of someone's provinces drops what was read of them: on this user object
    and in the cache (from the user's side, or from a province's for the users changed)."""
    if isinstance(instance, User):
        instance.__dict__.pop(PROVINCES, None)
        forget_provinces_of([instance.pk])
    elif action in ("post_add", "post_remove"):
        forget_provinces_of(pk_set or ())
    elif action == "pre_clear":
        forget_provinces_of(_officers_of(instance))


@receiver(post_save, sender=Province, dispatch_uid="forget_provinces:saved")
@receiver(post_delete, sender=Province, dispatch_uid="forget_provinces:deleted")
def forget_province(sender, instance, **kwargs):
    """A province renamed (or removed): its officers read their provinces afresh."""
    forget_provinces_of(_officers_of(instance))


def profile_of(user, current_session_key: str | None) -> dict:
    """What the profile page shows of one's own account: the devices signed in (this one
    first), the second factors in use and the connected LINE accounts."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession

    sessions = sorted(
        UserSession.objects.purge_and_list(user),
        key=lambda s: (s.session_key != current_session_key, -s.last_seen_at.timestamp()),
    )
    for user_session in sessions:
        user_session.current = user_session.session_key == current_session_key
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return {
        "user_sessions": sessions,
        "has_totp": Authenticator.Type.TOTP in types,
        "has_passkey": Authenticator.Type.WEBAUTHN in types,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
        "line_accounts": list(SocialAccount.objects.filter(user=user, provider="line")),
    }

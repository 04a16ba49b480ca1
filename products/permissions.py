"""Who may do what to product listings."""

from accounts.models import Role
from communities.permissions import is_officer_for


def is_member_of(user, community) -> bool:
    return (
        user.is_authenticated
        and user.role in (Role.LEADER, Role.MEMBER)
        and user.community_id == community.pk
    )


def can_create_product(user, community) -> bool:
    return is_member_of(user, community)


def can_edit_product(user, product) -> bool:
    """Members keep their own community's listings; officers may correct them in review."""
    if not user.is_authenticated:
        return False
    return (
        user.is_programme_staff
        or is_member_of(user, product.community)
        or is_officer_for(user, product.community)
    )


def can_review_product(user, product) -> bool:
    return user.is_authenticated and (
        user.is_programme_staff or is_officer_for(user, product.community)
    )


def can_answer_enquiry(user, enquiry) -> bool:
    """Buyers write to the community; its own members answer."""
    return is_member_of(user, enquiry.community)

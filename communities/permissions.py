"""Who may do what to a community. One predicate per rule; views, admin and services use them."""

from accounts.models import Role
from accounts.selectors import province_codes


def is_officer_for(user, community) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.OFFICER
        and community.province_id in province_codes(user)
    )


def can_edit_community(user, community) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_programme_staff or is_officer_for(user, community):
        return True
    return user.role == Role.LEADER and user.community_id == community.pk


def can_register_community(user, province) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_programme_staff:
        return True
    return user.role == Role.OFFICER and province.pk in province_codes(user)


def can_move_stage(user, community) -> bool:
    return user.is_authenticated and (user.is_programme_staff or is_officer_for(user, community))


def can_log_visit(user, community) -> bool:
    return can_move_stage(user, community)


def can_edit_visit(user, visit) -> bool:
    """Whoever may log visits to the community may correct one."""
    return can_log_visit(user, visit.community)


def can_set_indicator_targets(user, community) -> bool:
    """Baselines and targets are the officer's (or programme staff's) commitment."""
    return can_log_visit(user, community)


def can_manage_indicators(user) -> bool:
    """The indicator catalogue is programme-wide: programme staff only."""
    return user.is_authenticated and user.is_programme_staff


def can_assign_reporting_officers(user) -> bool:
    """Who keeps a community's results (its responsible officer) and who heads a provincial
    office are set by programme staff."""
    return user.is_authenticated and user.is_programme_staff


def can_import_communities(user) -> bool:
    """Officers import into their provinces (checked per row); staff anywhere."""
    return user.is_authenticated and (user.is_programme_staff or user.role == Role.OFFICER)

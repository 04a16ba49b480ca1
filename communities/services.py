"""The verbs of the communities domain: check, then do, inside one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Community, Stage, StageChange
from .permissions import can_edit_community, can_move_stage, can_register_community

EDITABLE_FIELDS = (
    "name_th",
    "name_en",
    "subdistrict",
    "village_number",
    "latitude",
    "longitude",
    "identity_story",
    "main_activities",
    "activity",
    "cohort",
    "cohort_year",
    "members_count",
    "contact_name",
    "contact_phone",
    "contact_email",
    "enterprise",
)


def _apply(instance, actor, fields: dict):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    return instance


@transaction.atomic
def register_community(actor, **fields) -> Community:
    """An officer (or programme staff) registers a community in their province."""
    subdistrict = fields["subdistrict"]
    if not can_register_community(actor, subdistrict.district.province):
        raise PermissionDenied
    return _apply(Community(), actor, fields)


@transaction.atomic
def update_community(actor, community: Community, **fields) -> Community:
    if not can_edit_community(actor, community):
        raise PermissionDenied
    if "subdistrict" in fields and not can_register_community(
        actor, fields["subdistrict"].district.province
    ):
        raise PermissionDenied
    return _apply(community, actor, fields)


@transaction.atomic
def move_stage(actor, community: Community, to_stage: str, reason: str) -> StageChange:
    """Move a community to another stage, keeping who, when, from, to and why."""
    if not can_move_stage(actor, community):
        raise PermissionDenied
    if to_stage not in Stage.values:
        raise ValidationError(_("Unknown stage."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give the reason for the move."))
    community = Community.objects.select_for_update().get(pk=community.pk)
    if community.stage == to_stage:
        raise ValidationError(_("The community is already at this stage."))
    change = StageChange.objects.create(
        community=community,
        from_stage=community.stage,
        to_stage=to_stage,
        reason=reason,
        changed_by=actor,
    )
    community.stage = to_stage
    community._history_user = actor
    community.save(update_fields=["stage", "updated_at"])
    return change

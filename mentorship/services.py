"""MOU lifecycle and mentor assignments: check, then do."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import MOU, MentorAssignment
from .permissions import can_assign_mentors, can_edit_mou, can_sign_mou

MOU_FIELDS = ("title_th", "title_en", "framework", "signed_on", "starts_on", "ends_on")


def _may_create_mou(actor, government_office, company) -> bool:
    if actor.is_programme_staff:
        return True
    if actor.role == "officer":
        return actor.provinces.filter(pk=government_office.province_id).exists()
    return actor.role == "coordinator" and actor.organisation_id == company.pk


@transaction.atomic
def create_mou(actor, *, government_office, company, areas, communities=(), **fields) -> MOU:
    """Create an MOU as a draft between a provincial office and a company."""
    if not _may_create_mou(actor, government_office, company):
        raise PermissionDenied
    mou = MOU(government_office=government_office, company=company, created_by=actor, **fields)
    mou.full_clean()
    mou._history_user = actor
    mou.save()
    mou.areas.set(areas)
    mou.communities.set(communities)
    return mou


@transaction.atomic
def update_mou(actor, mou: MOU, *, areas=None, communities=None, **fields) -> MOU:
    if not can_edit_mou(actor, mou):
        raise PermissionDenied
    for name, value in fields.items():
        if name not in MOU_FIELDS:
            raise ValueError(f"not editable: {name}")
        setattr(mou, name, value)
    mou.full_clean()
    mou._history_user = actor
    mou.save()
    if areas is not None:
        mou.areas.set(areas)
    if communities is not None:
        mou.communities.set(communities)
    return mou


ALLOWED_MOVES = {
    MOU.Status.DRAFT: {MOU.Status.SIGNED},
    MOU.Status.SIGNED: {MOU.Status.ACTIVE, MOU.Status.TERMINATED},
    MOU.Status.ACTIVE: {MOU.Status.EXPIRED, MOU.Status.TERMINATED},
}


@transaction.atomic
def change_mou_status(actor, mou: MOU, to_status: str) -> MOU:
    """draft → signed → active → expired/terminated, and nothing else."""
    if not (
        can_sign_mou(actor, mou) if to_status == MOU.Status.SIGNED else can_edit_mou(actor, mou)
    ):
        raise PermissionDenied
    mou = MOU.objects.select_for_update().get(pk=mou.pk)
    if to_status not in ALLOWED_MOVES.get(mou.status, set()):
        raise ValidationError(_("An MOU cannot move from this status to that one."))
    if to_status == MOU.Status.SIGNED and not mou.signed_on:
        raise ValidationError(_("Enter the signing date before marking the MOU signed."))
    mou.status = to_status
    mou._history_user = actor
    mou.save(update_fields=["status"])
    return mou


@transaction.atomic
def assign_mentor(
    actor, mou: MOU, *, mentor, community, areas, starts_on, ends_on=None
) -> MentorAssignment:
    """Assign a company mentor to a community the MOU covers."""
    if not can_assign_mentors(actor, mou):
        raise PermissionDenied
    if mentor.role != "mentor" or mentor.organisation_id != mou.company_id:
        raise ValidationError(_("Only a mentor of this MOU's company can be assigned."))
    if not mou.communities.filter(pk=community.pk).exists():
        raise ValidationError(_("The MOU does not cover this community."))
    assignment, _created = MentorAssignment.objects.update_or_create(
        mou=mou,
        mentor=mentor,
        community=community,
        defaults={"starts_on": starts_on, "ends_on": ends_on},
    )
    assignment.areas.set(areas)
    return assignment

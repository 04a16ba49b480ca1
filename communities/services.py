"""The verbs of the communities domain: check, then do, inside one transaction."""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from civportal import fiscal
from civportal.files import removed_on_rollback
from civportal.fiscal import Frequency, Period, period_containing, period_from_start
from civportal.versioning import bump, check_version
from search import documents as search_documents

from .contacts import CHANNEL_FIELDS
from .models import (
    Community,
    CommunityIndicator,
    CommunityPhoto,
    CommunityTarget,
    Indicator,
    IndicatorValue,
    ProgressVisit,
    ReadinessAssessment,
    Stage,
    StageChange,
    VisitPhoto,
)
from .permissions import (
    can_edit_community,
    can_import_communities,
    can_log_visit,
    can_move_stage,
    can_register_community,
    can_set_indicator_targets,
)

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
    # Contact channels for buyers, each with its publish choice (communities.contacts).
    *(name for pair in CHANNEL_FIELDS for name in pair),
)


def _apply(instance, actor, fields: dict, photos: Iterable = ()):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    search_documents.refresh_community(instance.pk)
    photos = list(photos)
    if photos:
        start = instance.photos.count()
        for position, upload in enumerate(photos, start=start):
            CommunityPhoto.objects.create(community=instance, image=upload, position=position)
    return instance


@removed_on_rollback()
@transaction.atomic
def register_community(actor, *, photos: Iterable = (), **fields) -> Community:
    """An officer (or programme staff) registers a community in their province.

    ``photos`` are uploads already checked and cleaned (``civportal.images.clean_photo``).
    """
    subdistrict = fields["subdistrict"]
    if not can_register_community(actor, subdistrict.district.province):
        raise PermissionDenied
    # Whoever registers it keeps its results up to date, until staff hand it on.
    responsible = actor if actor.role == Role.OFFICER else None
    return _apply(Community(responsible_officer=responsible), actor, fields, photos)


@removed_on_rollback()
@transaction.atomic
def update_community(
    actor, community: Community, *, version=None, photos: Iterable = (), **fields
) -> Community:
    """Change a community's profile; moving it to another tambon needs scope there too.

    ``version`` is the one the edit form was read at: if someone saved since, a
    StaleEdit says what they changed and nothing is saved.
    """
    if not can_edit_community(actor, community):
        raise PermissionDenied
    if "subdistrict" in fields and not can_register_community(
        actor, fields["subdistrict"].district.province
    ):
        raise PermissionDenied
    community = Community.objects.select_for_update().get(pk=community.pk)
    check_version(community, version)
    bump(community)
    return _apply(community, actor, fields, photos)


@transaction.atomic
def move_stage(actor, community: Community, to_stage: str, reason: str) -> StageChange:
    """Move a community to another stage, keeping who, when, from, to and why."""
    if not can_move_stage(actor, community):
        raise PermissionDenied
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for the move.")})
    community = Community.objects.select_for_update().get(pk=community.pk)
    if community.stage == to_stage:
        raise ValidationError({"to_stage": _("The community is already at this stage.")})
    change = StageChange.objects.create(
        community=community,
        from_stage=community.stage,
        to_stage=to_stage,
        reason=reason,
        changed_by=actor,
    )
    community.stage = to_stage
    bump(community)
    community._history_user = actor
    community.save(update_fields=["stage", "version", "updated_at"])
    return change


def _community_mentors(community: Community):
    """Mentors assigned to the community under an active MOU, assignment not yet ended."""
    today = timezone.localdate()
    return User.objects.filter(
        Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gte=today),
        assignments__community=community,
        assignments__mou__status="active",
        role=Role.MENTOR,
        is_active=True,
    ).distinct()


@removed_on_rollback()
@transaction.atomic
def log_visit(
    actor,
    community: Community,
    *,
    visited_on,
    summary: str,
    next_steps: str = "",
    photos: Iterable = (),
    values: Mapping[Indicator, Decimal | None] | None = None,
    periods: Mapping[Indicator, date | None] | None = None,
    readiness: Mapping[str, int] | None = None,
) -> ProgressVisit:
    """Record an officer's visit with its photos, indicator values and readiness scores.

    ``photos`` are uploads already checked and cleaned. Empty indicator values are
    skipped; each value belongs to the period of its indicator's frequency that contains
    the visit date, or to the period starting on the date ``periods`` gives for it (see
    ``value_period``). ``readiness`` holds all six criteria or is None. The community's
    mentors are told (in-app, e-mail after commit).
    """
    if not can_log_visit(actor, community):
        raise PermissionDenied
    if visited_on and visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit date cannot be in the future.")})
    visit = ProgressVisit(
        community=community,
        officer=actor,
        visited_on=visited_on,
        summary=(summary or "").strip(),
        next_steps=(next_steps or "").strip(),
    )
    visit.full_clean()
    visit._history_user = actor
    visit.save()
    for upload in photos:
        VisitPhoto.objects.create(visit=visit, image=upload)
    for indicator, value in (values or {}).items():
        if value is None:
            continue
        period = value_period(indicator, visited_on, (periods or {}).get(indicator))
        row = IndicatorValue(
            visit=visit,
            indicator=indicator,
            value=value,
            period_start=period.start,
            period_end=period.end,
        )
        row.full_clean()
        row._history_user = actor
        row.save()
    if readiness:
        assessment = ReadinessAssessment(visit=visit, **readiness)
        assessment.full_clean()
        assessment.save()
    _notify_progress_logged(visit)
    return visit


def value_period(indicator: Indicator, visited_on: date, chosen_start: date | None) -> Period:
    """The period a value of ``indicator`` noted at a visit on ``visited_on`` is for.

    By default the period containing the visit date; an officer may choose an earlier
    period (data that came in late) but not one that starts after the visit, and a
    per-visit indicator's period is always the visit itself.
    """
    default = period_containing(visited_on, indicator.frequency)
    if chosen_start is None or indicator.frequency == Frequency.VISIT:
        return default
    try:
        period = period_from_start(chosen_start, indicator.frequency)
    except ValueError:
        raise ValidationError(
            {
                f"period_{indicator.code}": _(
                    "%(indicator)s: choose one of the listed reporting periods."
                )
                % {"indicator": indicator.name}
            }
        ) from None
    if period.start > visited_on:
        raise ValidationError(
            {
                f"period_{indicator.code}": _(
                    "%(indicator)s: the period %(period)s starts after the visit date."
                )
                % {"indicator": indicator.name, "period": period.label()}
            }
        )
    return period


def _notify_progress_logged(visit: ProgressVisit) -> None:
    from notifications.models import Kind
    from notifications.services import notify

    notify(
        _community_mentors(visit.community),
        kind=Kind.PROGRESS_LOGGED,
        event_key=f"visit:{visit.pk}",
        template="notifications/progress_logged",
        context={"visit": visit, "community": visit.community, "officer": visit.officer},
        url=reverse("community_detail", args=[visit.community_id]) + f"#visit-{visit.pk}",
    )


@transaction.atomic
def set_indicator_targets(
    actor,
    community: Community,
    targets: Mapping[Indicator, tuple[Decimal, Decimal] | None],
    fiscal_year: int | None = None,
) -> list[CommunityTarget]:
    """Set (or clear, with None) the baseline and the target for ``fiscal_year`` (CE, the
    current one by default) of indicators for one community.

    The baseline is one per community and indicator; targets are one per fiscal year. The
    single target of before fiscal years (``CommunityIndicator.target``) follows the current
    fiscal year's, so pages that still read it stay right.
    """
    if not can_set_indicator_targets(actor, community):
        raise PermissionDenied
    current = fiscal.fiscal_year(timezone.localdate())
    fiscal_year = fiscal_year or current
    saved = []
    baselines = {
        row.indicator_id: row
        for row in CommunityIndicator.objects.select_for_update().filter(community=community)
    }
    existing = {
        row.indicator_id: row
        for row in CommunityTarget.objects.select_for_update().filter(
            community=community, fiscal_year=fiscal_year
        )
    }
    for indicator, pair in targets.items():
        row, base = existing.get(indicator.pk), baselines.get(indicator.pk)
        if pair is None:
            if row is not None:
                row._history_user = actor
                row.delete()
            # The baseline goes with the last of the indicator's targets.
            if (
                base is not None
                and not CommunityTarget.objects.filter(
                    community=community, indicator=indicator
                ).exists()
            ):
                base._history_user = actor
                base.delete()
            continue
        baseline, target = pair
        if base is None:
            base = CommunityIndicator(community=community, indicator=indicator, target=target)
        legacy_target = target if fiscal_year == current else base.target
        if not base.pk or (base.baseline, base.target) != (baseline, legacy_target):
            base.baseline, base.target = baseline, legacy_target
            base.full_clean()
            base._history_user = actor
            base.save()
        if row is None:
            row = CommunityTarget(community=community, indicator=indicator, fiscal_year=fiscal_year)
        elif row.target == target:
            saved.append(row)
            continue
        row.target = target
        row.full_clean()
        row._history_user = actor
        row.save()
        saved.append(row)
    return saved


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@removed_on_rollback()
@transaction.atomic
def import_communities(actor, rows: list[dict]) -> list[Community]:
    """Register every row (already checked by ``communities.imports``) in one transaction.

    Each row goes through ``register_community``, so scope and model validation apply
    again; one failing row rolls back the whole file.
    """
    if not can_import_communities(actor):
        raise PermissionDenied
    return [register_community(actor, **row) for row in rows]


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@removed_on_rollback()
@transaction.atomic
def import_indicator_values(actor, visits: list[dict]) -> list[ProgressVisit]:
    """Log one visit per (community, date) with its values, all in one transaction."""
    if not can_import_communities(actor):
        raise PermissionDenied
    return [log_visit(actor, **visit) for visit in visits]

"""MOUs, mentor assignments, training sessions and attendance: check, then do."""

import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Role
from civportal.files import removed_on_rollback
from civportal.templatetags.thaidate import format_date
from civportal.versioning import bump, check_version
from notifications.models import Kind
from notifications.services import notify

from .models import (
    MOU,
    Attendance,
    CalendarFeedToken,
    Feedback,
    MentorAssignment,
    MOUSignatory,
    SessionCommunity,
    SessionMaterial,
    SessionMentor,
    TrainingSession,
)
from .permissions import (
    can_assign_mentors,
    can_edit_mou,
    can_give_feedback,
    can_manage_session,
    can_register,
    can_remove_registration,
    can_schedule_session,
    can_sign_mou,
)
from .selectors import (
    delivery_generation,
    mou_page_generation,
    session_audience,
    session_members,
)
from .validators import clean_material_file, validate_signed_pdf

BANGKOK = ZoneInfo("Asia/Bangkok")

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
def update_mou(actor, mou: MOU, *, version=None, areas=None, communities=None, **fields) -> MOU:
    """Change an MOU's terms; ``version`` is the one the edit form was read at (a save
    from an older one is refused with what changed since)."""
    if not can_edit_mou(actor, mou):
        raise PermissionDenied
    mou = MOU.objects.select_for_update().get(pk=mou.pk)
    check_version(mou, version)
    bump(mou)
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
    bump(mou)
    mou._history_user = actor
    mou.save(update_fields=["status", "version"])
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
    assignment = MentorAssignment.objects.filter(
        mou=mou, mentor=mentor, community=community
    ).first() or MentorAssignment(mou=mou, mentor=mentor, community=community)
    assignment.starts_on, assignment.ends_on = starts_on, ends_on
    assignment.full_clean()  # dates in order: a message on the form, not a database error
    assignment.save()
    assignment.areas.set(areas)
    return assignment


@transaction.atomic
def add_signatory(actor, mou: MOU, *, party, name, position) -> MOUSignatory:
    """Record who signs (or witnesses) the MOU, in signing order."""
    if not can_edit_mou(actor, mou):
        raise PermissionDenied
    order = mou.signatories.count()
    return MOUSignatory.objects.create(
        mou=mou, party=party, name=name, position=position, position_order=order
    )


@removed_on_rollback()
@transaction.atomic
def attach_signed_pdf(actor, mou: MOU, upload) -> MOU:
    """Store the scanned, signed MOU after checking it is a readable PDF of a sane size with
    no scripts or actions. A PDF it replaces stays on disk as an earlier version: the MOU's
    history rows keep its name (``mou_pdf_versions``)."""
    if not can_edit_mou(actor, mou):
        raise PermissionDenied
    validate_signed_pdf(upload)
    mou = MOU.objects.select_for_update().get(pk=mou.pk)
    mou.signed_pdf.save("signed.pdf", upload, save=False)
    bump(mou)
    mou._history_user = actor
    mou.save(update_fields=["signed_pdf", "version"])
    return mou


# --- Training sessions ----------------------------------------------------------------

SESSION_FIELDS = (
    "area",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity",
    "is_public",
)
BOOKING_CONSTRAINTS = {"mentor_not_double_booked", "community_not_double_booked"}
EXCLUSION_VIOLATION = "23P01"
OPEN_STATUSES = {TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED}


def describe_slot(session: TrainingSession) -> str:
    """“26 พฤศจิกายน พ.ศ. 2569 10:00–12:00 น.” in the active language, Bangkok time."""
    start = timezone.localtime(session.starts_at, BANGKOK)
    end = timezone.localtime(session.ends_at, BANGKOK)
    until = (
        f"{end:%H:%M}" if end.date() == start.date() else f"{format_date(end, 'long')} {end:%H:%M}"
    )
    suffix = " น." if (get_language() or "th").startswith("th") else ""
    return f"{format_date(start, 'long')} {start:%H:%M}–{until}{suffix}"


def _check_session(actor, session: TrainingSession, communities, mentors) -> None:
    mou = session.mou
    errors = {}
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    if session.starts_at and (
        (mou.starts_on and timezone.localdate(session.starts_at, BANGKOK) < mou.starts_on)
        or (mou.ends_on and timezone.localdate(session.starts_at, BANGKOK) > mou.ends_on)
    ):
        errors["starts_at"] = _("The session must take place within the MOU's term.")
    if not session.venue and not session.online_url:
        errors["venue"] = _("Give a venue or an online link.")
    if session.area_id and not mou.areas.filter(pk=session.area_id).exists():
        errors["area"] = _("This MOU does not cover that mentoring area.")
    if not communities:
        errors["communities"] = _("Choose at least one community.")
    elif mou.communities.filter(pk__in=[c.pk for c in communities]).count() != len(communities):
        errors["communities"] = _("The MOU does not cover every chosen community.")
    elif actor.role == Role.MENTOR and not actor.is_programme_staff:
        assigned = set(mou.assignments.filter(mentor=actor).values_list("community_id", flat=True))
        if not {c.pk for c in communities} <= assigned:
            errors["communities"] = _("You can schedule only for communities assigned to you.")
    if not mentors:
        errors["mentors"] = _("Choose at least one mentor.")
    elif any(m.role != Role.MENTOR or m.organisation_id != mou.company_id for m in mentors):
        errors["mentors"] = _("Only mentors of this MOU's company can run its sessions.")
    if errors:
        raise ValidationError(errors)


def _clash_error(session: TrainingSession, mentors, communities) -> ValidationError:
    period = DateTimeTZRange(session.starts_at, session.ends_at)
    clash = (
        SessionMentor.objects.filter(active=True, period__overlap=period, mentor__in=mentors)
        .exclude(session=session)
        .select_related("session", "mentor")
        .first()
    )
    who = str(clash.mentor) if clash else ""
    if clash is None:
        clash = (
            SessionCommunity.objects.filter(
                active=True, period__overlap=period, community__in=communities
            )
            .exclude(session=session)
            .select_related("session", "community")
            .first()
        )
        who = clash.community.name if clash else ""
    if clash is None:
        # The other booking was itself rolled back in the meantime.
        return ValidationError(
            _("This time clashes with another session. Please try again."), code="double_booked"
        )
    return ValidationError(
        _("%(who)s is already booked for “%(title)s” on %(when)s (Bangkok time).")
        % {"who": who, "title": clash.session.title, "when": describe_slot(clash.session)},
        code="double_booked",
    )


def _book(session: TrainingSession, mentors, communities) -> None:
    """Mirror the session's time and status onto its bookings; the database refuses overlaps.

    Done in a savepoint so a clash leaves no booking behind; the caller's
    transaction then rolls back the session itself when the ValidationError passes.
    """
    period = DateTimeTZRange(session.starts_at, session.ends_at)
    active = session.status != TrainingSession.Status.CANCELLED
    try:
        with transaction.atomic():
            SessionMentor.objects.filter(session=session).delete()
            SessionCommunity.objects.filter(session=session).delete()
            SessionMentor.objects.bulk_create(
                SessionMentor(session=session, mentor=m, period=period, active=active)
                for m in mentors
            )
            SessionCommunity.objects.bulk_create(
                SessionCommunity(session=session, community=c, period=period, active=active)
                for c in communities
            )
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        if getattr(exc.__cause__, "sqlstate", None) != EXCLUSION_VIOLATION or (
            getattr(diag, "constraint_name", None) not in BOOKING_CONSTRAINTS
        ):
            raise
        raise _clash_error(session, mentors, communities) from exc


def _notify_session(session: TrainingSession, kind: Kind, template: str) -> None:
    notify(
        session_audience(session),
        kind=kind,
        event_key=f"session:{session.pk}:rev{session.revision}",
        template=f"notifications/{template}",
        context={"session": session},
        url=reverse("session_detail", args=[session.pk]),
    )


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@transaction.atomic
def schedule_session(actor, mou: MOU, *, communities, mentors, **fields) -> TrainingSession:
    """Plan a training session for covered communities; mentors and communities are booked.

    ``fields`` are the session's own fields (SESSION_FIELDS). A mentor or community
    already booked at an overlapping time is refused by the database's exclusion
    constraints, also under concurrent requests; the ValidationError names the
    clashing session and nothing is saved.
    """
    if not can_schedule_session(actor, mou):
        raise PermissionDenied
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"not session fields: {sorted(unknown)}")
    communities, mentors = list(communities), list(mentors)
    session = TrainingSession(mou=mou, created_by=actor, **fields)
    _check_session(actor, session, communities, mentors)
    session.full_clean(validate_constraints=False)
    session._history_user = actor
    session.save()
    _book(session, mentors, communities)
    _notify_session(session, Kind.SESSION_SCHEDULED, "session_scheduled")
    return session


def _locked(session: TrainingSession) -> TrainingSession:
    return TrainingSession.objects.select_for_update().select_related("mou").get(pk=session.pk)


@transaction.atomic(durable=True)
def update_session(
    actor, session: TrainingSession, *, version=None, communities=None, mentors=None, **fields
) -> TrainingSession:
    """Change a planned or confirmed session; bookings follow and everyone is told again.

    ``version`` is the ``revision`` the edit form was read at: a save from an older one
    is refused with what changed since.
    """
    session = _locked(session)
    if not can_manage_session(actor, session):
        raise PermissionDenied
    check_version(session, version, field="revision")
    if session.status not in OPEN_STATUSES:
        raise ValidationError(_("A finished or cancelled session can no longer be changed."))
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise ValueError(f"not editable: {name}")
        setattr(session, name, value)
    communities = list(session.communities.all() if communities is None else communities)
    mentors = list(session.mentors.all() if mentors is None else mentors)
    _check_session(actor, session, communities, mentors)
    registered = session.attendance.filter(person__isnull=False).count()
    if session.capacity is not None and session.capacity < registered:
        raise ValidationError(
            {"capacity": _("%(count)s people have already registered.") % {"count": registered}}
        )
    session.full_clean(validate_constraints=False)
    bump(session, "revision")
    session._history_user = actor
    session.save()
    _book(session, mentors, communities)
    _notify_session(session, Kind.SESSION_CHANGED, "session_changed")
    return session


def _move_session(actor, session: TrainingSession, to_status: str) -> TrainingSession:
    session = _locked(session)
    if not can_manage_session(actor, session):
        raise PermissionDenied
    allowed = {
        TrainingSession.Status.CONFIRMED: {TrainingSession.Status.PLANNED},
        TrainingSession.Status.CANCELLED: OPEN_STATUSES,
        TrainingSession.Status.DONE: OPEN_STATUSES,
    }
    if session.status not in allowed[to_status]:
        raise ValidationError(_("A session cannot move from this status to that one."))
    if to_status == TrainingSession.Status.DONE and session.starts_at > timezone.now():
        raise ValidationError(_("A session can be marked done only once it has started."))
    session.status = to_status
    bump(session, "revision")
    session._history_user = actor
    session.save(update_fields=["status", "revision"])
    if to_status == TrainingSession.Status.CANCELLED:
        # Frees the mentors' and communities' time for other sessions.
        SessionMentor.objects.filter(session=session).update(active=False)
        SessionCommunity.objects.filter(session=session).update(active=False)
        _notify_session(session, Kind.SESSION_CANCELLED, "session_cancelled")
    elif to_status == TrainingSession.Status.CONFIRMED:
        _notify_session(session, Kind.SESSION_CHANGED, "session_changed")
    return session


@transaction.atomic(durable=True)
def confirm_session(actor, session: TrainingSession) -> TrainingSession:
    """planned → confirmed; participants are told."""
    return _move_session(actor, session, TrainingSession.Status.CONFIRMED)


@transaction.atomic(durable=True)
def cancel_session(actor, session: TrainingSession) -> TrainingSession:
    """planned/confirmed → cancelled; bookings are released and participants told."""
    return _move_session(actor, session, TrainingSession.Status.CANCELLED)


@transaction.atomic(durable=True)
def mark_session_done(actor, session: TrainingSession) -> TrainingSession:
    """planned/confirmed → done, once the session has started."""
    return _move_session(actor, session, TrainingSession.Status.DONE)


@transaction.atomic(durable=True)
def register_for_session(actor, session: TrainingSession) -> Attendance:
    """A community member signs up; the session row is locked so capacity holds under load."""
    session = _locked(session)
    if not can_register(actor, session):
        raise PermissionDenied
    existing = session.attendance.filter(person=actor).first()
    if existing:
        return existing
    if session.capacity is not None and session.attendance.count() >= session.capacity:
        raise ValidationError(_("Sorry, this session is full."))
    return Attendance.objects.create(session=session, person=actor, community=actor.community)


@transaction.atomic(durable=True)
def remove_registration(actor, row: Attendance) -> None:
    """Take one row off a session's register: a member's own place before the start, or
    any row (member or walk-in) by those who run the session. The session is locked so a
    place freed here and a registration for it never race past the capacity."""
    session = _locked(row.session)
    row = session.attendance.filter(pk=row.pk).first()
    if row is None:
        return  # removed meanwhile (a second tap): nothing left to do
    row.session = session
    if not can_remove_registration(actor, row):
        raise PermissionDenied
    row.delete()


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@transaction.atomic
def record_attendance(
    actor, session: TrainingSession, *, present_people=(), present_walk_ins=(), new_walk_ins=()
) -> int:
    """Tick who came: members of the covered communities (registered or not) and walk-ins.

    ``present_people`` are user ids, ``present_walk_ins`` ids of walk-in rows
    already on the register, ``new_walk_ins`` names. Returns how many were present.
    """
    session = _locked(session)
    if not can_manage_session(actor, session):
        raise PermissionDenied
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("A cancelled session has no attendance."))
    present_people = {int(pk) for pk in present_people}
    present_walk_ins = {int(pk) for pk in present_walk_ins}
    allowed = set(session_members(session).values_list("pk", flat=True)) | set(
        session.attendance.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    if not present_people <= allowed:
        raise ValidationError(_("Only members of the session's communities can be ticked."))
    rows = {row.person_id: row for row in session.attendance.filter(person__isnull=False)}
    for person_id, row in rows.items():
        row.present = person_id in present_people
    Attendance.objects.bulk_update(rows.values(), ["present"])
    people = {u.pk: u for u in session_members(session).filter(pk__in=present_people - set(rows))}
    Attendance.objects.bulk_create(
        Attendance(session=session, person=u, community_id=u.community_id, present=True)
        for u in people.values()
    )
    walk_ins = list(session.attendance.filter(person__isnull=True))
    for row in walk_ins:
        row.present = row.pk in present_walk_ins
    Attendance.objects.bulk_update(walk_ins, ["present"])
    names = [name.strip() for name in new_walk_ins if name.strip()]
    Attendance.objects.bulk_create(
        Attendance(session=session, walk_in_name=name[:200], present=True) for name in names
    )
    # Bulk writes send no signals: the MOU's delivered hours are summed afresh, and its
    # page counts the register afresh.
    delivery_generation.changed()
    mou_page_generation.changed()
    return session.attendance.filter(present=True).count()


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@transaction.atomic
def give_feedback(actor, session: TrainingSession, *, rating: int, comment: str = "") -> Feedback:
    """A participant rates the session 1–5 with a comment; a second answer replaces the first."""
    if not can_give_feedback(actor, session):
        raise PermissionDenied
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    feedback, _created = Feedback.objects.update_or_create(
        session=session, person=actor, defaults={"rating": rating, "comment": comment}
    )
    return feedback


# Not durable: its create form runs it inside save_once's transaction (civportal.forms).
@removed_on_rollback()
@transaction.atomic
def add_material(actor, session: TrainingSession, *, title, file=None, url="") -> SessionMaterial:
    """Attach a handout or a link to a session (files checked by ``clean_material_file``)."""
    if not can_manage_session(actor, session):
        raise PermissionDenied
    if not file and not url:
        raise ValidationError(_("Attach a file or give a link."))
    if file:
        try:
            file = clean_material_file(file)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    return SessionMaterial.objects.create(session=session, title=title, file=file or "", url=url)


# --- Private calendar feed ------------------------------------------------------------


def live_feed_token(user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def regenerate_feed_token(user) -> CalendarFeedToken:
    """Revoke the user's feed address (if any) and issue a new one."""
    revoke_feed_token(user)
    return CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(32))


@transaction.atomic
def revoke_feed_token(user) -> None:
    """The old feed address stops working at once (404)."""
    CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )

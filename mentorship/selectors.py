"""Reads of MOUs and training sessions, scoped "for this user"."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, NullIf, RowNumber, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Role, User
from accounts.selectors import province_codes
from civportal.access import RowScope, get_in_scope_or_404, within_scope
from civportal.cache import Generation
from communities.models import Community, name_expression

from .models import (
    MOU,
    Attendance,
    MentorAssignment,
    MentoringArea,
    SessionCommunity,
    SessionMaterial,
    SessionMentor,
    TrainingSession,
)
from .permissions import can_see_register

BANGKOK = ZoneInfo("Asia/Bangkok")


MOU_IDS = "_scope_mou_ids"
# Bumped by every change of an MOU, its communities or its mentors (see ``connect``): the
# MOU ids a user object has read are read again after it, even within one request.
_mou_generation = [0]


def mou_scope(user) -> Q | None:
    """The filter on MOU that is this user's scope; None means nationwide.

    An officer's MOUs are those of their provinces' offices or covering a community there;
    their ids are resolved first (there are few MOUs, a province holds thousands of
    communities), so every query of MOUs and sessions filters by a plain ``id IN (...)``
    list the planner can estimate instead of joining the province's communities again.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_programme_staff:
        return None
    match user.role:
        case Role.OFFICER:
            return RowScope(pk__in=mou_ids_for(user))
        case Role.COORDINATOR:
            return RowScope(company_id=user.organisation_id)
        case Role.MENTOR:
            return Q(company_id=user.organisation_id, assignments__mentor=user)
        case Role.LEADER | Role.MEMBER:
            return Q(communities=user.community_id) & ~Q(status=MOU.Status.DRAFT)
    return Q(pk__in=[])


def mou_ids_for(user) -> list[int]:
    """The ids of the MOUs an officer may see: read once per user object (a request's
    user), and kept in the cache per set of provinces, until an MOU, its communities, a
    community or an office changes (finding them reads every community of the provinces)."""
    cached = user.__dict__.get(MOU_IDS)
    if cached is not None and cached[0] == _mou_generation[0]:
        return cached[1]
    provinces = province_codes(user)
    key = f"officer-mous:{mou_ids_generation.current()}:{','.join(provinces)}"
    ids = cache.get(key) if provinces else []
    if ids is None:
        offices = MOU.objects.filter(government_office__province_id__in=provinces)
        covering = MOU.communities.through.objects.filter(community__province_id__in=provinces)
        ids = sorted(
            offices.order_by()
            .values_list("pk", flat=True)
            .union(covering.order_by().values_list("mou_id", flat=True))
            .order_by()
        )
        cache.set(key, ids, settings.DASHBOARD_FIGURES_SECONDS)
    user.__dict__[MOU_IDS] = (_mou_generation[0], ids)
    return ids


def forget_mou_ids(**_kwargs) -> None:
    _mou_generation[0] += 1
    mou_ids_generation.changed()


mou_ids_generation = Generation("officer-mous")
delivery_generation = Generation("mou-delivery")
mou_page_generation = Generation("mou-pages")


def mou_page_key(mou: MOU) -> str:
    """What an MOU page's mentors and sessions table are kept under (rendered, the same
    for every reader of the page): the MOU, the language and the day (the table lists
    sessions from a month ago on), in the current ``mou_page_generation``."""
    return f"{mou.pk}:{mou_page_generation.current()}:{get_language()}:{timezone.localdate()}"


def connect() -> None:
    from django.db.models.signals import m2m_changed

    from communities.figures import NAME_FIELDS
    from communities.models import Organisation

    mou_ids_generation.watch(
        MOU, MentorAssignment, Community, Organisation, receiver=forget_mou_ids
    )
    m2m_changed.connect(
        forget_mou_ids, sender=MOU.communities.through, dispatch_uid="mou-ids:communities"
    )
    delivery_generation.watch(TrainingSession, Attendance, MentoringArea)
    # The sessions' rows (titles, times, communities, mentors, register counts) and the
    # mentors' assignments with their areas.
    mou_page_generation.watch(
        TrainingSession, Attendance, MentoringArea, MentorAssignment, MOU, Community
    )
    mou_page_generation.watch(User, receiver=mou_page_generation.changed_if(NAME_FIELDS))
    m2m_changed.connect(
        mou_page_generation.changed,
        sender=MentorAssignment.areas.through,
        dispatch_uid="mou-pages:assignment-areas",
    )


def mous_for(user) -> QuerySet[MOU]:
    queryset = MOU.objects.select_related("government_office", "company")
    return within_scope(queryset, mou_scope(user))


def get_mou_for(user, pk) -> MOU:
    return get_in_scope_or_404(mous_for(user), pk=pk)


def signed_pdf_versions(mou: MOU) -> list:
    """Earlier signed PDFs of an MOU, newest first: for each file the MOU no longer points
    to, the history row that first recorded it (when and by whom it was uploaded).

    They change only when the MOU gets another file, so they are kept in the cache under
    the MOU's version and current file for ``DASHBOARD_FIGURES_SECONDS``.
    """

    def read():
        rows = (
            mou.history.exclude(signed_pdf="")
            .exclude(signed_pdf=mou.signed_pdf.name or "")
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        first = {}
        for row in rows:
            first.setdefault(row.signed_pdf, row)
        return sorted(first.values(), key=lambda row: row.history_date, reverse=True)

    key = f"mou-pdf-versions:{mou.pk}:{mou.version}:{mou.signed_pdf.name or ''}"
    return cache.get_or_set(key, read, settings.DASHBOARD_FIGURES_SECONDS)


def get_signed_pdf_version_for(user, pk, history_id):
    """(MOU, its file as it was in one history row) for those who may see the MOU; 404 else."""
    mou = get_mou_for(user, pk)
    row = get_in_scope_or_404(mou.history.exclude(signed_pdf=""), history_id=history_id)
    field = MOU._meta.get_field("signed_pdf")
    return mou, row, field.attr_class(mou, field, row.signed_pdf)


def assignments_for(user) -> QuerySet[MentorAssignment]:
    """Mentor assignments under the MOUs this user may see."""
    return MentorAssignment.objects.filter(mou__in=mous_for(user).values("pk")).select_related(
        "mentor", "community", "mou"
    )


def sessions_for(user) -> QuerySet[TrainingSession]:
    queryset = TrainingSession.objects.select_related("mou", "area")
    if user.is_authenticated and user.is_programme_staff:
        return queryset
    if user.is_authenticated and user.role == Role.MENTOR:
        visible = Q(mou__in=mous_for(user).values("pk")) & (
            Q(mentors=user) | Q(communities__assignments__mentor=user)
        )
    elif user.is_authenticated and user.role in (Role.LEADER, Role.MEMBER):
        visible = Q(communities=user.community_id)
    elif user.is_authenticated and user.is_active and user.role == Role.OFFICER:
        # On the session's own column: the officer's MOUs, resolved first.
        visible = RowScope(mou_id__in=mou_ids_for(user))
    else:
        # On the session's own column: one subquery of the MOUs, no second one around it.
        visible = RowScope(mou__in=mous_for(user).values("pk"))
    return within_scope(queryset, visible)


def get_session_for(user, pk) -> TrainingSession:
    return get_in_scope_or_404(sessions_for(user), pk=pk)


def with_people(queryset: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions with their communities and mentors prefetched."""
    return queryset.prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name_th")),
        Prefetch("mentors", queryset=User.objects.order_by("full_name")),
    )


def with_community_names(queryset: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions with what the calendars show of their communities (the names) prefetched,
    in ``with_people``'s order: one query of three columns, no mentors."""
    return queryset.prefetch_related(
        Prefetch(
            "communities",
            queryset=Community.objects.only("pk", "name_th", "name_en").order_by("name_th"),
        )
    )


def with_names(queryset: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions with ``community_names`` and ``mentor_names``: the names a list shows, in
    the reader's language and in ``with_people``'s order, read in the sessions' own query
    (two array subqueries per row) instead of two more queries of whole rows. For a page
    of rows: a window-filtered queryset would compute them for every row it ranks."""
    # User.__str__: the full name, else the e-mail, else the login name.
    mentor_name = Coalesce(
        NullIf("mentor__full_name", Value("")),
        NullIf("mentor__email", Value("")),
        "mentor__login_name",
        Value(""),
        output_field=CharField(),
    )
    communities = (
        SessionCommunity.objects.filter(session=OuterRef("pk"))
        .order_by("community__name_th", "community_id")
        .values_list(name_expression("community__"))
    )
    mentors = (
        SessionMentor.objects.filter(session=OuterRef("pk"))
        .order_by("mentor__full_name", "mentor_id")
        .values_list(mentor_name)
    )
    return queryset.annotate(
        community_names=ArraySubquery(communities), mentor_names=ArraySubquery(mentors)
    )


def register_counts(queryset: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions with ``registered_count`` and ``present_count`` annotated."""
    return queryset.annotate(
        # Counted per row (subqueries), not by joining and grouping every session first:
        # a page of sessions costs the page, however many sessions match.
        registered_count=_attendance_count(person__isnull=False),
        present_count=_attendance_count(present=True),
    )


def with_register_counts(queryset: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions with their communities and mentors prefetched and register counts annotated."""
    return register_counts(with_people(queryset))


def _attendance_count(**condition):
    counted = (
        Attendance.objects.filter(session=OuterRef("pk"), **condition)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def sessions_overlapping(user, start: datetime, end: datetime) -> QuerySet[TrainingSession]:
    """Sessions in this user's scope that overlap [start, end)."""
    return sessions_for(user).filter(starts_at__lt=end, ends_at__gt=start)


def sessions_in_range(
    user, start: datetime, end: datetime, per_day: int | None = None
) -> QuerySet[TrainingSession]:
    """Sessions in this user's scope that overlap [start, end), for the calendar.

    With ``per_day``, only the first ``per_day`` sessions of each (Bangkok) day, each with
    ``day_total``, the number of that day's sessions, their communities' names and
    without register counts or mentors (the grid shows neither): the grid stays the same
    size however many sessions a province holds, and only the day counts read the whole
    month.
    """
    sessions = sessions_overlapping(user, start, end)
    if per_day is None:
        return with_register_counts(sessions).order_by("starts_at", "pk")
    day = TruncDate("starts_at", tzinfo=BANGKOK)
    ranked = sessions.annotate(
        day_rank=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at"), F("pk")]),
        day_total=Window(Count("pk"), partition_by=[day]),
    ).filter(day_rank__lte=per_day)
    return with_community_names(ranked).order_by("starts_at", "pk")


def upcoming_sessions_for(user) -> QuerySet[TrainingSession]:
    """Sessions in scope not yet over nor cancelled, soonest first, with register counts
    (``with_names`` adds what a list of them shows of their people)."""
    return register_counts(
        sessions_for(user)
        .filter(ends_at__gt=timezone.now())
        .exclude(status=TrainingSession.Status.CANCELLED)
    ).order_by("starts_at")


@dataclass
class Delivery:
    """Training delivered: sessions held, their hours, attendees and hours × attendees."""

    sessions: int = 0
    hours: Decimal = Decimal(0)
    attendees: int = 0
    participant_hours: Decimal = Decimal(0)

    def add(self, session: TrainingSession) -> None:
        hours = Decimal((session.ends_at - session.starts_at).total_seconds()) / 3600
        self.sessions += 1
        self.hours += hours
        self.attendees += session.present_count
        self.participant_hours += hours * session.present_count


def is_delivered(session: TrainingSession) -> bool:
    """A session counts once it is done or someone has been ticked present."""
    return session.status == TrainingSession.Status.DONE or (
        session.status != TrainingSession.Status.CANCELLED and session.present_count > 0
    )


DELIVERY_BY_AREA_SQL = """
WITH per_session AS (
    SELECT s.area_id,
           EXTRACT(EPOCH FROM s.ends_at - s.starts_at) / 3600 AS hours,
           COUNT(a.id) FILTER (WHERE a.present) AS present,
           s.status = %(done)s
             OR (s.status <> %(cancelled)s AND COUNT(a.id) FILTER (WHERE a.present) > 0)
             AS delivered
      FROM mentorship_trainingsession s
      LEFT JOIN mentorship_attendance a ON a.session_id = s.id
     WHERE s.mou_id = %(mou)s
     GROUP BY s.id
)
SELECT area.id, area.name_th, area.name_en, area.position,
       COUNT(*),
       COUNT(*) FILTER (WHERE delivered),
       COALESCE(SUM(hours) FILTER (WHERE delivered), 0),
       COALESCE(SUM(present) FILTER (WHERE delivered), 0),
       COALESCE(SUM(hours * present) FILTER (WHERE delivered), 0)
  FROM per_session
  JOIN mentorship_mentoringarea area ON area.id = per_session.area_id
 GROUP BY area.id
 ORDER BY area.position, area.id
"""


def delivery_by_area(mou: MOU) -> tuple[list, Delivery, int]:
    """``delivery_by(sessions of the MOU, area)`` summed by the database in one query, and
    the number of the MOU's sessions (delivered or not).

    Summing reads every session of the MOU (10,000 in a large one), so the sums are kept
    in the cache until a session, its attendance or an area changes (``connect``), for
    ``DASHBOARD_FIGURES_SECONDS`` at most.

    The same rule as ``is_delivered`` (done, or not cancelled and someone present), for
    a page that lists a bounded slice of the sessions. Plain SQL: each session's present
    count is grouped once, then summed per area (the ORM cannot aggregate an aggregate).
    """
    delivery_key = f"mou-delivery:{delivery_generation.current()}:{mou.pk}"
    rows = cache.get(delivery_key)
    if rows is None:
        parameters = {
            "mou": mou.pk,
            "done": TrainingSession.Status.DONE,
            "cancelled": TrainingSession.Status.CANCELLED,
        }
        with connection.cursor() as cursor:
            cursor.execute(DELIVERY_BY_AREA_SQL, parameters)
            rows = cursor.fetchall()
        cache.set(delivery_key, rows, settings.DASHBOARD_FIGURES_SECONDS)
    groups, total, count = [], Delivery(), 0
    for pk, name_th, name_en, position, every, n, hours, present, participant_hours in rows:
        count += every
        if not n:
            continue
        delivery = Delivery(
            sessions=n,
            hours=Decimal(hours),
            attendees=int(present),
            participant_hours=Decimal(participant_hours),
        )
        area = MentoringArea(pk=pk, name_th=name_th, name_en=name_en, position=position)
        groups.append((area, delivery))
        total.sessions += delivery.sessions
        total.hours += delivery.hours
        total.attendees += delivery.attendees
        total.participant_hours += delivery.participant_hours
    return groups, total, count


def delivery_by(sessions, key) -> tuple[list[tuple[object, Delivery]], Delivery]:
    """Group delivered sessions (annotated by with_register_counts) by ``key(session)``.

    Returns the groups in first-seen order and the overall total.
    """
    groups: dict[object, Delivery] = {}
    total = Delivery()
    for session in sessions:
        if is_delivered(session):
            groups.setdefault(key(session), Delivery()).add(session)
            total.add(session)
    return list(groups.items()), total


def attendance_register(session: TrainingSession) -> list[Attendance]:
    return list(session.attendance.select_related("person", "community").order_by("pk"))


def session_members(session: TrainingSession) -> QuerySet[User]:
    """Members and leaders of the communities a session covers: its audience and register."""
    return User.objects.filter(
        community__in=session.communities.all(),
        role__in=[Role.LEADER, Role.MEMBER],
        is_active=True,
    ).order_by("full_name")


def session_audience(session: TrainingSession) -> list[User]:
    """Who hears about a session (scheduled, changed, cancelled, reminder): its mentors and
    the members and leaders of every community it covers."""
    return [*session.mentors.filter(is_active=True), *session_members(session)]


def get_material_for(user, pk) -> SessionMaterial:
    """A session's material, for those who may see the session (404 otherwise)."""
    return get_in_scope_or_404(
        SessionMaterial.objects.filter(session__in=sessions_for(user).values("pk")), pk=pk
    )


def mous_ending_within(days: int, today=None, queryset=None) -> QuerySet[MOU]:
    """Active MOUs whose term ends between today and ``days`` from now, soonest first."""
    today = today or timezone.localdate()
    queryset = MOU.objects.all() if queryset is None else queryset
    return queryset.filter(
        status=MOU.Status.ACTIVE, ends_on__gte=today, ends_on__lte=today + timedelta(days=days)
    ).order_by("ends_on")


def expiring_mous_for(user, days: int = 60) -> QuerySet[MOU]:
    """What needs this person now: MOUs in their scope that end within ``days``."""
    return mous_ending_within(days, queryset=mous_for(user))


def get_registration_for(user, pk) -> Attendance:
    """A row of a session's register: one's own, or any row of a register one may read.
    Everything else is 404, like a missing row."""
    row = get_in_scope_or_404(
        Attendance.objects.filter(session__in=sessions_for(user).values("pk")).select_related(
            "session__mou", "person"
        ),
        pk=pk,
    )
    if row.person_id != user.pk and not can_see_register(user, row.session):
        raise Http404
    return row


def schedulable_mous_for(user) -> QuerySet[MOU]:
    """The MOUs under which this user may schedule a session (permissions.can_schedule_session
    as one query): active ones, of the coordinator's company, or where the mentor is assigned."""
    if not user.is_authenticated:
        return MOU.objects.none()
    active = mous_for(user).filter(status=MOU.Status.ACTIVE)
    if user.is_programme_staff:
        return active
    if user.role == Role.COORDINATOR:
        return active.filter(company_id=user.organisation_id)
    if user.role == Role.MENTOR:
        return active.filter(pk__in=MentorAssignment.objects.filter(mentor=user).values("mou_id"))
    return MOU.objects.none()


# --- Training as a community's results ------------------------------------------
# The indicator whose values are the training hours a community received: derived from
# the sessions below, never typed in at a visit.
TRAINING_HOURS_INDICATOR = "training_hours"

TRAINING_RESULTS_SQL = """
WITH held AS (
    SELECT s.id, m.company_id,
           EXTRACT(EPOCH FROM s.ends_at - s.starts_at) / 3600 AS hours
      FROM mentorship_trainingsession s
      JOIN mentorship_mou m ON m.id = s.mou_id
     WHERE s.status = %s
       AND s.starts_at >= %s AND s.starts_at < %s
       AND EXISTS (SELECT 1 FROM mentorship_attendance a
                    WHERE a.session_id = s.id AND a.present)
)
SELECT sc.community_id, held.company_id,
       COUNT(*),
       SUM(held.hours),
       SUM(held.hours * (SELECT COUNT(*) FROM mentorship_attendance a
                          WHERE a.session_id = held.id AND a.present
                            AND a.community_id = sc.community_id))
  FROM held
  JOIN mentorship_sessioncommunity sc ON sc.session_id = held.id
 WHERE sc.community_id IN ({communities})
 GROUP BY sc.community_id, held.company_id
"""


@dataclass
class TrainingResult:
    """Training a community received: sessions, hours (each session's once) and
    participant-hours (hours × the community's own attendees ticked present)."""

    sessions: int = 0
    hours: Decimal = Decimal(0)
    participant_hours: Decimal = Decimal(0)

    def __iadd__(self, other: "TrainingResult") -> "TrainingResult":
        self.sessions += other.sessions
        self.hours += other.hours
        self.participant_hours += other.participant_hours
        return self


def _bangkok_midnight(day) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BANGKOK)


def training_results(communities: QuerySet[Community], start, end) -> dict:
    """``{(community id, company id): TrainingResult}`` for sessions that began on a
    Bangkok day from ``start`` to ``end`` (dates, inclusive), in one query.

    A session counts once it is marked done (which needs its start to have passed) and
    attendance has been taken (someone ticked present). Every community it covers gets
    its hours once, in the period the session fell in, and its own present attendees'
    participant-hours. Derived from the sessions and the register on every read: an
    edit, a re-marked register or a cancellation changes the figures, never adds to them.
    """
    inner, inner_params = communities.values("pk").query.sql_with_params()
    parameters = [
        TrainingSession.Status.DONE,
        _bangkok_midnight(start),
        _bangkok_midnight(end + timedelta(days=1)),
        *inner_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(TRAINING_RESULTS_SQL.format(communities=inner), parameters)
        rows = cursor.fetchall()
    return {
        (community_id, company_id): TrainingResult(
            sessions=n, hours=Decimal(hours), participant_hours=Decimal(participant_hours or 0)
        )
        for community_id, company_id, n, hours, participant_hours in rows
    }


def training_by_community(communities: QuerySet[Community], start, end) -> dict:
    """``{community id: TrainingResult}``: ``training_results`` summed over companies."""
    totals: dict[int, TrainingResult] = {}
    for (community_id, _company), result in training_results(communities, start, end).items():
        totals.setdefault(community_id, TrainingResult()).__iadd__(result)
    return totals

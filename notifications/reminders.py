"""The periodic notifications: session reminders, MOU expiry warnings, the weekly digest.

Each looks at the state of the data *now* rather than at the time a beat was due, and
names every event with a stable key, so a run after downtime catches up and a second run
in the same window adds nothing (``notify``'s unique (recipient, kind, event_key)).
"""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from mentorship.models import MOU, TrainingSession
from mentorship.selectors import mous_ending_within, session_audience

from .models import Kind, Notification, Preference
from .services import notify

REMINDER_LEAD = timedelta(hours=24)
EXPIRY_THRESHOLDS = (30, 60)  # days before an MOU ends, most urgent first
DIGEST_ITEMS = 10


def session_reminder_key(session: TrainingSession) -> str:
    # The start time is part of the key: a session moved to another day gets a new reminder.
    return f"session:{session.pk}:reminder:{session.starts_at.isoformat()}"


def send_session_reminders(now=None) -> int:
    """Remind everyone of sessions starting within the next 24 hours; returns rows created."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_LEAD,
        status__in=[TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED],
    ).select_related("mou")
    created = 0
    for session in sessions:
        created += len(
            notify(
                session_audience(session),
                kind=Kind.SESSION_REMINDER,
                event_key=session_reminder_key(session),
                template="notifications/session_reminder",
                context={"session": session},
                url=reverse("session_detail", args=[session.pk]),
            )
        )
    return created


def expiry_threshold(days_left: int) -> int | None:
    """The most urgent warning an MOU with ``days_left`` has reached (30 beats 60)."""
    return next((days for days in EXPIRY_THRESHOLDS if days_left <= days), None)


def mou_recipients(mou: MOU) -> set[User]:
    """The province's officers and the company's coordinators."""
    return set(
        User.objects.filter(
            Q(role=Role.OFFICER, provinces=mou.government_office.province_id)
            | Q(role=Role.COORDINATOR, organisation=mou.company_id)
        )
    )


def send_mou_expiry_warnings(today=None) -> int:
    """Warn about active MOUs ending within 60 and then 30 days; returns rows created.

    After downtime only the threshold reached by now is sent: an MOU found at 25 days
    left gets the 30-day warning, not a late 60-day one as well.
    """
    today = today or timezone.localdate()
    mous = mous_ending_within(max(EXPIRY_THRESHOLDS), today).select_related(
        "government_office", "company"
    )
    created = 0
    for mou in mous:
        days_left = (mou.ends_on - today).days
        threshold = expiry_threshold(days_left)
        created += len(
            notify(
                mou_recipients(mou),
                kind=Kind.MOU_EXPIRING,
                event_key=f"mou:{mou.pk}:expiring:{threshold}:{mou.ends_on.isoformat()}",
                template="notifications/mou_expiring",
                context={"mou": mou, "days": threshold, "days_left": days_left},
                url=reverse("mou_detail", args=[mou.pk]),
            )
        )
    return created


def digest_week_key(today) -> str:
    year, week, _weekday = today.isocalendar()
    return f"digest:{year}-W{week:02d}"


def send_weekly_digests(now=None) -> int:
    """One digest per person of the past week's notifications in kinds they keep in the digest."""
    now = now or timezone.now()
    since = now - timedelta(days=7)
    excluded = Preference.objects.filter(in_digest=False).values_list("user_id", "kind")
    excluded_by_user: dict[int, set[str]] = {}
    for user_id, kind in excluded:
        excluded_by_user.setdefault(user_id, set()).add(kind)
    recent = (
        Notification.objects.filter(created_at__gte=since, created_at__lte=now)
        .exclude(kind__in=[Kind.WEEKLY_DIGEST, Kind.INVITATION])
        .select_related("recipient")
        .order_by("recipient_id", "-created_at")
    )
    items: dict[int, list[Notification]] = {}
    for notification in recent:
        if notification.kind in excluded_by_user.get(notification.recipient_id, ()):
            continue
        items.setdefault(notification.recipient_id, []).append(notification)
    key = digest_week_key(timezone.localdate(now))
    created = 0
    for notifications in items.values():
        created += len(
            notify(
                [notifications[0].recipient],
                kind=Kind.WEEKLY_DIGEST,
                event_key=key,
                template="notifications/weekly_digest",
                context={
                    "items": notifications[:DIGEST_ITEMS],
                    "total": len(notifications),
                    "more": max(len(notifications) - DIGEST_ITEMS, 0),
                },
                url=reverse("notification_list"),
            )
        )
    return created

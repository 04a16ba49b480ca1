"""Reminders before a reporting period closes and escalations after its grace period.

Each run looks at every period still open or closed within ``RESULTS_CATCH_UP_DAYS`` (not
just "today"), so a job that missed days catches up; each (community, period, level) is
sent once, which a ``ReportingReminder`` row with a unique key guarantees; and a community
whose values for the period have all arrived is not told anything more.

- reminder: from ``RESULTS_REMINDER_DAYS`` days before the period's last day until the end
  of its grace period, to the community's responsible officer;
- escalation: once the grace period (``RESULTS_GRACE_DAYS``) has passed, to the head of the
  provincial office (``Province.head_officer``) and to programme staff.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from civportal import fiscal
from civportal.fiscal import Frequency, Period

from .models import Community, Indicator, IndicatorValue, ProgressVisit, ReportingReminder

Level = ReportingReminder.Level


def periods_to_watch(frequency: str, today: date) -> list[Period]:
    """Periods open now or closed within the catch-up window, oldest first."""
    since = today - timedelta(days=settings.RESULTS_CATCH_UP_DAYS)
    return list(fiscal.periods_between(since, today, frequency))


def level_on(period: Period, today: date) -> str | None:
    """What a community still missing values for ``period`` is due on ``today``."""
    if today > period.end + timedelta(days=settings.RESULTS_GRACE_DAYS):
        return Level.ESCALATION
    if today >= period.end - timedelta(days=settings.RESULTS_REMINDER_DAYS):
        return Level.REMINDER
    return None


def _programme_staff() -> list[User]:
    return list(User.objects.filter(is_active=True, role="staff"))


def send_results_reminders(today: date | None = None) -> int:
    """Remind and escalate, once each, for every community missing values of a period
    that is about to close or overdue; returns the number of reminders/escalations sent."""
    today = today or timezone.localdate()
    indicators = defaultdict(list)
    for indicator in Indicator.objects.filter(active=True).exclude(frequency=Frequency.VISIT):
        indicators[indicator.frequency].append(indicator)
    staff = None
    sent = 0
    for frequency, wanted in indicators.items():
        for period in periods_to_watch(frequency, today):
            level = level_on(period, today)
            if level is None:
                continue
            for community, missing in _missing(period, wanted):
                if level == Level.ESCALATION and staff is None:
                    staff = _programme_staff()
                sent += _send_once(community, period, level, missing, staff or [])
    return sent


def _missing(period: Period, indicators: list[Indicator]):
    """Communities in the programme (registered or visited) before the period ended that
    lack a value of any of ``indicators`` for it, with the indicators they lack."""
    have = defaultdict(set)
    for community_id, indicator_id in IndicatorValue.objects.filter(
        indicator__in=indicators, period_start=period.start
    ).values_list("visit__community_id", "indicator_id"):
        have[community_id].add(indicator_id)
    ended = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    visited = ProgressVisit.objects.filter(community=OuterRef("pk"), visited_on__lte=period.end)
    communities = Community.objects.filter(
        Q(created_at__lt=ended) | Exists(visited)
    ).select_related("responsible_officer", "province__head_officer")
    for community in communities.iterator(chunk_size=500):
        lacking = [i for i in indicators if i.pk not in have[community.pk]]
        if lacking:
            yield community, lacking


def _send_once(community, period, level, missing, staff) -> int:
    from notifications.models import Kind
    from notifications.services import notify

    if level == Level.REMINDER:
        recipients, kind = [community.responsible_officer], Kind.RESULTS_DUE
    else:
        recipients = [community.province.head_officer, *staff]
        kind = Kind.RESULTS_OVERDUE
    recipients = [user for user in recipients if user is not None]
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            ReportingReminder.objects.create(
                community=community,
                frequency=period.kind,
                period_start=period.start,
                period_end=period.end,
                level=level,
            )
            notify(
                recipients,
                kind=kind,
                event_key=f"results:{community.pk}:{period.kind}:{period.start}:{level}",
                template=f"notifications/{kind}",
                context={
                    "community": community,
                    "period": period,
                    "indicators": missing,
                    "deadline": period.end + timedelta(days=settings.RESULTS_GRACE_DAYS),
                },
                url=reverse("visit_create", args=[community.pk]),
            )
    except IntegrityError:
        return 0  # sent already (by an earlier run, or one running now)
    return 1

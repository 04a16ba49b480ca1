"""Reminders before a reporting period closes, escalations after its grace period: once per
(community, period, level), catching up after downtime, and stopped when the data arrive.

Defaults: reminder from 7 days before the last day, 15 days' grace, 120 days' catch-up.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from communities.models import Community, Indicator, Province, ReportingReminder
from communities.reminders import send_results_reminders
from communities.services import log_visit
from notifications.models import Kind, Notification

from .helpers import officer, register_many

pytestmark = pytest.mark.django_db


def bangkok(day):
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.fixture
def monthly():
    # One monthly indicator; the rest of the catalogue is per visit here.
    Indicator.objects.update(frequency="visit")
    indicator = Indicator.objects.get(code="active_members")
    indicator.frequency = "month"
    indicator.save()
    return indicator


@pytest.fixture
def community(monthly):
    (row,) = register_many(officer(), 1, prefix="เตือนรายงาน")
    Community.objects.filter(pk=row.pk).update(created_at=bangkok(date(2025, 9, 1)))
    return Community.objects.get(pk=row.pk)


def sent(community, level=None):
    rows = ReportingReminder.objects.filter(community=community)
    if level:
        rows = rows.filter(level=level)
    return sorted((r.period_start, r.level) for r in rows)


def notes(community, kind):
    return Notification.objects.filter(kind=kind, event_key__startswith=f"results:{community.pk}:")


def test_the_responsible_officer_is_reminded_once_before_the_period_closes(community):
    assert community.responsible_officer == officer()  # who registered it

    send_results_reminders(date(2026, 1, 20))  # 11 days before: too early
    assert sent(community, "reminder") == []
    send_results_reminders(date(2026, 1, 25))
    send_results_reminders(date(2026, 1, 26))
    send_results_reminders(date(2026, 1, 31))

    assert (date(2026, 1, 1), "reminder") in sent(community)
    january = notes(community, Kind.RESULTS_DUE).filter(event_key__contains=":2026-01-01:")
    assert [n.recipient for n in january] == [officer()]
    assert "มกราคม 2569" in january.get().title


def test_after_downtime_each_overdue_period_is_escalated_once_to_the_head_and_staff(
    community,
):
    head = User.objects.get(email="officer.nakhon@civ.example")
    Province.objects.filter(pk=community.province_id).update(head_officer=head)
    staff = list(User.objects.filter(role="staff", is_active=True))

    # The job was down from October to 20 February: one run catches up on everything.
    send_results_reminders(date(2026, 2, 20))
    send_results_reminders(date(2026, 2, 20))

    # 120 days back reach 23 October: October to January are past their grace; February
    # is not yet in its reminder window; late reminders are not sent for overdue periods.
    assert sent(community) == [
        (date(2025, 10, 1), "escalation"),
        (date(2025, 11, 1), "escalation"),
        (date(2025, 12, 1), "escalation"),
        (date(2026, 1, 1), "escalation"),
    ]
    overdue = notes(community, Kind.RESULTS_OVERDUE)
    assert overdue.count() == 4 * (1 + len(staff))
    assert {n.recipient for n in overdue} == {head, *staff}
    assert not notes(community, Kind.RESULTS_DUE).exists()


def test_values_that_arrive_stop_the_escalation(community, monthly):
    send_results_reminders(date(2026, 1, 28))
    assert (date(2026, 1, 1), "reminder") in sent(community)

    log_visit(
        officer(),
        community,
        visited_on=date(2026, 1, 30),
        summary="ส่งข้อมูลแล้ว",
        values={monthly: Decimal(14)},
    )
    send_results_reminders(date(2026, 2, 20))

    assert (date(2026, 1, 1), "escalation") not in sent(community)
    assert (date(2025, 12, 1), "escalation") in sent(community)  # still missing


def test_a_community_registered_after_a_period_ended_is_not_chased_for_it(monthly):
    (row,) = register_many(officer(), 1, prefix="มาใหม่")
    Community.objects.filter(pk=row.pk).update(created_at=bangkok(date(2026, 1, 10)))

    send_results_reminders(date(2026, 2, 20))

    assert sent(row) == [(date(2026, 1, 1), "escalation")]

"""Migration 0009 moves what exists to fiscal years: each value to its visit's period and
each single target to the fiscal year it was set in.

The schema is taken back to 0008 inside the test's transaction (PostgreSQL rolls DDL back
with it), rows are written as they were before, and the migrations run forward again.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from communities.models import CommunityTarget, IndicatorValue

pytestmark = pytest.mark.django_db

BEFORE = [("communities", "0008_fiscal_year_targets_and_value_periods")]
BANGKOK = ZoneInfo("Asia/Bangkok")


def at(*parts):
    return datetime(*parts, tzinfo=BANGKOK)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def test_values_go_to_their_visits_period_and_targets_to_the_fiscal_year_they_were_set_in():
    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Community = old.get_model("communities", "Community")
    Indicator = old.get_model("communities", "Indicator")
    ProgressVisit = old.get_model("communities", "ProgressVisit")
    OldValue = old.get_model("communities", "IndicatorValue")
    CommunityIndicator = old.get_model("communities", "CommunityIndicator")
    History = old.get_model("communities", "HistoricalCommunityIndicator")
    User = old.get_model("accounts", "User")

    community, other = Community.objects.order_by("pk")[:2]
    CommunityIndicator.objects.filter(community__in=[community, other]).delete()
    # The demo's per-year targets for these communities are not this migration's.
    old.get_model("communities", "CommunityTarget").objects.filter(
        community__in=[community, other]
    ).delete()
    revenue = Indicator.objects.get(code="monthly_revenue")
    members = Indicator.objects.get(code="active_members")
    members.frequency = "quarter"
    members.save()
    revenue.frequency = "visit"
    revenue.save()
    officer = User.objects.get(email="officer.nakhon@civ.example")
    visit = ProgressVisit.objects.create(
        community=community, officer=officer, visited_on=date(2025, 9, 30), summary="ก่อน"
    )
    later = ProgressVisit.objects.create(
        community=community, officer=officer, visited_on=date(2026, 2, 28), summary="หลัง"
    )
    OldValue.objects.create(visit=visit, indicator=revenue, value=Decimal("1000"))
    OldValue.objects.create(visit=later, indicator=members, value=Decimal("12"))

    # Set at 50 in FY 2567 (2024), raised to 80 on 2 Nov 2025 (FY 2569), then only the
    # baseline edited in January: the 80 was set in FY 2569.
    raised = CommunityIndicator.objects.create(
        community=community, indicator=revenue, baseline=Decimal("10"), target=Decimal("80")
    )
    for moment, baseline, target in (
        (at(2024, 5, 1, 9), "10", "50"),
        (at(2025, 11, 2, 9), "10", "80"),
        (at(2026, 1, 5, 9), "12", "80"),
    ):
        History.objects.create(
            id=raised.pk,
            community=community,
            indicator=revenue,
            baseline=Decimal(baseline),
            target=Decimal(target),
            history_date=moment,
            history_type="~",
        )
    # No history at all: the fiscal year the community was registered in, in Thai time
    # (1 Oct 2025, 03:00 in Bangkok is still 30 September in UTC).
    Community.objects.filter(pk=other.pk).update(created_at=at(2025, 10, 1, 3))
    CommunityIndicator.objects.create(
        community=other, indicator=members, baseline=Decimal("5"), target=Decimal("9")
    )
    # Deferred foreign-key checks would keep the next ALTER TABLE from running.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    by_visit = {
        v.visit_id: v for v in IndicatorValue.objects.filter(visit_id__in=[visit.pk, later.pk])
    }
    assert (by_visit[visit.pk].period_start, by_visit[visit.pk].period_end) == (
        date(2025, 9, 30),
        date(2025, 9, 30),
    )
    assert by_visit[visit.pk].recorded_at == visit.created_at
    assert (by_visit[later.pk].period_start, by_visit[later.pk].period_end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert not IndicatorValue.history.filter(period_start__isnull=True).exists()
    targets = CommunityTarget.objects.filter(community_id__in=[community.pk, other.pk])
    assert sorted(targets.values_list("community_id", "indicator_id", "fiscal_year", "target")) == [
        (community.pk, revenue.pk, 2026, Decimal("80.00")),
        (other.pk, members.pk, 2026, Decimal("9.00")),
    ]

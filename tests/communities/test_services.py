"""The communities verbs, tested directly: scope, validation, what is kept, who is told."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import User
from civportal.fiscal import fiscal_year
from communities.models import Community, Indicator, IndicatorValue, Stage, StageChange
from communities.selectors import community_history, stale_communities
from communities.services import (
    log_visit,
    move_stage,
    register_community,
    set_indicator_targets,
    update_community,
)
from notifications.models import Kind, Notification

from .helpers import officer, register_many, tambons

pytestmark = pytest.mark.django_db


def test_officer_cannot_register_a_community_outside_their_province():
    saraburi_officer = officer("officer.saraburi@civ.example")

    with pytest.raises(PermissionDenied):
        register_community(saraburi_officer, name_th="ชุมชนนอกเขต", subdistrict=tambons("80")[0])

    assert not Community.objects.filter(name_th="ชุมชนนอกเขต").exists()


def test_officer_cannot_move_their_community_into_another_province():
    actor = officer()
    community = register_many(actor, 1)[0]

    with pytest.raises(PermissionDenied):
        update_community(actor, community, subdistrict=tambons("19")[0])


def test_move_stage_keeps_who_when_from_to_and_why():
    actor = officer()
    community = register_many(actor, 1)[0]

    change = move_stage(actor, community, Stage.DEVELOPING, "  เริ่มพัฒนาผลิตภัณฑ์  ")

    community.refresh_from_db()
    assert community.stage == Stage.DEVELOPING
    assert (change.from_stage, change.to_stage, change.reason) == (
        Stage.TARGET,
        Stage.DEVELOPING,
        "เริ่มพัฒนาผลิตภัณฑ์",
    )
    assert change.changed_by == actor and change.changed_at is not None


def test_move_stage_without_a_reason_is_refused_and_changes_nothing():
    actor = officer()
    community = register_many(actor, 1)[0]

    with pytest.raises(ValidationError) as refused:
        move_stage(actor, community, Stage.DEVELOPING, "   ")

    assert "reason" in refused.value.message_dict
    assert not StageChange.objects.filter(community=community).exists()
    community.refresh_from_db()
    assert community.stage == Stage.TARGET


def test_log_visit_saves_values_and_readiness_and_skips_empty_values():
    actor = officer()
    community = register_many(actor, 1)[0]
    revenue, members, visitors = (
        Indicator.objects.get(code=c) for c in ("monthly_revenue", "active_members", "visitors")
    )

    visit = log_visit(
        actor,
        community,
        visited_on=timezone.localdate(),
        summary="ตรวจเยี่ยม",
        values={revenue: Decimal("15000"), members: Decimal("12"), visitors: None},
        readiness={
            "community_strength": 4,
            "identity": 3,
            "product": 3,
            "management": 2,
            "market": 2,
            "tourism_link": 1,
        },
    )

    assert dict(visit.values.values_list("indicator__code", "value")) == {
        "monthly_revenue": Decimal("15000.00"),
        "active_members": Decimal("12.00"),
    }
    assert visit.assessment.total == 15


def test_a_visit_in_the_future_is_refused():
    actor = officer()
    community = register_many(actor, 1)[0]

    with pytest.raises(ValidationError) as refused:
        log_visit(
            actor,
            community,
            visited_on=timezone.localdate() + timedelta(days=1),
            summary="ยังไม่ได้ไป",
        )

    assert "visited_on" in refused.value.message_dict


def test_logging_a_visit_tells_the_communitys_assigned_mentor_only():
    lampang_officer = officer("officer.lampang@civ.example")
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    paen_tai = Community.objects.get(subdistrict_id="520602")
    mentor = User.objects.get(email="mentor@civ.example")

    visit = log_visit(
        lampang_officer, mae_jaem, visited_on=timezone.localdate(), summary="คั่วโอ่งรอบใหม่"
    )
    other = log_visit(lampang_officer, paen_tai, visited_on=timezone.localdate(), summary="มะนาวผง")

    # (The demo programme's own visits told the mentor before.)
    told = Notification.objects.filter(
        kind=Kind.PROGRESS_LOGGED, event_key__in=[f"visit:{visit.pk}", f"visit:{other.pk}"]
    )
    assert list(told.values_list("recipient", "event_key")) == [(mentor.pk, f"visit:{visit.pk}")]
    assert "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม" in told.get().title
    assert told.get().url.endswith(f"#visit-{visit.pk}")


def test_officer_of_another_province_cannot_log_a_visit():
    community = register_many(officer(), 1)[0]

    with pytest.raises(PermissionDenied):
        log_visit(
            officer("officer.saraburi@civ.example"),
            community,
            visited_on=timezone.localdate(),
            summary="x",
        )


def test_set_indicator_targets_creates_updates_and_clears():
    actor = officer()
    community = register_many(actor, 1)[0]
    revenue = Indicator.objects.get(code="monthly_revenue")

    set_indicator_targets(actor, community, {revenue: (Decimal("5000"), Decimal("20000"))})
    set_indicator_targets(actor, community, {revenue: (Decimal("6000"), Decimal("20000"))})
    baseline = community.indicator_targets.get()
    assert baseline.baseline == Decimal("6000.00")
    assert baseline.history.count() == 2
    target = community.targets.get()
    assert (target.fiscal_year, target.target) == (
        fiscal_year(timezone.localdate()),
        Decimal("20000.00"),
    )
    assert target.history.count() == 1

    set_indicator_targets(actor, community, {revenue: None})
    assert not community.indicator_targets.exists()
    assert not community.targets.exists()


def test_targets_are_kept_per_fiscal_year_and_progress_reads_this_years():
    from communities.selectors import indicator_trends

    actor = officer()
    community = register_many(actor, 1)[0]
    revenue = Indicator.objects.get(code="monthly_revenue")
    this_year = fiscal_year(timezone.localdate())

    set_indicator_targets(actor, community, {revenue: (Decimal("5000"), Decimal("20000"))})
    set_indicator_targets(
        actor, community, {revenue: (Decimal("5000"), Decimal("30000"))}, this_year + 1
    )
    set_indicator_targets(
        actor, community, {revenue: (Decimal("5000"), Decimal("12000"))}, this_year - 1
    )

    assert sorted(community.targets.values_list("fiscal_year", "target")) == [
        (this_year - 1, Decimal("12000.00")),
        (this_year, Decimal("20000.00")),
        (this_year + 1, Decimal("30000.00")),
    ]
    # Only this year's figure is the single target of before fiscal years.
    assert community.indicator_targets.get().target == Decimal("20000.00")
    (trend,) = indicator_trends(community)
    assert (trend.baseline, trend.target, trend.fiscal_year) == (
        Decimal("5000.00"),
        Decimal("20000.00"),
        this_year,
    )
    (next_year,) = indicator_trends(community, this_year + 1)
    assert next_year.target == Decimal("30000.00")

    # Clearing one year keeps the others and the baseline.
    set_indicator_targets(actor, community, {revenue: None}, this_year + 1)
    assert community.targets.count() == 2
    assert community.indicator_targets.exists()


def test_history_lists_changes_with_who_and_what():
    actor = officer()
    community = register_many(actor, 1)[0]
    update_community(actor, community, members_count=25)
    move_stage(actor, community, Stage.DEVELOPING, "พร้อมพัฒนา")
    visit = log_visit(
        actor,
        community,
        visited_on=timezone.localdate(),
        summary="ครั้งแรก",
        values={Indicator.objects.get(code="visitors"): Decimal("40")},
    )

    with translation.override("en"):
        entries = community_history(community)
        changes = [
            (e.label, str(name), str(old), str(new))
            for e in entries
            for name, old, new in e.changes
        ]

    assert {e.record.history_user for e in entries} == {actor}
    assert ("community", "members", "0", "25") in changes
    assert ("community", "stage", "Target community", "Developing") in changes
    assert any(label == "progress visit" and new == "ครั้งแรก" for label, _n, _o, new in changes)
    assert IndicatorValue.history.filter(visit_id=visit.pk).count() == 1
    assert ("indicator value", "indicator", "—", "Visitors") in changes


def test_stale_communities_are_those_without_a_visit_in_90_days():
    actor = officer()
    never, old, recent = register_many(actor, 3)
    today = timezone.localdate()
    log_visit(actor, old, visited_on=today - timedelta(days=91), summary="นานแล้ว")
    log_visit(actor, recent, visited_on=today - timedelta(days=89), summary="ไม่นาน")

    stale = list(stale_communities(Community.objects.filter(pk__in=[never.pk, old.pk, recent.pk])))

    assert stale == [old, never]


def _quarterly(code="active_members"):
    indicator = Indicator.objects.get(code=code)
    indicator.frequency = "quarter"
    indicator.save()
    return indicator


def test_a_value_belongs_to_the_period_containing_the_visit_date_by_default():
    from civportal.fiscal import period_containing

    actor = officer()
    community = register_many(actor, 1)[0]
    members, revenue = _quarterly(), Indicator.objects.get(code="monthly_revenue")
    revenue.frequency = "visit"
    revenue.save()
    day = timezone.localdate() - timedelta(days=3)

    visit = log_visit(
        actor,
        community,
        visited_on=day,
        summary="ตรวจเยี่ยม",
        values={members: Decimal("12"), revenue: Decimal("100")},
    )

    quarter = period_containing(day, "quarter")
    rows = {v.indicator.code: v for v in visit.values.select_related("indicator")}
    assert (rows["active_members"].period_start, rows["active_members"].period_end) == (
        quarter.start,
        quarter.end,
    )
    # A per-visit indicator's period is the visit day.
    assert (rows["monthly_revenue"].period_start, rows["monthly_revenue"].period_end) == (day, day)


def test_an_officer_files_a_late_value_for_an_earlier_period():
    from civportal.fiscal import period_containing

    actor = officer()
    community = register_many(actor, 1)[0]
    members = _quarterly()
    today = timezone.localdate()
    earlier = period_containing(
        period_containing(today, "quarter").start - timedelta(days=1), "quarter"
    )

    visit = log_visit(
        actor,
        community,
        visited_on=today,
        summary="ส่งข้อมูลย้อนหลัง",
        values={members: Decimal("9")},
        periods={members: earlier.start},
    )

    value = visit.values.get()
    assert (value.period_start, value.period_end) == (earlier.start, earlier.end)


@pytest.mark.parametrize("shift", ["not_a_start", "after_the_visit"])
def test_a_period_that_does_not_fit_is_refused_and_nothing_is_saved(shift):
    from civportal.fiscal import period_containing

    actor = officer()
    community = register_many(actor, 1)[0]
    members = _quarterly()
    day = timezone.localdate() - timedelta(days=200)
    quarter = period_containing(day, "quarter")
    chosen = (
        quarter.start + timedelta(days=1)
        if shift == "not_a_start"
        else quarter.end + timedelta(days=1)
    )

    with pytest.raises(ValidationError) as refused, translation.override("en"):
        log_visit(
            actor,
            community,
            visited_on=day,
            summary="ผิดช่วง",
            values={members: Decimal("9")},
            periods={members: chosen},
        )

    assert "period_active_members" in refused.value.message_dict
    assert not community.visits.exists()

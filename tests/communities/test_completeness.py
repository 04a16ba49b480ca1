"""Completeness and timeliness on a hand-built fixture: FY 2569 (2026) looked at on
20 Feb 2026, with a monthly and a quarterly indicator and the default 15-day grace."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from communities.completeness import completeness
from communities.models import Community, Indicator, IndicatorValue
from communities.services import log_visit

from .helpers import officer, register_many

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 20)


def bangkok(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def indicators():
    monthly = Indicator.objects.get(code="active_members")
    quarterly = Indicator.objects.get(code="visitors")
    monthly.frequency, quarterly.frequency = "month", "quarter"
    monthly.save()
    quarterly.save()
    # The rest of the catalogue has no calendar of its own in this fixture.
    Indicator.objects.exclude(pk__in=[monthly.pk, quarterly.pk]).update(frequency="visit")
    return monthly, quarterly


def value(community, indicator, visited_on, recorded_on):
    visit = log_visit(
        officer(), community, visited_on=visited_on, summary="x", values={indicator: Decimal(1)}
    )
    IndicatorValue.objects.filter(visit=visit).update(recorded_at=bangkok(recorded_on))


@pytest.fixture
def fixture(indicators):
    monthly, quarterly = indicators
    early, late_comer = register_many(officer(), 2, prefix="ความครบถ้วน")
    Community.objects.filter(pk=early.pk).update(created_at=bangkok(date(2025, 9, 1)))
    # Registered mid-December: October and November were before its time.
    Community.objects.filter(pk=late_comer.pk).update(
        created_at=bangkok(date(2025, 12, 15)), responsible_officer=None
    )
    value(early, monthly, date(2025, 10, 20), date(2025, 11, 2))  # on time
    value(early, monthly, date(2025, 11, 20), date(2026, 1, 10))  # late: grace ended 15 Dec
    # December: missing
    value(early, monthly, date(2026, 1, 20), date(2026, 2, 1))  # on time
    value(early, quarterly, date(2025, 12, 1), date(2026, 1, 14))  # on time, within grace
    value(late_comer, monthly, date(2025, 12, 20), date(2026, 1, 3))  # on time
    return early, late_comer


def test_due_received_and_on_time_per_community_officer_and_province(fixture):
    early, late_comer = fixture
    scope = Community.objects.filter(pk__in=[early.pk, late_comer.pk])

    result = completeness(scope, today=TODAY)

    assert result.fiscal_year == 2026
    total = result.total
    assert (total.due, total.received, total.on_time) == (8, 5, 4)
    assert (total.missing, total.late) == (3, 1)
    assert total.rate == pytest.approx(62.5) and total.on_time_rate == pytest.approx(50)
    a, b = result.by_community[early.pk], result.by_community[late_comer.pk]
    assert (a.due, a.received, a.on_time) == (5, 4, 3)
    assert (b.due, b.received, b.on_time) == (3, 1, 1)
    nakhon = officer()
    by_officer = dict(result.officers())
    assert (by_officer[nakhon.get_full_name() or nakhon.email].due, by_officer[""].due) == (5, 3)
    (province,) = result.by_province
    assert result.by_province[province].due == 8
    missing = {(g.community_id, g.indicator.code, g.period.start) for g in result.missing}
    assert missing == {
        (early.pk, "active_members", date(2025, 12, 1)),
        (late_comer.pk, "active_members", date(2026, 1, 1)),
        (late_comer.pk, "visitors", date(2025, 10, 1)),
    }
    (late,) = result.late
    assert (late.community_id, late.period.start) == (early.pk, date(2025, 11, 1))
    assert late.received_at == bangkok(date(2026, 1, 10))


def test_the_gaps_name_communities_and_provinces_in_the_readers_language(fixture):
    early, late_comer = fixture
    Community.objects.filter(pk=early.pk).update(name_en="Early Village")
    scope = Community.objects.filter(pk__in=[early.pk, late_comer.pk])

    with translation.override("en"):
        english = completeness(scope, today=TODAY)
    with translation.override("th"):
        thai = completeness(scope, today=TODAY)

    names = {gap.community_id: gap.community_name for gap in english.gaps}
    # English where the community has an English name, Thai where it has none.
    assert names == {early.pk: "Early Village", late_comer.pk: late_comer.name_th}
    assert list(english.by_province) == [early.province.name_en]
    assert {gap.community_name for gap in thai.gaps} == {early.name_th, late_comer.name_th}
    assert list(thai.by_province) == [early.province.name_th]


def test_an_open_period_is_not_due_yet(fixture):
    early, _ = fixture

    # On 31 Jan the January period is still open: three months and one quarter are due.
    result = completeness(Community.objects.filter(pk=early.pk), today=date(2026, 1, 31))

    assert result.total.due == 4


def test_completeness_reads_the_same_number_of_queries_for_2_and_8_communities(
    indicators, django_assert_num_queries
):
    few = register_many(officer(), 2, prefix="นับคำถาม")
    many = few + register_many(officer(), 6, prefix="นับคำถามอีก")
    Community.objects.filter(pk__in=[c.pk for c in many]).update(
        created_at=bangkok(date(2025, 9, 1))
    )
    for community in many:
        value(community, indicators[0], date(2025, 10, 20), date(2025, 11, 2))

    with django_assert_num_queries(3):
        small = completeness(Community.objects.filter(pk__in=[c.pk for c in few]), today=TODAY)
    with django_assert_num_queries(3):
        large = completeness(Community.objects.filter(pk__in=[c.pk for c in many]), today=TODAY)

    assert (small.total.due, large.total.due) == (10, 40)
    assert (small.total.received, large.total.received) == (2, 8)


@pytest.mark.parametrize(
    ("today", "fy"),
    [
        (date(2025, 10, 5), 2025),  # September's values are still coming in
        (date(2025, 11, 15), 2025),  # the last day of September's grace
        (date(2025, 11, 16), 2026),  # October's grace is over: the new year is chased
        (date(2026, 9, 30), 2026),
    ],
)
def test_the_reporting_year_follows_the_latest_month_whose_grace_is_over(today, fy):
    from communities.completeness import reporting_year

    assert reporting_year(today) == fy


def test_the_community_page_shows_its_reporting_rate_and_lists_the_missing_and_late(
    client, indicators
):
    from django.urls import reverse

    from civportal import fiscal
    from communities.completeness import on_time_deadline, reporting_year
    from communities.management.commands.seed_demo import demo_password

    monthly, _quarterly = indicators
    today = timezone.localdate()
    fy = reporting_year(today)
    start, end = fiscal.fy_bounds(fy)
    (community,) = register_many(officer(), 1, prefix="อัตราการรายงาน")
    Community.objects.filter(pk=community.pk).update(created_at=bangkok(start))
    closed = [p for p in fiscal.periods_between(start, end, "month") if p.end < today]
    quarters = [p for p in fiscal.periods_between(start, end, "quarter") if p.end < today]
    first = closed[0]
    # The first month's value came in after its grace period: received, but late.
    assert timezone.now() >= on_time_deadline(first)
    value(community, monthly, first.start, today)
    IndicatorValue.objects.filter(visit__community=community).update(recorded_at=timezone.now())
    client.login(username="officer.nakhon@civ.example", password=demo_password())

    response = client.get(reverse("community_detail", args=[community.pk]))

    reporting = response.context["reporting"]
    assert reporting.fiscal_year == fy
    due = len(closed) + len(quarters)
    assert (reporting.rate.due, reporting.rate.received, reporting.rate.on_time) == (due, 1, 0)
    assert [(g.indicator, g.period) for g in reporting.late] == [(monthly, first)]
    assert {g.period for g in reporting.missing} == set(closed[1:] + quarters)
    page = response.content.decode()
    assert f'<td class="num">{due}</td><td class="num">1</td><td class="num">0</td>' in page
    for period in closed + quarters:
        assert period.label() in page


def test_the_community_pages_reporting_rate_is_kept_until_a_visit_brings_a_value(
    client, indicators
):
    """Kept in the cache per community and day (communities.figures): a second reader's
    page does not count again; logging a visit starts a new generation, so it does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from civportal import fiscal
    from communities.completeness import reporting_year
    from communities.management.commands.seed_demo import demo_password

    monthly, _quarterly = indicators
    today = timezone.localdate()
    start, end = fiscal.fy_bounds(reporting_year(today))
    (community,) = register_many(officer(), 1, prefix="อัตราที่เก็บไว้")
    Community.objects.filter(pk=community.pk).update(created_at=bangkok(start))
    closed = [p for p in fiscal.periods_between(start, end, "month") if p.end < today]
    client.login(username="officer.nakhon@civ.example", password=demo_password())
    url = reverse("community_detail", args=[community.pk])
    client.get(reverse("dashboard"))  # the officer's provinces and unread count, kept

    with CaptureQueriesContext(connection) as counted:
        assert client.get(url).context["reporting"].rate.received == 0
    with CaptureQueriesContext(connection) as kept:
        assert client.get(url).context["reporting"].rate.received == 0
    # The indicators, the community's row and its values: read once, not again (the
    # page's body is kept too: tests/communities/test_kept_page.py).
    assert any("communities_indicatorvalue" in q["sql"] for q in counted.captured_queries)
    assert not any("communities_indicatorvalue" in q["sql"] for q in kept.captured_queries)
    value(community, monthly, closed[0].start, closed[0].end)
    assert client.get(url).context["reporting"].rate.received == 1

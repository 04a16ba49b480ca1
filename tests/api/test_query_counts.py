"""Every list endpoint costs the same number of queries for a page of 10 rows as for a page
of 200 (STYLE.md example 8): joins and prefetches are decided by the selectors, once.

The extra rows are bulk-created: 200 of each through the services would take minutes,
and what is measured here is reading them, not writing them.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken
from communities.models import (
    Community,
    CommunityIndicator,
    CommunityTarget,
    Indicator,
    IndicatorValue,
    ProgressVisit,
    StageChange,
    Subdistrict,
)
from mentorship.models import MOU, Attendance, MentorAssignment, MentoringArea, TrainingSession
from notifications.models import Kind, Notification
from products.models import Enquiry, Product
from tests.api.helpers import token_for

pytestmark = pytest.mark.django_db

LISTS = [
    "api:community-list",
    "api:stage-change-list",
    "api:indicator-value-list",
    "api:indicator-target-list",
    "api:fiscal-year-target-list",
    "api:visit-list",
    "api:mou-list",
    "api:assignment-list",
    "api:session-list",
    "api:product-list",
    "api:enquiry-list",
    "api:notification-list",
    "api:open-product-list",
    "api:open-community-list",
]


def add_rows(n: int, staff: User) -> None:
    officer = User.objects.get(email="officer.lampang@civ.example")
    mentor = User.objects.get(email="mentor@civ.example")
    template = MOU.objects.filter(status=MOU.Status.ACTIVE).first()
    indicator = Indicator.objects.filter(active=True).first()
    area = MentoringArea.objects.first()
    subdistrict = Subdistrict.objects.filter(district__province_id="52").first()
    tag = uuid.uuid4().hex[:8]
    communities = Community.objects.bulk_create(
        Community(subdistrict=subdistrict, province_id="52", name_th=f"ชุมชนนับ {tag} {i}")
        for i in range(n)
    )
    products = Product.objects.bulk_create(
        Product(
            community=c,
            name_th=f"สินค้า {i}",
            category="food",
            price=Decimal(1),
            unit="ชิ้น",
            status=Product.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for i, c in enumerate(communities)
    )
    visits = ProgressVisit.objects.bulk_create(
        ProgressVisit(community=c, officer=officer, visited_on=timezone.localdate(), summary="x")
        for c in communities
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            visit=v,
            indicator=indicator,
            value=Decimal(1),
            period_start=v.visited_on,
            period_end=v.visited_on,
        )
        for v in visits
    )
    CommunityIndicator.objects.bulk_create(
        CommunityIndicator(community=c, indicator=indicator, baseline=0, target=1)
        for c in communities
    )
    CommunityTarget.objects.bulk_create(
        CommunityTarget(community=c, indicator=indicator, fiscal_year=2026, target=1)
        for c in communities
    )
    StageChange.objects.bulk_create(
        StageChange(community=c, to_stage="developing", reason="x", changed_by=officer)
        for c in communities
    )
    mous = MOU.objects.bulk_create(
        MOU(
            title_th=f"MOU {tag} {i}",
            government_office=template.government_office,
            company=template.company,
            status=MOU.Status.ACTIVE,
            signed_on=template.signed_on,
        )
        for i in range(n)
    )
    for mou, community in zip(mous, communities, strict=True):
        mou.communities.add(community)
        mou.areas.add(area)
    assignments = MentorAssignment.objects.bulk_create(
        MentorAssignment(mou=m, mentor=mentor, community=c, starts_on=timezone.localdate())
        for m, c in zip(mous, communities, strict=True)
    )
    for assignment in assignments:
        assignment.areas.add(area)
    start = timezone.now() + timedelta(days=900)
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            mou=m,
            area=area,
            title="อบรม",
            created_by=mentor,
            venue="ศาลา",
            starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=2),
        )
        for i, m in enumerate(mous)
    )
    Attendance.objects.bulk_create(
        Attendance(session=s, walk_in_name="ผู้ลงทะเบียนหน้างาน", present=True) for s in sessions
    )
    Enquiry.objects.bulk_create(
        Enquiry(product=p, community=p.community, name="ผู้ซื้อ", contact="a@b.example", message="x")
        for p in products
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=staff, kind=Kind.SESSION_SCHEDULED, event_key=f"{tag}:{i}", title="x"
        )
        for i in range(n)
    )


def queries(client, url, key) -> tuple[int, int]:
    """(queries, rows) of one page of up to 200 rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 200}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def test_a_page_of_200_costs_what_a_page_of_10_does(client):
    staff = User.objects.get(email="staff@civ.example")
    key = token_for(staff, ApiToken.Scope.READ)
    client.get(reverse("api:community-list"), HTTP_AUTHORIZATION=f"Bearer {key}")  # last used
    add_rows(10, staff)
    small = {name: queries(client, reverse(name), key) for name in LISTS}
    add_rows(190, staff)
    large = {name: queries(client, reverse(name), key) for name in LISTS}
    for name in LISTS:
        # The page holds the new rows (200 is the largest page).
        assert large[name][1] == 200 or large[name][1] >= small[name][1] + 190, name
        assert small[name][1] >= 10, name
        assert large[name][0] == small[name][0], (name, small[name], large[name])

"""The API shows exactly what the pages show: for every detail endpoint and every role, the
same answer as the page of the same row (404 for missing-or-not-yours, 401 where the page
sends an anonymous visitor to sign in), and 403 for a write that the reader may see but not
do. Rows without a page of their own follow the page they are shown on."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import CommunityIndicator, Indicator, Stage
from communities.services import log_visit, move_stage, set_indicator_targets
from mentorship.models import MentorAssignment
from notifications.models import Notification
from products.services import send_enquiry
from tests.api.helpers import api_client
from tests.civportal.test_community_home import a_session
from tests.test_scope_matrix import EMAILS, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

ROLES = [*EMAILS, None]


@pytest.fixture
def rows(world, settings):  # noqa: F811
    settings.ENQUIRY_RATE_LIMIT = 10**6  # one buyer's enquiry per test, from one address
    officer = User.objects.get(email=EMAILS["officer_lampang"])
    mae_jaem = world["mae_jaem"]
    indicator = Indicator.objects.filter(active=True).first()
    visit = log_visit(
        officer,
        mae_jaem,
        visited_on=timezone.localdate(),
        summary="ลงพื้นที่ติดตามผล",
        values={indicator: Decimal("1200")},
    )
    to_stage = Stage.DEVELOPING if mae_jaem.stage != Stage.DEVELOPING else Stage.CIV
    change = move_stage(officer, mae_jaem, to_stage, "ทดสอบ")
    set_indicator_targets(officer, mae_jaem, {indicator: (Decimal("1000"), Decimal("5000"))})
    # The API's indicator targets are the baseline rows (CommunityIndicator).
    target = CommunityIndicator.objects.get(community=mae_jaem, indicator=indicator)
    enquiry = send_enquiry(
        world["coffee"],
        client_address="10.9.9.9",
        name="ผู้ซื้อ",
        contact="a@b.example",
        message="สนใจสั่งซื้อ",
    )
    mentor = User.objects.get(email=EMAILS["mentor_scg"])
    notification = Notification.objects.filter(recipient=mentor).first()
    assert notification is not None, "the visit tells the community's mentors"
    session = a_session(days_ahead=400)
    assignment = MentorAssignment.objects.filter(mou=world["mou"], community=mae_jaem).first()
    return {
        **world,
        "visit": visit,
        "value": visit.values.get(),
        "change": change,
        "target": target,
        "baseline": mae_jaem.indicator_targets.get(indicator=indicator),
        "enquiry": enquiry,
        "notification": notification,
        "session": session,
        "assignment": assignment,
    }


def page_of(name, row):
    return reverse(name, args=[row.pk])


# (API endpoint, its row, the page that shows that row)
ENDPOINTS = [
    ("api:community-detail", "mae_jaem", "community_detail", "mae_jaem"),
    ("api:community-detail", "saraburi", "community_detail", "saraburi"),
    ("api:stage-change-detail", "change", "community_detail", "mae_jaem"),
    ("api:visit-detail", "visit", "community_detail", "mae_jaem"),
    ("api:indicator-value-detail", "value", "community_detail", "mae_jaem"),
    ("api:indicator-target-detail", "baseline", "community_detail", "mae_jaem"),
    ("api:fiscal-year-target-detail", "target", "community_detail", "mae_jaem"),
    ("api:mou-detail", "mou", "mou_detail", "mou"),
    ("api:assignment-detail", "assignment", "mou_detail", "mou"),
    ("api:session-detail", "session", "session_detail", "session"),
    ("api:product-detail", "lime_powder", "product_detail", "lime_powder"),
    ("api:product-detail", "coffee", "product_detail", "coffee"),
]

PAGE_TO_API = {200: 200, 404: 404, 302: 401}


@pytest.mark.parametrize("endpoint,row,page,page_row", ENDPOINTS)
@pytest.mark.parametrize("who", ROLES)
def test_api_answers_as_the_page_does(client, rows, endpoint, row, page, page_row, who):
    user = User.objects.get(email=EMAILS[who]) if who else None
    if user:
        client.force_login(user)
    assert rows[row] is not None, f"the demo programme has no {row}"
    page_status = client.get(page_of(page, rows[page_row])).status_code
    response = api_client(user).get(reverse(endpoint, args=[rows[row].pk]))
    assert response.status_code == PAGE_TO_API[page_status], (who, page_status)
    if response.status_code != 200:
        assert b"name_th" not in response.content


OWN_ROWS = [
    # Buyers' enquiries: the community's people and programme staff only.
    ("api:enquiry-detail", "enquiry", {"staff", "leader_maejaem", "member_maejaem"}),
    # A notification: its recipient only (programme staff included: nobody else).
    ("api:notification-detail", "notification", {"mentor_scg"}),
]


@pytest.mark.parametrize("endpoint,row,allowed", OWN_ROWS)
@pytest.mark.parametrize("who", ROLES)
def test_own_rows_answer_404_to_everyone_else(rows, endpoint, row, allowed, who):
    user = User.objects.get(email=EMAILS[who]) if who else None
    response = api_client(user).get(reverse(endpoint, args=[rows[row].pk]))
    expected = 401 if who is None else 200 if who in allowed else 404
    assert response.status_code == expected


@pytest.mark.parametrize(
    "who,community,expected",
    [
        ("officer_lampang", "mae_jaem", 201),
        ("staff", "mae_jaem", 201),
        # Sees the community, may not log visits to it: 403.
        ("mentor_scg", "mae_jaem", 403),
        ("coordinator_scg", "mae_jaem", 403),
        ("leader_maejaem", "mae_jaem", 403),
        # Does not see it: 404, as for a community that does not exist.
        ("officer_saraburi", "mae_jaem", 404),
        ("mentor_other", "mae_jaem", 404),
        ("member_paentai", "mae_jaem", 404),
        ("officer_lampang", "saraburi", 404),
    ],
)
def test_logging_a_visit_follows_the_visit_form_rules(rows, who, community, expected):
    from api.models import ApiToken

    user = User.objects.get(email=EMAILS[who])
    response = api_client(user, ApiToken.Scope.READ_WRITE).post(
        reverse("api:visit-list"),
        {"community": rows[community].pk, "visited_on": str(timezone.localdate()), "summary": "x"},
        format="json",
    )
    assert response.status_code == expected, response.content


def test_a_missing_row_answers_404_like_one_out_of_scope():
    staff = User.objects.get(email=EMAILS["staff"])
    assert api_client(staff).get(reverse("api:community-detail", args=[10**9])).status_code == 404


@pytest.mark.parametrize("who", list(EMAILS))
def test_lists_hold_only_rows_in_scope(rows, who):
    """The Saraburi community is in the officer of Saraburi's and staff's lists only."""
    user = User.objects.get(email=EMAILS[who])
    ids = [
        row["id"]
        for row in api_client(user)
        .get(reverse("api:community-list"), {"page_size": 200})
        .json()["results"]
    ]
    assert (rows["saraburi"].pk in ids) == (who in {"staff", "officer_saraburi"})
    assert (rows["mae_jaem"].pk in ids) == (
        who not in {"officer_saraburi", "mentor_other", "coordinator_other", "member_paentai"}
    )

"""Logging a visit through the API: the visit service's rules, an Idempotency-Key that
makes one row however often the request is sent, and clear 400s that save nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken
from communities.models import Indicator, ProgressVisit
from tests.api.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return User.objects.get(email="officer.lampang@civ.example")


@pytest.fixture
def mae_jaem():
    from communities.models import Community

    return Community.objects.get(subdistrict__code="521304")


def post_visit(client, community, **extra):
    indicator = Indicator.objects.filter(active=True).first()
    body = {
        "community": community.pk,
        "visited_on": str(timezone.localdate()),
        "summary": "ลงพื้นที่ติดตามยอดขาย",
        "values": {indicator.code: "15000.50"},
    }
    return client.post(reverse("api:visit-list"), body, format="json", **extra)


def test_an_officer_logs_a_visit_with_its_values(officer, mae_jaem):
    response = post_visit(api_client(officer, ApiToken.Scope.READ_WRITE), mae_jaem)
    assert response.status_code == 201, response.content
    visit = ProgressVisit.objects.get(pk=response.json()["id"])
    assert visit.officer == officer and visit.community == mae_jaem
    assert list(response.json()["values"].values()) == ["15000.50"]
    assert response["Location"] == reverse("api:visit-detail", args=[visit.pk])


def test_the_same_idempotency_key_makes_one_visit_and_the_same_answer(officer, mae_jaem):
    client = api_client(officer, ApiToken.Scope.READ_WRITE)
    before = ProgressVisit.objects.count()
    first = post_visit(client, mae_jaem, HTTP_IDEMPOTENCY_KEY="sync-2026-11-27-001")
    again = post_visit(client, mae_jaem, HTTP_IDEMPOTENCY_KEY="sync-2026-11-27-001")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ProgressVisit.objects.count() == before + 1
    other = post_visit(client, mae_jaem, HTTP_IDEMPOTENCY_KEY="sync-2026-11-27-002")
    assert other.json()["id"] != first.json()["id"]
    assert ProgressVisit.objects.count() == before + 2


def test_another_persons_key_is_theirs_alone(officer, mae_jaem):
    staff = User.objects.get(email="staff@civ.example")
    mine = post_visit(api_client(officer, "read_write"), mae_jaem, HTTP_IDEMPOTENCY_KEY="k1")
    theirs = post_visit(api_client(staff, "read_write"), mae_jaem, HTTP_IDEMPOTENCY_KEY="k1")
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


def test_a_refused_visit_saves_nothing_and_frees_its_key(officer, mae_jaem):
    client = api_client(officer, ApiToken.Scope.READ_WRITE)
    before = ProgressVisit.objects.count()
    tomorrow = str(timezone.localdate() + timezone.timedelta(days=1))
    response = client.post(
        reverse("api:visit-list"),
        {"community": mae_jaem.pk, "visited_on": tomorrow, "summary": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-future",
    )
    assert response.status_code == 400
    assert "visited_on" in response.json()
    assert ProgressVisit.objects.count() == before
    assert post_visit(client, mae_jaem, HTTP_IDEMPOTENCY_KEY="k-future").status_code == 201


# A code holding a NUL character is unknown too (the database could not compare with it).
@pytest.mark.parametrize("code", ["no-such-indicator", "\x00monthly_revenue"])
def test_an_unknown_indicator_is_named_and_nothing_is_saved(officer, mae_jaem, code):
    client = api_client(officer, ApiToken.Scope.READ_WRITE)
    response = client.post(
        reverse("api:visit-list"),
        {
            "community": mae_jaem.pk,
            "visited_on": str(timezone.localdate()),
            "summary": "x",
            "values": {code: "1"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert code.strip("\x00") in str(response.json()["values"])
    assert not ProgressVisit.objects.filter(community=mae_jaem, summary="x").exists()


def test_detail_carries_the_version_as_etag(officer, mae_jaem):
    response = api_client(officer).get(reverse("api:community-detail", args=[mae_jaem.pk]))
    assert response["ETag"] == f'"{mae_jaem.version}"'


def patch(client, community, data, **headers):
    url = reverse("api:community-detail", args=[community.pk])
    return client.patch(url, data, format="json", **headers)


def test_a_profile_change_carries_the_version_it_read(officer, mae_jaem):
    client = api_client(officer, ApiToken.Scope.READ_WRITE)
    etag = client.get(reverse("api:community-detail", args=[mae_jaem.pk]))["ETag"]
    response = patch(client, mae_jaem, {"members_count": 41}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["members_count"] == 41
    assert response["ETag"] != etag
    mae_jaem.refresh_from_db()
    assert mae_jaem.members_count == 41
    # The same ETag again is stale now: refused, and it says what changed.
    stale = patch(client, mae_jaem, {"members_count": 5}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    mae_jaem.refresh_from_db()
    assert mae_jaem.members_count == 41


def test_a_change_without_if_match_is_refused(officer, mae_jaem):
    client = api_client(officer, ApiToken.Scope.READ_WRITE)
    assert patch(client, mae_jaem, {"members_count": 3}).status_code == 428
    bad = patch(client, mae_jaem, {"members_count": 3}, HTTP_IF_MATCH='"abc"')
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "email,expected",
    [
        ("leader.maejaem@civ.example", 200),
        ("member.maejaem@civ.example", 403),
        ("mentor@civ.example", 403),
        ("officer.saraburi@civ.example", 404),
    ],
)
def test_who_may_change_a_profile_is_the_forms_rule(mae_jaem, email, expected):
    client = api_client(User.objects.get(email=email), ApiToken.Scope.READ_WRITE)
    etag = f'"{mae_jaem.version}"'
    response = patch(client, mae_jaem, {"main_activities": "ทอผ้า"}, HTTP_IF_MATCH=etag)
    assert response.status_code == expected, response.content


def test_a_members_waiting_change_is_read_beside_the_published_listing():
    from decimal import Decimal

    from products.models import Product
    from products.services import update_product

    member = User.objects.get(email="member.paentai@civ.example")
    lime = Product.objects.get(name_th="มะนาวผง")
    client = api_client(member)
    url = reverse("api:product-revision", args=[lime.pk])
    assert client.get(url).status_code == 404  # nothing waiting
    update_product(member, lime, price=lime.price + Decimal("10"))
    published = client.get(reverse("api:product-detail", args=[lime.pk])).json()
    waiting = client.get(url).json()
    assert Decimal(waiting["price"]) == Decimal(published["price"]) + 10
    assert waiting["status"] == "pending"
    outsider = api_client(User.objects.get(email="member.maejaem@civ.example"))
    assert outsider.get(url).status_code == 404


def test_visits_and_values_filter_by_thai_fiscal_year_in_be_or_ce(officer, mae_jaem):
    from datetime import date

    from communities.services import log_visit

    indicator = Indicator.objects.filter(active=True, frequency="visit").first()
    last_day = log_visit(
        officer,
        mae_jaem,
        visited_on=date(2025, 9, 30),
        summary="วันสุดท้ายของปีงบประมาณ 2568",
        values={indicator: 10},
    )
    first_day = log_visit(
        officer,
        mae_jaem,
        visited_on=date(2025, 10, 1),
        summary="วันแรกของปีงบประมาณ 2569",
        values={indicator: 20},
    )
    client = api_client(officer, ApiToken.Scope.READ)

    def ids(name, year):
        response = client.get(
            reverse(f"api:{name}-list"), {"fiscal_year": year, "community": mae_jaem.pk}
        )
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert first_day.pk in ids("visit", 2569) and last_day.pk not in ids("visit", 2569)
    assert ids("visit", 2569) == ids("visit", 2026)
    assert last_day.pk in ids("visit", 2568) and first_day.pk not in ids("visit", 2568)
    values_2569 = client.get(
        reverse("api:indicator-value-list"), {"fiscal_year": 2569, "community": mae_jaem.pk}
    ).json()
    periods = {row["visit"]: row["period_start"] for row in values_2569["results"]}
    assert periods.get(first_day.pk) == "2025-10-01" and last_day.pk not in periods

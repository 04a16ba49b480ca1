"""Per-fiscal-year indicator targets through the API: one row per community, indicator and
Thai fiscal year, filtered by fiscal year (BE or CE), community and province, and never
beyond the reader's communities."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Indicator
from communities.services import set_indicator_targets
from tests.api.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets():
    """Mae Jaem (Lampang, 52) with targets for 2025 and 2026; a Saraburi community with 2026's."""
    staff = User.objects.get(email="staff@civ.example")
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    elsewhere = Community.objects.exclude(province_id="52").first()
    indicator = Indicator.objects.filter(active=True).first()
    (old,) = set_indicator_targets(
        staff, mae_jaem, {indicator: (Decimal(100), Decimal(500))}, fiscal_year=2025
    )
    (new,) = set_indicator_targets(
        staff, mae_jaem, {indicator: (Decimal(100), Decimal(900))}, fiscal_year=2026
    )
    (other,) = set_indicator_targets(
        staff, elsewhere, {indicator: (Decimal(1), Decimal(2))}, fiscal_year=2026
    )
    return {"old": old, "new": new, "other": other, "mae_jaem": mae_jaem, "indicator": indicator}


def ids(client, **params) -> set[int]:
    response = client.get(reverse("api:fiscal-year-target-list"), params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_fiscal_year_has_its_own_target_row(targets):
    client = api_client(User.objects.get(email="staff@civ.example"))
    response = client.get(reverse("api:fiscal-year-target-detail", args=[targets["old"].pk]))
    assert response.json() == {
        "id": targets["old"].pk,
        "community": targets["mae_jaem"].pk,
        "indicator": targets["indicator"].code,
        "fiscal_year": 2025,
        "fiscal_year_be": 2568,
        "target": "500.00",
    }


@pytest.mark.parametrize("year", [2026, 2569])
def test_targets_filter_by_fiscal_year_in_be_or_ce(targets, year):
    client = api_client(User.objects.get(email="staff@civ.example"))
    found = ids(client, fiscal_year=year)
    assert {targets["new"].pk, targets["other"].pk} <= found
    assert targets["old"].pk not in found


def test_targets_filter_by_community_and_province(targets):
    client = api_client(User.objects.get(email="staff@civ.example"))
    assert ids(client, community=targets["mae_jaem"].pk) >= {targets["old"].pk, targets["new"].pk}
    assert targets["other"].pk not in ids(client, community=targets["mae_jaem"].pk)
    in_lampang = ids(client, province="52")
    assert targets["new"].pk in in_lampang and targets["other"].pk not in in_lampang


def test_a_year_outside_the_programme_finds_nothing_and_a_word_is_refused(targets):
    client = api_client(User.objects.get(email="staff@civ.example"))
    assert ids(client, fiscal_year=1066) == set()
    response = client.get(reverse("api:fiscal-year-target-list"), {"fiscal_year": "ปีนี้"})
    assert response.status_code == 400
    assert "fiscal_year" in response.json()


def test_an_officer_sees_only_the_targets_of_their_province(targets):
    client = api_client(User.objects.get(email="officer.lampang@civ.example"))
    found = ids(client)
    assert {targets["old"].pk, targets["new"].pk} <= found
    assert targets["other"].pk not in found
    detail = reverse("api:fiscal-year-target-detail", args=[targets["other"].pk])
    assert client.get(detail).status_code == 404

"""Open data: anyone reads the published listings and the communities' public facts (JSON
and CSV), from any web origin, cacheable, under CC BY 4.0; removals reach syncing clients."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from products.models import Product
from products.services import archive_product
from tests.api.helpers import api_client

pytestmark = pytest.mark.django_db


def all_rows(client, url, **params):
    rows, response = [], client.get(url, {"page_size": 200, **params})
    while True:
        assert response.status_code == 200
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        response = client.get(response.json()["next"])


@pytest.fixture
def draft():
    """A listing a member has not sent for review yet."""
    from decimal import Decimal

    from products.services import create_product

    member = User.objects.get(email="member.maejaem@civ.example")
    return create_product(
        member,
        member.community,
        name_th="ร่างผลิตภัณฑ์",
        category="food",
        price=Decimal("50"),
        unit="ถุง",
    )


def test_anyone_reads_the_published_listings_only(draft):
    rows = all_rows(api_client(), reverse("api:open-product-list"))
    published = set(Product.objects.filter(status="published").values_list("pk", flat=True))
    assert {row["id"] for row in rows} == published
    assert published != set(Product.objects.values_list("pk", flat=True))
    assert "status" not in rows[0] and "stock" not in rows[0]
    url = reverse("api:open-product-detail", args=[draft.pk])
    assert api_client().get(url).status_code == 404


def test_open_data_is_cacheable_licensed_and_open_to_other_origins(settings):
    response = api_client().get(
        reverse("api:open-community-list"), HTTP_ORIGIN="https://market.example"
    )
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert f"max-age={settings.PUBLIC_CACHE_SECONDS}" in response["Cache-Control"]
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_is_for_the_open_data_only():
    officer = User.objects.get(email="officer.lampang@civ.example")
    response = api_client(officer).get(
        reverse("api:community-list"), HTTP_ORIGIN="https://market.example"
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_nobody_writes_through_the_open_data():
    response = api_client().post(reverse("api:open-product-list"), {}, format="json")
    assert response.status_code in (403, 405)


def test_the_csv_lists_every_published_listing_with_thai_intact():
    response = api_client().get(reverse("api:open-products-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "creativecommons.org" in response["Link"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {int(row["id"]) for row in rows} == set(
        Product.objects.filter(status="published").values_list("pk", flat=True)
    )
    assert any("มะนาว" in row["name_th"] for row in rows)


def test_the_communities_csv_has_a_row_per_community():
    from communities.models import Community

    text = api_client().get(reverse("api:open-communities-csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Community.objects.count()
    assert "contact_phone" not in rows[0]


def test_an_archived_listing_leaves_the_feed_as_a_tombstone():
    staff = User.objects.get(email="staff@civ.example")
    product = Product.objects.filter(status="published").first()
    since = timezone.now().isoformat()
    archive_product(staff, product)
    client = api_client()
    listed = all_rows(client, reverse("api:open-product-list"), updated_since=since)
    assert product.pk not in {row["id"] for row in listed}
    removed = all_rows(client, reverse("api:open-product-removed"), since=since)
    assert [(row["id"], row["reason"]) for row in removed] == [(product.pk, "unpublished")]


def test_a_deleted_draft_is_not_in_the_open_feed_but_in_its_communitys(draft):
    staff = User.objects.get(email="staff@civ.example")
    since = timezone.now().isoformat()
    draft_pk, community = draft.pk, draft.community
    draft.delete()
    open_removed = all_rows(api_client(), reverse("api:open-product-removed"), since=since)
    assert open_removed == []
    member = User.objects.get(email="member.maejaem@civ.example")
    for reader in (staff, member):
        removed = all_rows(api_client(reader), reverse("api:product-removed"), since=since)
        assert [row["id"] for row in removed] == [draft_pk]
    outsider = User.objects.get(email="member.paentai@civ.example")
    assert outsider.community_id != community.pk
    removed = all_rows(api_client(outsider), reverse("api:product-removed"), since=since)
    assert removed == []


def test_schema_is_openapi_3_1_with_the_licence():
    response = api_client().get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json() if "json" in response["Content-Type"] else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.1.0"
    assert schema["info"]["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "/api/v1/open/products/" in schema["paths"]


def test_the_docs_page_loads_everything_from_the_portal(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert "<script>" not in html
    assert "https://" not in html.replace("https://creativecommons", "")
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200


def test_a_since_moment_in_any_iso_offset_is_understood():
    """ISO 8601 allows offsets PostgreSQL refuses (+23:00): they are read in UTC."""
    client = api_client()
    url = reverse("api:open-product-list")
    assert client.get(url, {"updated_since": "2168-11-18T15:19:10+23:00"}).json()["results"] == []
    assert client.get(url, {"updated_since": "9999-12-31T23:59:59-12:00"}).json()["results"] == []
    assert client.get(url, {"updated_since": "0001-01-01T00:00:00+05:00"}).json()["results"]
    assert client.get(url, {"updated_since": "yesterday"}).status_code == 400


def test_the_csv_is_kept_rendered_until_something_changes(django_capture_on_commit_callbacks):
    client = api_client()
    url = reverse("api:open-products-csv")
    first = client.get(url)
    staff = User.objects.get(email="staff@civ.example")
    product = Product.objects.filter(status="published").first()
    Product.objects.filter(pk=product.pk).update(name_th="ชื่อใหม่ที่ไม่มีในแคช")
    again = client.get(url)  # no signal from update(): still the kept file
    assert again.content == first.content
    assert again["Content-Disposition"].startswith("attachment;")
    assert "creativecommons.org" in again["Link"]
    with django_capture_on_commit_callbacks(execute=True):
        archive_product(staff, product)  # a service's save starts a new generation
    fresh = csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig")))
    assert str(product.pk) not in {row["id"] for row in fresh}

"""Review: officers of the province approve or return; members are told; edits that matter
send a published listing back to review."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.models import Kind, Notification
from products.models import Product
from products.services import (
    archive_product,
    create_product,
    publish_product,
    return_product,
    submit_product,
    update_product,
)

from .conftest import demo_user, signed_in, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(lime_powder, paentai_member):
    return create_product(
        paentai_member,
        lime_powder.community,
        name_th="มะนาวอบแห้ง",
        category=Product.Category.FOOD,
        price=Decimal("90"),
        unit="ถุง",
    )


def told(kind, product=None):
    rows = Notification.objects.filter(kind=kind)
    if product is not None:
        rows = rows.filter(title__contains=product.name_th)
    return set(rows.values_list("recipient__email", flat=True))


def test_submitting_tells_the_officers_of_the_province_only(draft, paentai_member):
    submit_product(paentai_member, draft)
    assert told(Kind.LISTING_SUBMITTED, draft) == {"officer.lampang@civ.example"}


def test_an_officer_of_the_province_publishes_and_the_members_are_told(
    draft, paentai_member, lampang_officer
):
    submit_product(paentai_member, draft)
    product = publish_product(lampang_officer, draft)
    assert product.status == Product.Status.PUBLISHED and product.published_at
    assert "member.paentai@civ.example" in told(Kind.LISTING_APPROVED, draft)
    assert "member.maejaem@civ.example" not in told(Kind.LISTING_APPROVED, draft)


def test_an_officer_of_another_province_cannot_publish(draft, paentai_member):
    submit_product(paentai_member, draft)
    with pytest.raises(PermissionDenied):
        publish_product(demo_user("officer.saraburi@civ.example"), draft)


def test_a_member_cannot_publish_their_own_listing(draft, paentai_member):
    submit_product(paentai_member, draft)
    with pytest.raises(PermissionDenied):
        publish_product(paentai_member, draft)


def test_returning_needs_a_comment_and_makes_it_a_draft_with_the_comment(
    draft, paentai_member, lampang_officer
):
    submit_product(paentai_member, draft)
    with pytest.raises(ValidationError):
        return_product(lampang_officer, draft, "  ")
    product = return_product(lampang_officer, draft, "ใส่ภาพฉลากที่มีเลข อย. ด้วย")
    assert product.status == Product.Status.DRAFT
    assert product.review_comment == "ใส่ภาพฉลากที่มีเลข อย. ด้วย"
    body = Notification.objects.get(
        kind=Kind.LISTING_RETURNED, recipient=paentai_member, title__contains="มะนาวอบแห้ง"
    ).body
    assert "ใส่ภาพฉลากที่มีเลข อย. ด้วย" in body


def test_a_draft_cannot_be_published_without_review(draft, lampang_officer):
    with pytest.raises(ValidationError):
        publish_product(lampang_officer, draft)


@pytest.mark.parametrize(
    ("change", "back_to_review"),
    [
        ({"price": Decimal("130.00")}, True),
        ({"name_th": "มะนาวผงแท้"}, True),
        ({"story": "เรื่องใหม่"}, True),
        ({"fda_number": "52-1-12345-1-0001"}, True),
        ({"stock": 40}, False),
        ({"availability": Product.Availability.LIMITED}, False),
        ({"minimum_order": 5}, False),
    ],
)
def test_a_published_listing_stays_public_and_only_edits_that_matter_wait_for_review(
    lime_powder, paentai_member, change, back_to_review
):
    before = Notification.objects.filter(kind=Kind.LISTING_SUBMITTED).count()
    product = update_product(paentai_member, lime_powder, **change)
    assert product.status == Product.Status.PUBLISHED
    assert (product.open_revision is not None) == back_to_review
    after = Notification.objects.filter(kind=Kind.LISTING_SUBMITTED).count()
    assert (after > before) == back_to_review


def test_new_photos_of_a_published_listing_wait_for_review(lime_powder, paentai_member):
    product = update_product(
        paentai_member,
        lime_powder,
        photos=[(upload(), upload("t.webp", content_type="image/webp"))],
    )
    assert product.status == Product.Status.PUBLISHED
    assert product.open_revision.status == "pending"


def test_fda_number_in_the_wrong_format_is_refused_with_the_expected_format(client, lime_powder):
    signed_in(client, "member.paentai@civ.example")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("product_edit", args=[lime_powder.pk]),
        {
            "name_th": lime_powder.name_th,
            "category": lime_powder.category,
            "price": "120.00",
            "unit": lime_powder.unit,
            "minimum_order": "1",
            "availability": "in_stock",
            "fda_number": "1234567890123",
            "version": lime_powder.version,
        },
    )
    assert response.status_code == 200
    assert "12-3-45678-9-0123" in response.content.decode()
    lime_powder.refresh_from_db()
    assert lime_powder.fda_number == ""


def test_officer_returns_from_the_product_page(client, draft, paentai_member):
    submit_product(paentai_member, draft)
    signed_in(client, "officer.lampang@civ.example")
    page = client.get(reverse("product_detail", args=[draft.pk])).content.decode()
    assert reverse("product_publish", args=[draft.pk]) in page
    response = client.post(
        reverse("product_return", args=[draft.pk]), {"comment": "ราคาต่อหน่วยไม่ชัด"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Product.Status.DRAFT and draft.review_comment == "ราคาต่อหน่วยไม่ชัด"


def test_archived_listing_leaves_the_public_catalogue(client, lime_powder, paentai_member):
    archive_product(paentai_member, lime_powder)
    assert client.get(reverse("public_product", args=[lime_powder.pk])).status_code == 404

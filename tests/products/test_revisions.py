"""Published revisions: a published listing stays public, unchanged, while an edit that
needs review waits; the officer publishes it (atomically) or returns it; the member can
withdraw it; day-to-day fields apply at once to both versions."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse

from notifications.models import Kind, Notification
from products.models import Product, ProductImage, ProductRevision
from products.selectors import (
    listings_to_review_for,
    pending_revision_for,
    published_version,
    revision_changes,
)
from products.services import (
    archive_product,
    create_product,
    delete_product_photo,
    publish_product,
    restore_product,
    return_product,
    set_product_cover,
    submit_product,
    update_product,
    withdraw_revision,
)
from tests.factories import make_user

from .conftest import demo_user, signed_in, upload

pytestmark = pytest.mark.django_db


def photo_pair(name="p"):
    return (upload(f"{name}.jpg"), upload(f"{name}-t.webp", content_type="image/webp"))


@pytest.fixture
def priced(lime_powder, paentai_member):
    """The published lime powder at 250 baht."""
    lime_powder.price = Decimal("250")
    lime_powder.save(update_fields=["price"])
    return lime_powder


@pytest.fixture
def draft(lime_powder, paentai_member):
    """A new listing of the same community, never published."""
    return create_product(
        paentai_member,
        lime_powder.community,
        name_th="มะนาวดอง",
        category=Product.Category.FOOD,
        price=Decimal("40"),
        unit="ขวด",
    )


def public_price(client, product) -> str:
    response = client.get(reverse("public_product", args=[product.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_price_edit_waits_and_the_public_keeps_the_old_price(client, priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"))

    priced.refresh_from_db()
    assert priced.status == Product.Status.PUBLISHED and priced.price == Decimal("250")
    assert priced.revision.price == Decimal("260")
    assert published_version(priced.pk).price == Decimal("250")
    assert pending_revision_for(paentai_member, priced.pk).price == Decimal("260")
    page = public_price(client, priced)
    assert "250" in page and "260" not in page


def test_the_member_sees_the_pending_notice_and_the_new_price_in_the_form(client, priced):
    member = signed_in(client, "member.paentai@civ.example")
    update_product(member, priced, price=Decimal("260"))

    detail = client.get(reverse("product_detail", args=[priced.pk])).content.decode()
    assert "data-pending-notice" in detail
    assert reverse("product_withdraw", args=[priced.pk]) in detail
    form = client.get(reverse("product_edit", args=[priced.pk])).context["form"]
    assert Decimal(form["price"].value()) == Decimal("260")


def test_publishing_the_revision_replaces_the_public_version(client, priced, paentai_member):
    officer = demo_user("officer.lampang@civ.example")
    update_product(paentai_member, priced, price=Decimal("260"), name_en="Lime powder plus")
    publish_product(officer, priced)

    priced.refresh_from_db()
    assert priced.status == Product.Status.PUBLISHED
    assert (priced.price, priced.name_en) == (Decimal("260"), "Lime powder plus")
    assert not ProductRevision.objects.filter(product=priced).exists()
    assert "260" in public_price(client, priced)
    assert "member.paentai@civ.example" in set(
        Notification.objects.filter(kind=Kind.LISTING_APPROVED).values_list(
            "recipient__email", flat=True
        )
    )


def test_returning_the_revision_keeps_the_public_version(client, priced, paentai_member):
    officer = demo_user("officer.lampang@civ.example")
    update_product(paentai_member, priced, price=Decimal("260"))
    return_product(officer, priced, "ราคาใหม่ต้องแจ้งเหตุผล")

    priced.refresh_from_db()
    assert priced.status == Product.Status.PUBLISHED and priced.price == Decimal("250")
    assert priced.revision.status == ProductRevision.Status.RETURNED
    assert priced.revision.review_comment == "ราคาใหม่ต้องแจ้งเหตุผล"
    assert priced not in listings_to_review_for(officer)
    assert "250" in public_price(client, priced)

    # Fixing the change sends it to review again.
    update_product(paentai_member, priced, price=Decimal("255"))
    priced.refresh_from_db()
    assert priced.revision.status == ProductRevision.Status.PENDING
    assert priced in listings_to_review_for(officer)


def test_withdrawing_drops_the_change_and_its_new_photos(client, priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"), photos=[photo_pair()])
    new_photo = ProductImage.objects.get(product=priced, revision__isnull=False)

    withdraw_revision(paentai_member, priced)

    priced.refresh_from_db()
    assert priced.open_revision is None and priced.price == Decimal("250")
    assert not ProductImage.objects.filter(pk=new_photo.pk).exists()


def test_withdraw_page_asks_first_then_withdraws(client, priced):
    member = signed_in(client, "member.paentai@civ.example")
    update_product(member, priced, price=Decimal("260"))
    url = reverse("product_withdraw", args=[priced.pk])

    asked = client.post(url)
    assert asked.status_code == 200 and ProductRevision.objects.filter(product=priced).exists()
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    assert not ProductRevision.objects.filter(product=priced).exists()


@pytest.mark.parametrize(
    ("change", "value"),
    [("stock", 7), ("availability", Product.Availability.LIMITED)],
)
def test_upkeep_edits_apply_at_once_to_the_public_version_and_the_revision(
    priced, paentai_member, change, value
):
    update_product(paentai_member, priced, price=Decimal("260"))
    update_product(paentai_member, priced, **{change: value})

    priced.refresh_from_db()
    assert getattr(priced, change) == value  # public at once
    assert priced.revision.price == Decimal("260")  # the change still waits
    assert getattr(priced.as_revised(), change) == value
    officer = demo_user("officer.lampang@civ.example")
    publish_product(officer, priced)
    priced.refresh_from_db()
    assert getattr(priced, change) == value and priced.price == Decimal("260")


def test_photo_changes_wait_and_publish_as_one(client, priced, paentai_member):
    update_product(paentai_member, priced, photos=[photo_pair("a"), photo_pair("b")])
    publish_product(demo_user("officer.lampang@civ.example"), priced)
    first, second = ProductImage.objects.filter(product=priced).order_by("position")
    assert first.is_cover

    update_product(paentai_member, priced, photos=[photo_pair("c")])
    third = ProductImage.objects.get(product=priced, revision__isnull=False)
    set_product_cover(paentai_member, third)
    delete_product_photo(paentai_member, first)

    # Nothing public moved: the photo is still there and still the cover; "c" is hidden.
    first.refresh_from_db()
    assert first.is_cover and first.revision is None
    assert client.get(reverse("product_photo", args=[third.pk, "thumb"])).status_code == 404
    changes, added, removed = revision_changes(Product.objects.get(pk=priced.pk))
    assert [p.pk for p in added] == [third.pk] and [p.pk for p in removed] == [first.pk]

    publish_product(demo_user("officer.lampang@civ.example"), priced)

    photos = list(ProductImage.objects.filter(product=priced).order_by("position"))
    assert [p.pk for p in photos] == [second.pk, third.pk]
    assert [p.is_cover for p in photos] == [False, True]
    assert all(p.revision_id is None for p in photos)


def test_the_officer_review_page_shows_what_changed(client, priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"), photos=[photo_pair()])
    signed_in(client, "officer.lampang@civ.example")
    client.cookies["django_language"] = "en"

    page = client.get(reverse("product_detail", args=[priced.pk])).content.decode()

    assert "Changes to the published version" in page
    assert "<del>250.00</del> → <ins>260.00</ins>" in page
    assert "Photos added" in page
    assert reverse("product_publish", args=[priced.pk]) in page


def test_the_review_page_speaks_thai(client, priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"))
    signed_in(client, "officer.lampang@civ.example")

    page = client.get(reverse("product_detail", args=[priced.pk])).content.decode()

    assert "ราคา" in page and "<del>250.00</del> → <ins>260.00</ins>" in page
    assert "Changes to the published version" not in page


@pytest.mark.django_db(transaction=True)
def test_publishing_is_atomic_under_the_row_lock(seeded):
    """While the officer's publish holds the listing, a member's edit waits for it and
    then lands on the new version: nobody sees half a publish."""
    officer = demo_user("officer.lampang@civ.example")
    paentai_member = demo_user("member.paentai@civ.example")
    priced = Product.objects.get(name_th="มะนาวผง")
    priced.price = Decimal("250")
    priced.save(update_fields=["price"])
    update_product(paentai_member, priced, price=Decimal("260"), name_en="New name")
    published = threading.Event()
    release = threading.Event()
    results = {}

    def publish():
        try:
            with transaction.atomic():
                publish_product(officer, priced)
                published.set()
                release.wait(5)
        finally:
            connection.close()

    def edit():
        try:
            published.wait(5)
            results["stock"] = update_product(paentai_member, priced, stock=3)
        finally:
            connection.close()

    publisher, editor = threading.Thread(target=publish), threading.Thread(target=edit)
    publisher.start()
    editor.start()
    published.wait(5)
    # The editor is blocked on the lock: the row in the database is still the old one.
    editor.join(0.5)
    assert editor.is_alive()
    assert Product.objects.get(pk=priced.pk).price == Decimal("250")
    release.set()
    publisher.join(5)
    editor.join(5)

    product = Product.objects.get(pk=priced.pk)
    assert (product.price, product.name_en, product.stock) == (Decimal("260"), "New name", 3)
    assert product.open_revision is None


def test_a_failed_publish_leaves_both_versions_as_they_were(priced, paentai_member, monkeypatch):
    officer = demo_user("officer.lampang@civ.example")
    update_product(paentai_member, priced, price=Decimal("260"), photos=[photo_pair()])

    def broken(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr("products.services.notify", broken)
    with pytest.raises(RuntimeError):
        publish_product(officer, priced)

    priced.refresh_from_db()
    assert priced.price == Decimal("250") and priced.revision.price == Decimal("260")
    assert ProductImage.objects.filter(product=priced, revision__isnull=False).count() == 1


def test_another_communitys_member_gets_404_for_the_revision_pages(client, priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"))
    signed_in(client, "member.maejaem@civ.example")
    for name in ("product_detail", "product_withdraw", "product_restore"):
        assert client.get(reverse(name, args=[priced.pk])).status_code == 404
    assert (
        client.post(reverse("product_withdraw", args=[priced.pk]), {"confirm": "yes"}).status_code
        == 404
    )
    assert ProductRevision.objects.filter(product=priced).exists()


def test_the_member_may_not_publish_their_own_change_and_another_province_sees_nothing(
    client, priced, paentai_member
):
    update_product(paentai_member, priced, price=Decimal("260"))
    url = reverse("product_publish", args=[priced.pk])
    signed_in(client, "member.paentai@civ.example")
    assert client.post(url).status_code == 403
    signed_in(client, "officer.saraburi@civ.example")
    assert client.post(url).status_code == 404
    priced.refresh_from_db()
    assert priced.price == Decimal("250") and priced.revision.price == Decimal("260")


# --- Notifications settle ---------------------------------------------------------------
def unread_awaiting(product):
    return Notification.objects.filter(
        kind=Kind.LISTING_SUBMITTED,
        event_key__startswith=f"product:{product.pk}:submitted:",
        read_at__isnull=True,
    )


@pytest.mark.parametrize("settle", ["publish", "return", "withdraw", "archive"])
def test_awaiting_review_notifications_are_settled_for_every_officer(
    priced, paentai_member, settle
):
    officer = demo_user("officer.lampang@civ.example")
    second = make_user("officer")
    second.provinces.add(priced.community.province)
    update_product(paentai_member, priced, price=Decimal("260"))
    assert set(unread_awaiting(priced).values_list("recipient", flat=True)) == {
        officer.pk,
        second.pk,
    }

    if settle == "publish":
        publish_product(officer, priced)
    elif settle == "return":
        return_product(second, priced, "ขอภาพใหม่")
    elif settle == "withdraw":
        withdraw_revision(paentai_member, priced)
    else:
        archive_product(paentai_member, priced)

    assert not unread_awaiting(priced).exists()
    # The link still leads to the listing, which shows its current state.
    notification = Notification.objects.filter(
        kind=Kind.LISTING_SUBMITTED, recipient=officer
    ).latest("created_at")
    assert notification.url == reverse("product_detail", args=[priced.pk])


def test_a_new_listing_review_settles_too(draft, paentai_member):
    submit_product(paentai_member, draft)
    assert unread_awaiting(draft).exists()
    publish_product(demo_user("officer.lampang@civ.example"), draft)
    assert not unread_awaiting(draft).exists()


# --- Restore ----------------------------------------------------------------------------
def test_a_published_listing_restores_to_published(client, priced, paentai_member):
    archive_product(paentai_member, priced)
    assert client.get(reverse("public_product", args=[priced.pk])).status_code == 404

    restore_product(paentai_member, priced)

    priced.refresh_from_db()
    assert priced.status == Product.Status.PUBLISHED
    assert client.get(reverse("public_product", args=[priced.pk])).status_code == 200


def test_a_draft_restores_to_draft(draft, paentai_member):
    submit_product(paentai_member, draft)
    archive_product(paentai_member, draft)
    restore_product(demo_user("officer.lampang@civ.example"), draft)
    draft.refresh_from_db()
    assert draft.status == Product.Status.DRAFT


def test_restoring_with_a_waiting_change_tells_the_officers_again(priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"))
    archive_product(paentai_member, priced)
    assert not unread_awaiting(priced).exists()
    restore_product(paentai_member, priced)
    assert unread_awaiting(priced).exists()
    assert priced in listings_to_review_for(demo_user("officer.lampang@civ.example"))


def test_restore_page_asks_first_and_offers_the_button(client, priced):
    member = signed_in(client, "member.paentai@civ.example")
    archive_product(member, priced)
    detail = client.get(reverse("product_detail", args=[priced.pk])).content.decode()
    url = reverse("product_restore", args=[priced.pk])
    assert url in detail

    asked = client.post(url)
    assert asked.status_code == 200
    priced.refresh_from_db()
    assert priced.status == Product.Status.ARCHIVED
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    priced.refresh_from_db()
    assert priced.status == Product.Status.PUBLISHED


def test_officers_are_told_it_is_a_change_of_a_published_listing(priced, paentai_member):
    update_product(paentai_member, priced, price=Decimal("260"))
    notification = unread_awaiting(priced).get(recipient__email="officer.lampang@civ.example")
    assert notification.title.startswith("การแก้ไข “มะนาวผง”")
    assert "ผู้ชมทั่วไปจะเห็นฉบับที่เผยแพร่อยู่" in notification.body
    assert notification.title_en.startswith("A change to “")


def test_catalogue_search_community_page_and_sitemap_keep_the_published_version(
    client, priced, paentai_member
):
    update_product(paentai_member, priced, name_th="มะนาวผงสูตรใหม่เอี่ยม", price=Decimal("260"))

    found_old = client.get(reverse("public_catalogue"), {"q": "มะนาวผง"}).content.decode()
    found_new = client.get(reverse("public_catalogue"), {"q": "สูตรใหม่เอี่ยม"}).content.decode()
    community = client.get(reverse("public_community", args=[priced.community_id]))
    sitemap = client.get(reverse("sitemap")).content.decode()

    assert reverse("public_product", args=[priced.pk]) in found_old
    assert reverse("public_product", args=[priced.pk]) not in found_new
    assert "มะนาวผงสูตรใหม่เอี่ยม" not in community.content.decode()
    assert "มะนาวผง" in community.content.decode()
    assert reverse("public_product", args=[priced.pk]) in sitemap

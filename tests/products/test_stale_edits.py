"""Two people edit one listing from forms opened at the same time: nothing is silently lost."""

import pytest
from django.test import Client
from django.urls import reverse

from products.models import Product
from products.services import archive_product, publish_product, update_product
from tests.formdata import form_data

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def edit_form(client, product):
    return client.get(reverse("product_edit", args=[product.pk])).context["form"]


def test_a_stale_officer_form_does_not_revert_the_members_new_stock(
    client, lime_powder, paentai_member
):
    update_product(paentai_member, lime_powder, stock=77)
    officer = Client()
    signed_in(officer, "officer.lampang@civ.example")
    signed_in(client, "member.paentai@civ.example")
    officers_form = edit_form(officer, lime_powder)  # read while the stock is 77
    url = reverse("product_edit", args=[lime_powder.pk])

    members_save = client.post(url, form_data(edit_form(client, lime_powder), stock=1036))
    stale = officer.post(url, form_data(officers_form, story="เรื่องราวที่เจ้าหน้าที่แก้"))

    assert members_save.status_code == 302
    assert stale.status_code == 200
    html = stale.content.decode()
    assert "สมาชิก บ้านแป้นใต้" in html or str(paentai_member) in html
    assert "จำนวนคงเหลือ: 77 → 1036" in html
    assert "เรื่องราวที่เจ้าหน้าที่แก้" in html  # the officer's input is kept
    lime_powder.refresh_from_db()
    assert lime_powder.stock == 1036 and lime_powder.story != "เรื่องราวที่เจ้าหน้าที่แก้"
    # The kept form now carries the current version: saving it again is deliberate.
    kept = stale.context["form"]
    assert int(kept["version"].value()) == lime_powder.version

    again = officer.post(url, form_data(kept, stock=1036))

    assert again.status_code == 302
    lime_powder.refresh_from_db()
    # The story is a reviewed field: it waits in the listing's revision, stock is immediate.
    assert lime_powder.stock == 1036
    assert lime_powder.revision.story == "เรื่องราวที่เจ้าหน้าที่แก้"


def test_a_fresh_form_saves_normally_and_the_version_goes_up(client, lime_powder):
    signed_in(client, "member.paentai@civ.example")
    version = lime_powder.version

    response = client.post(
        reverse("product_edit", args=[lime_powder.pk]),
        form_data(edit_form(client, lime_powder), stock=12),
    )

    assert response.status_code == 302
    lime_powder.refresh_from_db()
    assert (lime_powder.stock, lime_powder.version) == (12, version + 1)
    assert lime_powder.history.latest().version == version + 1


def test_the_stale_message_speaks_english_to_an_english_reader(client, lime_powder, paentai_member):
    signed_in(client, "officer.lampang@civ.example")
    client.cookies["django_language"] = "en"
    form = edit_form(client, lime_powder)
    update_product(paentai_member, lime_powder, stock=40, made_to_order=True, lead_time_days=7)

    response = client.post(reverse("product_edit", args=[lime_powder.pk]), form_data(form))

    html = response.content.decode()
    assert f"{paentai_member} saved this record on" in html
    assert "In stock: — → 40" in html and "Made to order: no → yes" in html
    assert "Lead time (days): — → 7" in html


def test_a_status_move_in_between_makes_an_open_form_stale(
    client, lime_powder, paentai_member, lampang_officer
):
    signed_in(client, "member.paentai@civ.example")
    form = edit_form(client, lime_powder)
    archive_product(lampang_officer, lime_powder)

    response = client.post(reverse("product_edit", args=[lime_powder.pk]), form_data(form))

    assert response.status_code == 200
    assert "สถานะ: เผยแพร่แล้ว →" in response.content.decode()
    lime_powder.refresh_from_db()
    assert lime_powder.status != Product.Status.PUBLISHED


def test_every_service_that_saves_the_listing_counts_a_version(
    lime_powder, paentai_member, lampang_officer
):
    start = lime_powder.version
    update_product(paentai_member, lime_powder, price=lime_powder.price + 10)
    publish_product(lampang_officer, lime_powder)
    archive_product(paentai_member, lime_powder)

    lime_powder.refresh_from_db()
    assert lime_powder.version == start + 3
    assert [r.version for r in lime_powder.history.order_by("-history_id")[:3]] == [
        start + 3,
        start + 2,
        start + 1,
    ]

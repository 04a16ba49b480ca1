"""A member of another community cannot touch this community's listings (404/403)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from products.services import create_product, move_product_photo, update_product

from .conftest import demo_user, signed_in, upload

pytestmark = pytest.mark.django_db


def test_posting_an_edit_to_another_communitys_product_is_404_and_changes_nothing(
    client, lime_powder
):
    signed_in(client, "member.maejaem@civ.example")
    response = client.post(
        reverse("product_edit", args=[lime_powder.pk]),
        {"name_th": "ถูกแก้", "category": "food", "price": "1", "unit": "ถุง"},
    )
    assert response.status_code == 404
    lime_powder.refresh_from_db()
    assert lime_powder.name_th == "มะนาวผง"


@pytest.mark.parametrize("action", ["product_submit", "product_archive", "product_publish"])
def test_status_changes_on_another_communitys_product_are_404(client, lime_powder, action):
    signed_in(client, "member.maejaem@civ.example")
    assert client.post(reverse(action, args=[lime_powder.pk])).status_code == 404
    lime_powder.refresh_from_db()
    assert lime_powder.status == "published"


def test_a_member_may_not_publish_even_in_their_own_community(client, lime_powder):
    signed_in(client, "member.paentai@civ.example")
    assert client.post(reverse("product_publish", args=[lime_powder.pk])).status_code == 403


def test_photo_actions_on_another_communitys_photo_are_404(client, lime_powder, paentai_member):
    update_product(
        paentai_member,
        lime_powder,
        photos=[(upload(), upload("t.webp", content_type="image/webp")) for _ in range(2)],
    )
    photo = lime_powder.images.last()
    signed_in(client, "member.maejaem@civ.example")
    for action in ("up", "cover", "delete"):
        url = reverse("product_photo_action", args=[photo.pk, action])
        assert client.post(url).status_code == 404
    assert lime_powder.images.count() == 2
    with pytest.raises(PermissionDenied):
        move_product_photo(demo_user("member.maejaem@civ.example"), photo, -1)


def test_services_refuse_another_communitys_member(lime_powder):
    outsider = demo_user("member.maejaem@civ.example")
    with pytest.raises(PermissionDenied):
        update_product(outsider, lime_powder, price=1)
    with pytest.raises(PermissionDenied):
        create_product(
            outsider, lime_powder.community, name_th="x", category="food", price=1, unit="u"
        )


def test_only_community_members_see_the_add_product_page(client):
    signed_in(client, "officer.lampang@civ.example")
    assert client.get(reverse("product_create")).status_code == 404

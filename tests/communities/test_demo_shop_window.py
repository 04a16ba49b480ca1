"""The demo programme's shop windows: every product has a photo, communities publish
some contact channels (and keep one unpublished), and a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from communities.models import Community
from products.models import Product, ProductImage

pytestmark = pytest.mark.django_db

LAMPANG = ("521304", "520606", "520602")


def test_every_demo_product_has_a_cover_photo_that_is_a_real_image(client, settings, seed_media):
    settings.MEDIA_ROOT = seed_media
    products = Product.objects.filter(status=Product.Status.PUBLISHED)
    assert products.count() == 6
    for product in products:
        cover = product.images.get(is_cover=True)
        with Image.open(cover.image) as large, Image.open(cover.thumb) as thumb:
            assert large.format == "JPEG" and thumb.format == "WEBP"
            assert (cover.width, cover.height) == large.size
        response = client.get(reverse("product_photo", args=[cover.pk, "thumb"]))
        assert response.status_code == 200


def test_demo_communities_have_a_photo_and_publish_some_channels(client):
    for code in LAMPANG:
        community = Community.objects.get(subdistrict_id=code)
        assert community.photos.exists()
        channels = community.public_channels()
        assert [c.kind for c in channels][:1] == ["phone"]
        page = client.get(reverse("public_community", args=[community.pk])).content.decode()
        assert channels[0].href in page
        assert page.count('class="btn btn-secondary contact-btn') == len(channels)
    # An unpublished channel stays off the public page.
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    assert mae_jaem.line_id and not mae_jaem.publish_line_id
    page = client.get(reverse("public_community", args=[mae_jaem.pk])).content.decode()
    assert mae_jaem.line_id not in page


def test_a_second_demo_run_adds_no_photo_and_keeps_edited_channels():
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    Community.objects.filter(pk=mae_jaem.pk).update(publish_buyer_phone=False)
    photos = ProductImage.objects.count(), mae_jaem.photos.count()
    call_command("seed_demo", stdout=StringIO())
    mae_jaem.refresh_from_db()
    assert (ProductImage.objects.count(), mae_jaem.photos.count()) == photos
    assert mae_jaem.publish_buyer_phone is False

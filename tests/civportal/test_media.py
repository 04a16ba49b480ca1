"""Which uploaded files are public: catalogue photos yes; visit photos and MOUs only in scope."""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from communities.models import Community, ProgressVisit, VisitPhoto
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@override_settings(DEBUG=False)
def test_a_catalogue_photo_is_public_and_cacheable(client, media):
    (media / "products" / "2026").mkdir(parents=True)
    (media / "products" / "2026" / "lime.jpg").write_bytes(b"\xff\xd8\xff photo")
    response = client.get("/media/products/2026/lime.jpg")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]


@override_settings(DEBUG=False)
def test_other_uploads_have_no_public_address(client, media):
    (media / "mous" / "2026").mkdir(parents=True)
    (media / "mous" / "2026" / "signed.pdf").write_bytes(b"%PDF-1.7")
    assert client.get("/media/mous/2026/signed.pdf").status_code == 404


def test_a_visit_photo_is_served_only_within_scope(client, media):
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    officer = make_user("officer", provinces=["52"], email="photo.officer@test.civ.example")
    visit = ProgressVisit.objects.create(
        community=mae_jaem, officer=officer, visited_on="2026-11-01", summary="ลงพื้นที่"
    )
    photo = VisitPhoto.objects.create(visit=visit)
    photo.image.save("visit.jpg", ContentFile(b"\xff\xd8\xff visit"))
    url = reverse("visit_photo", args=[photo.pk])

    client.login(email=officer.email, password=PASSWORD)
    assert client.get(url).status_code == 200

    outsider = make_user("officer", provinces=["19"], email="photo.saraburi@test.civ.example")
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(url).status_code == 404

"""Nothing under MEDIA_ROOT has an address by path, DEBUG on (``./civ start``) or off:
uploaded files are reached only through views that check scope (tests/civportal/test_files.py
tests the one door they all use)."""

import importlib
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse

from communities.models import Community, ProgressVisit, VisitPhoto
from tests.factories import PASSWORD, make_user
from tests.samples import image_bytes
from tests.traversal import MARKER, PRIVATE_FILES, place_private_files, traversal_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    return settings.MEDIA_ROOT


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def urls_as_built(request, settings):
    """The URLconf as it is built with DEBUG off (production) and on (``./civ start``)."""
    import civportal.urls

    settings.DEBUG = request.param
    importlib.reload(civportal.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = False
    importlib.reload(civportal.urls)
    clear_url_caches()


def test_a_signed_mou_has_no_address_under_media_with_debug_on(client, media, urls_as_built):
    place_private_files(media)
    assert client.get("/media/mous/2026/mou-2.pdf").status_code == 404


def test_no_private_file_is_reached_by_any_path_in_a_url(client, media, urls_as_built):
    place_private_files(media)
    for path in traversal_paths(media):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code in (400, 404), path
        assert MARKER not in body, path


def test_a_visit_photo_is_served_only_within_scope_and_never_cached(client, media):
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    officer = make_user("officer", provinces=["52"], email="photo.officer@test.civ.example")
    visit = ProgressVisit.objects.create(
        community=mae_jaem, officer=officer, visited_on="2026-11-01", summary="ลงพื้นที่"
    )
    photo = VisitPhoto.objects.create(visit=visit)
    photo.image.save("visit.jpg", ContentFile(image_bytes("JPEG")))
    url = reverse("visit_photo", args=[photo.pk])

    client.login(email=officer.email, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/jpeg"

    outsider = make_user("officer", provinces=["19"], email="photo.saraburi@test.civ.example")
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(url).status_code == 404


def test_private_files_sit_under_names_no_one_can_guess(media):
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    officer = make_user("officer", provinces=["52"])
    visit = ProgressVisit.objects.create(
        community=mae_jaem, officer=officer, visited_on="2026-11-01", summary="ลงพื้นที่"
    )
    photo = VisitPhoto.objects.create(
        visit=visit, image=ContentFile(image_bytes("JPEG"), name="visit.jpg")
    )
    assert re.fullmatch(r"visits/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.image.name)


def test_private_samples_are_really_on_disk(media):
    """Guard for the traversal tests: the files they must not reach do exist."""
    place_private_files(media)
    for name, content in PRIVATE_FILES.items():
        assert (media / name).read_bytes() == content

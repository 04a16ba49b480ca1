"""Uploaded files leave only through the one door (civportal.files.serve_file).

Nothing under MEDIA_ROOT has an address by path, DEBUG on (``./civ start``) or off; the door
decides inline or download from the bytes, and every file response carries its own
Content-Security-Policy and ``nosniff``.
"""

import importlib
import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse
from PIL import Image

from civportal.files import FILE_CSP, PDF_CSP, serve_file
from communities.models import Community, ProgressVisit, VisitPhoto
from mentorship.models import SessionMaterial
from tests.factories import PASSWORD, make_user
from tests.samples import ACTIVE_PDFS, plain_pdf
from tests.traversal import MARKER, PRIVATE_FILES, place_private_files, traversal_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
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


def _image(fmt: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(buffer, fmt)
    return buffer.getvalue()


def stored(media, name: str, content: bytes):
    """A file field pointing to ``content`` stored under ``name`` (as rows point to files)."""
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return SessionMaterial(file=name).file


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.jpg", _image("JPEG"), "image/jpeg"),
        ("a.png", _image("PNG"), "image/png"),
        ("a.webp", _image("WEBP"), "image/webp"),
        ("a.pdf", plain_pdf(), "application/pdf"),
    ],
)
def test_real_raster_images_and_passive_pdfs_are_shown_inline(media, name, content, content_type):
    response = serve_file(RequestFactory().get("/"), stored(media, name, content))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        PDF_CSP if content_type == "application/pdf" else FILE_CSP
    )
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", SVG),
        ("photo.jpg", SVG),  # the name proves nothing
        ("page.png", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("animation.gif", _image("GIF")),
        ("notes.pdf", b"%PDF-1.7 but not really a PDF"),
        *((f"{kind}.pdf", content) for kind, content in ACTIVE_PDFS.items()),
    ],
)
def test_everything_else_is_a_download_of_plain_bytes(media, name, content):
    response = serve_file(RequestFactory().get("/"), stored(media, name, content))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_public_files_may_be_cached_for_a_week_and_answer_not_modified(media):
    file = stored(media, "communities/2026/11/a.jpg", _image("JPEG"))
    response = serve_file(RequestFactory().get("/"), file, public=True)
    assert response["Cache-Control"] == "public, max-age=604800"
    again = RequestFactory().get("/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    not_modified = serve_file(again, file, public=True)
    assert not_modified.status_code == 304
    assert not_modified["Cache-Control"] == "public, max-age=604800"


def test_behind_nginx_the_door_hands_over_with_x_accel_redirect(media, settings):
    settings.CIV_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    file = stored(media, "mous/2026/11/ab12.pdf", ACTIVE_PDFS["javascript-open-action"])
    response = serve_file(RequestFactory().get("/"), file, download_name="mou-7.pdf")
    assert response["X-Accel-Redirect"] == "/protected-media/mous/2026/11/ab12.pdf"
    assert response.content == b""
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="mou-7.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_row_pointing_to_a_missing_file_answers_404(media):
    with pytest.raises(Http404):
        serve_file(RequestFactory().get("/"), SessionMaterial(file="materials/gone.pdf").file)


def test_a_visit_photo_is_served_only_within_scope_and_never_cached(client, media):
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    officer = make_user("officer", provinces=["52"], email="photo.officer@test.civ.example")
    visit = ProgressVisit.objects.create(
        community=mae_jaem, officer=officer, visited_on="2026-11-01", summary="ลงพื้นที่"
    )
    photo = VisitPhoto.objects.create(visit=visit)
    photo.image.save("visit.jpg", ContentFile(_image("JPEG")))
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
        visit=visit, image=ContentFile(_image("JPEG"), name="visit.jpg")
    )
    assert re.fullmatch(r"visits/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.image.name)


def test_private_samples_are_really_on_disk(media):
    """Guard for the traversal tests: the files they must not reach do exist."""
    place_private_files(media)
    for name, content in PRIVATE_FILES.items():
        assert (media / name).read_bytes() == content

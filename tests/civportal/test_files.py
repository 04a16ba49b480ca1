"""The one door for uploaded bytes (civportal.files.serve_file): inline only for real raster
images and passive PDFs, everything else a download; its own CSP, nosniff and caching."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from civportal.files import FILE_CSP, PDF_CSP, serve_file
from mentorship.models import SessionMaterial
from tests.samples import ACTIVE_PDFS, image_bytes, plain_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    return settings.MEDIA_ROOT


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
        ("a.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("a.png", image_bytes("PNG"), "image/png"),
        ("a.webp", image_bytes("WEBP"), "image/webp"),
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
        ("animation.gif", image_bytes("GIF")),
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
    file = stored(media, "communities/2026/11/a.jpg", image_bytes("JPEG"))
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

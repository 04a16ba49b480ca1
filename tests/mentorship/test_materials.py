"""Session materials: markup refused, images cleaned, PDFs without scripts, served by the door."""

from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from mentorship import services
from mentorship.models import SessionMaterial
from tests.products.conftest import photo_bytes
from tests.samples import ACTIVE_PDFS, pdf_upload
from tests.storage import block_upload_folder, files_under

from .conftest import bangkok, book, person

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"/>'


def add(file, title="เอกสารประกอบการอบรม"):
    session = book(starts_at=bangkok(7, 9))
    return services.add_material(person("mentor@civ.example"), session, title=title, file=file)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # the name proves nothing: the bytes are markup
        ("logo.svgz", b"\x1f\x8b\x08\x00 compressed svg"),
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("page.txt", b"\n  <html><body onload=alert(1)>"),
        ("utf16.bin", "<svg onload='alert(1)'/>".encode("utf-16")),  # with a byte order mark
        ("data.xml", b"<?xml version='1.0'?><x/>"),
    ],
)
def test_markup_that_a_browser_would_run_is_refused(english, client, name, content):
    session = book(starts_at=bangkok(7, 9))
    client.force_login(person("mentor@civ.example"))
    response = client.post(
        reverse("session_material", args=[session.pk]),
        {"title": "โลโก้", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert "Web pages, SVG images and other markup cannot be uploaded" in (
        " ".join(response.context["form"].errors["file"])
    )
    assert response.context["form"]["title"].value() == "โลโก้"
    assert not SessionMaterial.objects.filter(session=session).exists()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photographed_handout_is_stored_without_its_gps_and_keeps_its_format(fmt):
    original = photo_bytes(gps=True, fmt=fmt)
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    material = add(SimpleUploadedFile(f"board.{fmt.lower()}", original))
    with Image.open(material.file.path) as image:
        assert image.format == fmt
        exif = image.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif


@pytest.mark.parametrize("content", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_material_with_scripts_or_actions_is_refused(english, content):
    with pytest.raises(ValidationError) as caught:
        add(pdf_upload(content, name="slides.pdf"))
    assert "contains active content" in " ".join(caught.value.message_dict["file"])


def test_an_office_document_is_kept_and_downloaded_as_plain_bytes_named_by_its_title(client):
    document = b"PK\x03\x04 a word-processor file"
    material = add(SimpleUploadedFile("x.docx", document), title="แผนการตลาด")
    client.force_login(person("member.maejaem@civ.example"))
    response = client.get(reverse("session_material_file", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%81%E0%B8%B2%E0%B8%A3"
        "%E0%B8%95%E0%B8%A5%E0%B8%B2%E0%B8%94.docx"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == document


def test_an_svg_stored_before_these_checks_is_only_ever_downloaded(client):
    material = add(SimpleUploadedFile("notes.txt", b"plain notes"))
    material.file.storage.delete(material.file.name)
    material.file.storage.save(material.file.name, BytesIO(SVG))
    client.force_login(person("mentor@civ.example"))
    response = client.get(reverse("session_material_file", args=[material.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_unwritable_materials_folder_is_a_form_error(client, english):
    blocker = block_upload_folder(settings.MEDIA_ROOT, "materials")
    session = book(starts_at=bangkok(7, 9))
    client.force_login(person("mentor@civ.example"))
    response = client.post(
        reverse("session_material", args=[session.pk]),
        {"title": "สไลด์", "file": pdf_upload(name="slides.pdf")},
    )
    assert response.status_code == 200
    assert "The file could not be saved" in response.content.decode()
    assert response.context["form"]["title"].value() == "สไลด์"
    assert not SessionMaterial.objects.filter(session=session).exists()
    assert files_under(settings.MEDIA_ROOT, besides=[blocker]) == []

"""Production really starts: collectstatic with production settings, gunicorn with
``CIV_ENV=production``, requests as the HTTPS proxy sends them, and no URL path of any
spelling reaches a private file."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.traversal import MARKER, place_private_files, traversal_paths

pytestmark = pytest.mark.production

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def manifest(static_root) -> dict:
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def test_every_static_file_a_template_names_is_in_the_production_build(production_static):
    built = manifest(production_static)
    named = {
        (path.relative_to(settings.BASE_DIR).as_posix(), name)
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for name in STATIC_TAG.findall(path.read_text())
    }
    assert named, "the templates name static files"
    assert [pair for pair in sorted(named) if pair[1] not in built] == []


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if url and url.startswith("/static/"):
            self.urls.append(url)


def test_production_serves_health_sign_in_static_files_and_public_pages(
    production_server, production_static
):
    health = production_server.get("/healthz")
    assert health.status == 200 and json.loads(health.body)["status"] == "ok"

    assert production_server.get("/accounts/login/").status == 200
    # Without the proxy's header the request is plain HTTP: sent to HTTPS first.
    plain = production_server.get("/accounts/login/", {"X-Forwarded-Proto": "http"})
    assert plain.status == 301 and plain.getheader("Location").startswith("https://")

    hashed = manifest(production_static)["css/site.css"]
    assert hashed != "css/site.css"
    asset = production_server.get(f"/static/{hashed}")
    assert asset.status == 200
    cache = asset.getheader("Cache-Control")
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache)[1]) >= 365 * 86400

    # The 500/503 pages link their stylesheet by its fixed, unhashed address.
    assert production_server.get("/static/css/errors.css").status == 200

    for path in ("/", "/catalogue/", "/c/"):
        page = production_server.get(path)
        assert page.status == 200, (path, production_server.log_text()[-3000:])
        assert "script-src 'self'" in page.getheader("Content-Security-Policy")
        parser = _Assets()
        parser.feed(page.body.decode())
        assert parser.urls, path
        for url in parser.urls:  # every script and stylesheet the page names is served
            assert production_server.get(url).status == 200, url


def _stored_private_files(media_root):
    """A real signed MOU, visit photo, material and report, stored through the services."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from communities.models import Community
    from communities.services import log_visit
    from mentorship.services import add_material, attach_signed_pdf
    from reports import services as reports
    from tests.communities.helpers import png
    from tests.mentorship.conftest import book, person, scg_mou
    from tests.samples import pdf_upload

    officer = person("officer.lampang@civ.example")
    mou = attach_signed_pdf(officer, scg_mou(), pdf_upload())
    visit = log_visit(
        officer,
        Community.objects.get(subdistrict__code="521304"),
        visited_on=timezone.localdate(),
        summary="ลงพื้นที่",
        photos=[png("visit.png")],
    )
    material = add_material(
        person("mentor@civ.example"),
        book(),
        title="สไลด์",
        file=SimpleUploadedFile("notes.docx", b"PK\x03\x04 PRIVATE-MATERIAL-DOCX"),
    )
    job = reports.request_report(
        officer, kind="province_pdf", province=mou.government_office.province
    )
    started = reports.start_job(job.pk)
    job = reports.finish_job(
        job.pk, started.attempts, "province-52.pdf", b"%PDF-1.7\n% PRIVATE-REPORT-FILE\n"
    )
    names = [mou.signed_pdf.name, visit.photos.get().image.name, material.file.name, job.file.name]
    return {name: (media_root / name).read_bytes() for name in names}


def test_no_url_path_reaches_a_private_file_over_http(production_server):
    media = settings.MEDIA_ROOT
    place_private_files(media)
    stored = _stored_private_files(media)
    paths = traversal_paths(media) + traversal_paths(media, names=stored)
    for path in paths:
        response = production_server.get(path)
        assert response.status in (400, 404), (path, response.status)
        assert MARKER not in response.body, path
        assert all(content not in response.body for content in stored.values()), path
    # The scoped views exist, and answer an anonymous visitor with the sign-in page.
    assert production_server.get("/mous/1/signed-pdf/").status == 302

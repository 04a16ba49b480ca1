"""Django's Content-Security-Policy on every page: no inline script, tiles allowed."""

import re

import pytest
from django.conf import settings

from civportal.settings import tile_sources

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/catalogue/", "/c/", "/accounts/login/", "/admin/login/"])
def test_every_page_carries_a_policy_without_inline_script(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_map_tile_server_may_serve_images():
    policy = dict(settings.SECURE_CSP)
    assert "https://tile.openstreetmap.org" in policy["img-src"]


@pytest.mark.parametrize(
    ("template", "sources"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", ["https://*.tile.example.org"]),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", ["http://127.0.0.1:8080"]),
        ("https://maps.{s}.example.org/{z}/{x}/{y}.png", ["https:"]),
        ("/tiles/{z}/{x}/{y}.png", []),
    ],
)
def test_tile_sources_follow_the_tile_url_template(template, sources):
    assert tile_sources(template) == sources


def test_pages_carry_no_inline_script(client):
    for path in ("/", "/c/"):
        page = client.get(path).content.decode()
        assert "<script>" not in page and " style=" not in page


PDF_TEMPLATES = {
    "reports/province_report.html",
    "reports/province_appendix.html",
    "reports/_pdf_style.html",
    "reports/_communities_table.html",
}


def test_no_template_holds_inline_script_style_or_event_handlers():
    """The policy refuses them; they would silently break a page."""
    found = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        # WeasyPrint renders the province report and its appendix to PDF, never served.
        if path.relative_to(settings.BASE_DIR / "templates").as_posix() in PDF_TEMPLATES:
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style", r"\sstyle=", r"\son[a-z]+="):
            found += [f"{path.name}: {match}" for match in re.findall(pattern, text)]
    assert found == []

"""Checks on uploaded files that belong to MOUs and training sessions."""

import re
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from civportal.files import sniff
from civportal.images import clean_photo
from civportal.pdfs import refuse_active_content

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
# Markup a browser would run (SVG images, web pages, XML with stylesheets, scripts).
MARKUP_SUFFIXES = frozenset(
    {".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt"}
    | {".js", ".mjs", ".mht", ".mhtml"}
)
MARKUP_START = re.compile("[\\s\ufeff]*<[!?a-zA-Z]")
# Slides and handouts photographed or exported as images stay legible at this size.
MATERIAL_IMAGE_SIDE = 4000


def validate_signed_pdf(upload) -> None:
    """Refuse anything that is not a readable PDF of at most 20 MB.

    The name and the browser's content type prove nothing, so the bytes are
    checked (``%PDF-`` header) and the file is parsed with pypdf.
    """
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The file is %(size)s; a signed MOU may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_PDF_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    header = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in header:
        raise ValidationError(
            _("This file is not a PDF. Please upload the scanned, signed MOU as a PDF file."),
            code="not_pdf",
        )
    try:
        pages = len(PdfReader(upload).pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            _("This PDF is damaged or incomplete and cannot be opened. Please scan it again."),
            code="damaged_pdf",
        ) from exc
    finally:
        upload.seek(0)
    if pages == 0:
        raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
    refuse_active_content(upload)


BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _looks_like_markup(head: bytes) -> bool:
    """Does the text start with a tag (``<svg``, ``<!DOCTYPE``, ``<?xml``), in any encoding?"""
    encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-8"
    for bom, bom_encoding in BYTE_ORDER_MARKS:
        if head.startswith(bom):
            head, encoding = head[len(bom) :], bom_encoding
            break
    return bool(MARKUP_START.match(head.decode(encoding, errors="ignore")))


def clean_material_file(upload):
    """Check a session material and return what to store.

    Web pages, SVG and other markup are refused: a browser runs their scripts. Images
    are re-encoded without metadata (GPS gone) by ``civportal.images.clean_photo``; PDFs
    must be readable and free of scripts and actions. Anything else (office documents,
    spreadsheets, archives) is stored as it is and only ever downloaded.
    """
    if upload.size > MAX_MATERIAL_BYTES:
        raise ValidationError(_("A material file may be at most 20 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if PurePosixPath(upload.name or "").suffix.lower() in MARKUP_SUFFIXES or _looks_like_markup(
        head
    ):
        raise ValidationError(
            _(
                "Web pages, SVG images and other markup cannot be uploaded as materials, "
                "because they can run scripts. Please upload a PDF, a photo (JPEG, PNG or "
                "WebP) or an office document instead."
            ),
            code="markup",
        )
    kind = sniff(head) or ""
    if kind.startswith("image/"):
        return clean_photo(upload, max_side=MATERIAL_IMAGE_SIDE, fmt=None)
    if b"%PDF-" in head[:1024]:
        refuse_active_content(upload)
    return upload

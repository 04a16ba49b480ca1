"""Checks on uploaded files that belong to MOUs."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_PDF_BYTES = 20 * 1024 * 1024


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

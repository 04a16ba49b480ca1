"""Hand-built files for upload and file-door tests: images, PDFs with and without active content.

Built byte by byte (with a correct cross-reference table) rather than with a PDF library,
so each sample holds exactly the construct a test is about.
"""

import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str, size=(8, 8)) -> bytes:
    """A real image in ``fmt`` (JPEG, PNG, WEBP, GIF...)."""
    buffer = BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _assemble(objects: list[bytes], trailer: bytes, *, version=b"1.7") -> bytes:
    """Objects 1..n in order, a classic xref table, and the trailer dictionary's body."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d " % (len(objects) + 1) + trailer + b" >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_bytes(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF; ``catalog``/``page`` go into those dictionaries, ``extra`` objects
    are numbered from 4 on."""
    content = b"BT /F1 12 Tf 20 100 Td (MOU) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents %d 0 R " % (4 + len(extra))
        + page
        + b" >>",
        *extra,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return _assemble(objects, b"/Root 1 0 R")


def pdf_with_script_in_object_stream() -> bytes:
    """The catalog's /OpenAction points into a compressed object stream holding a
    JavaScript action: nothing active is visible in the raw bytes."""
    hidden = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + hidden)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    for number in (1, 2, 3, 5):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + bodies[number] + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for number in range(1, 7):
        if number == 4:  # type 2: object 4 is the first object of object stream 5
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


# Each sample: (what it carries, bytes). All are readable one-page PDFs.
ACTIVE_PDFS = {
    "javascript-open-action": pdf_bytes(
        catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    ),
    "named-javascript": pdf_bytes(
        catalog=b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (1) >>] >> >>"
    ),
    "page-additional-action": pdf_bytes(page=b"/AA << /O << /S /Launch /F (calc.exe) >> >>"),
    "annotation-launch": pdf_bytes(
        page=b"/Annots [4 0 R]",
        extra=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /Launch /F (x) >> >>",),
    ),
    "escaped-name": pdf_bytes(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (1) >>"),
    "object-stream": pdf_with_script_in_object_stream(),
}


def plain_pdf() -> bytes:
    """A passive PDF whose /OpenAction only chooses the first page's view, as scanners do."""
    return pdf_bytes(catalog=b"/OpenAction [3 0 R /Fit]")


def pdf_upload(content: bytes | None = None, name="signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, plain_pdf() if content is None else content, content_type="application/pdf"
    )

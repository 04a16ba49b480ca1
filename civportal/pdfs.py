"""Active content in PDFs: scripts and actions that run when a PDF is opened or viewed.

Signed MOUs and PDF session materials are refused at upload when they carry any; the file
door (``civportal.files``) also looks again before it lets a browser show a PDF inline, so
a file stored before these checks existed is only ever downloaded.

Two looks, because a PDF can be read more than one way: pypdf walks every object reachable
from the trailer (object streams included, so compressed dictionaries are seen), and a
scan of the raw bytes outside stream data finds the names even where pypdf's reading
differs from a viewer's repair of a broken file. Names are compared after decoding ``#xx``
escapes (``/J#61vaScript`` is ``/JavaScript``).
"""

import re
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Action types that run code, start programs, send form data or open other files.
DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
    }
)
# Dictionary keys whose presence alone means something can run: a script (/JS), the
# document's named scripts (/Names → /JavaScript), actions triggered on open, close, page
# view or field change (/AA), XFA forms (which carry their own scripts), rich media.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA", "/RichMediaContent"})
# Names looked for in the raw bytes outside streams.
RAW_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"AA", b"XFA", b"SubmitForm", b"ImportData", b"RichMedia"}
)
STREAM_DATA = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Objects walked before giving up: a sane scan has a few thousand.
MAX_OBJECTS = 200_000


class PdfUnreadable(Exception):
    """pypdf cannot read the file's structure."""


def _decode_name(raw: bytes) -> bytes:
    return HEX_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)


def _raw_names(data: bytes) -> set[str]:
    outside_streams = STREAM_DATA.sub(b" ", data)
    found = {_decode_name(match.group(1)) for match in NAME.finditer(outside_streams)}
    return {"/" + name.decode("latin-1") for name in found & RAW_NAMES}


def _structure(data: bytes) -> set[str]:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable("encrypted")
        root = reader.trailer
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PdfUnreadable(str(exc)) from exc
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [root]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                continue
        walked += 1
        if walked > MAX_OBJECTS:
            found.add("too many objects")
            break
        if isinstance(item, DictionaryObject):
            found.update(key for key in item if key in ACTIVE_KEYS)
            action = item.get("/S")
            if action in DANGEROUS_ACTIONS:
                found.add(str(action))
            if item.get("/Subtype") == "/RichMedia":
                found.add("/RichMedia")
            opening = item.get("/OpenAction")
            if isinstance(opening, IndirectObject):
                opening = opening.get_object()
            # An /OpenAction that is a destination (an array) or a GoTo only turns a page.
            if isinstance(opening, DictionaryObject) and opening.get("/S") != "/GoTo":
                found.add("/OpenAction")
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def active_content(fileobj) -> list[str]:
    """The active features found in a PDF (empty when there are none), sorted.

    Raises ``PdfUnreadable`` when the file's structure cannot be read. Reads the whole file
    (uploads are limited to 20 MB) and leaves its position at the start.
    """
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    return sorted(_raw_names(data) | _structure(data))


def refuse_active_content(upload) -> None:
    """Raise a ValidationError, in Thai or English, when an uploaded PDF carries active
    content or cannot be read."""
    try:
        found = active_content(upload)
    except PdfUnreadable as exc:
        raise ValidationError(
            _("This PDF is damaged or incomplete and cannot be opened."), code="damaged_pdf"
        ) from exc
    if found:
        raise ValidationError(
            _(
                "This PDF contains active content (%(found)s): scripts or actions that run "
                "when it is opened, so it cannot be stored. Please save it again as a plain "
                "PDF (for example with “Print to PDF”) or scan the paper again."
            )
            % {"found": ", ".join(name.lstrip("/") for name in found)},
            code="active_pdf",
        )

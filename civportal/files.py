"""One door for uploaded bytes, and uploads that are all-or-nothing.

Every view that returns an uploaded file (visit photos, signed MOUs and their earlier
versions, session materials, reports, product and community photos) fetches the owning row
with the reader's scope and hands its file to ``serve_file``. Nothing under MEDIA_ROOT has
an address of its own, in any environment, so no path typed into a URL can reach a file.

The door decides how a file is shown from its bytes, never from its name: only real
JPEG/PNG/WebP images and PDFs without active content are shown inline; everything else is
downloaded as ``application/octet-stream``. File responses carry their own restrictive
Content-Security-Policy and ``nosniff``.

Files written while a service runs are removed again if its transaction rolls back
(``removed_on_rollback``), a storage failure becomes a clear form error (``FileNotSaved``),
and ``sweep_orphans`` deletes, a day later, files that no row (history rows included)
points to.
"""

import contextlib
import contextvars
import logging
import os
import time
import uuid
from contextlib import ContextDecorator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext_lazy as _
from django.views.static import was_modified_since

from civportal.pdfs import PdfUnreadable, active_content

logger = logging.getLogger(__name__)

PUBLIC_MAX_AGE = 7 * 24 * 3600
# A file served inline is shown by the browser itself; nothing in it may run or load.
# ``sandbox`` also gives the document an opaque origin. PDFs go without ``sandbox``:
# Chromium refuses to start its PDF viewer in a sandboxed document, and a PDF only gets
# here once it is known to carry no scripts or actions (``civportal.pdfs``).
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
PDF_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'"

# First bytes of the formats a browser may show inline, and their only content types.
RASTER_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(head: bytes) -> str | None:
    """The inline-safe content type these first bytes prove, or None (download it)."""
    for signature, content_type in RASTER_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _inline_type(handle) -> str | None:
    """The content type to show the file inline as, or None to have it downloaded."""
    head = handle.read(2048)
    handle.seek(0)
    content_type = sniff(head)
    if content_type == "application/pdf":
        try:
            if active_content(handle):
                return None
        except PdfUnreadable:
            return None
    return content_type


def _safe_download_name(name: str) -> str:
    """A name for Content-Disposition: no folders, quotes or control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name.strip(" .") or "file"


def serve_file(request, file, *, public: bool = False, download_name: str | None = None):
    """Answer with an uploaded file the caller has already fetched in the reader's scope.

    ``file`` is a FieldFile (a model's or one rebuilt from a history row). ``public``
    files (published catalogue photos, community photos) may be cached by anyone for a
    week; all others are ``private, no-store``. With ``CIV_X_ACCEL_REDIRECT_PREFIX`` set,
    nginx sends the bytes (see README), with the headers decided here.
    """
    if not file or not file.name:
        raise Http404
    storage = file.storage
    try:
        handle = storage.open(file.name, "rb")
    except FileNotFoundError as exc:
        logger.warning("a row points to a missing file: %s", file.name)
        raise Http404 from exc
    try:
        content_type = _inline_type(handle)
    except BaseException:
        handle.close()
        raise
    inline = content_type is not None
    name = _safe_download_name(download_name or file.name)

    modified = None
    if public:
        modified = storage.get_modified_time(file.name).timestamp()
        if not was_modified_since(request.headers.get("If-Modified-Since"), modified):
            handle.close()
            return _file_headers(HttpResponseNotModified(), public, inline, content_type)

    prefix = settings.CIV_X_ACCEL_REDIRECT_PREFIX
    if prefix:
        handle.close()
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        response["Content-Disposition"] = content_disposition_header(not inline, name)
    else:
        response = FileResponse(
            handle,
            content_type=content_type or "application/octet-stream",
            as_attachment=not inline,
            filename=name,
        )
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    return _file_headers(response, public, inline, content_type)


def _file_headers(response, public: bool, inline: bool, content_type: str | None):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        PDF_CSP if inline and content_type == "application/pdf" else FILE_CSP
    )
    response["Cache-Control"] = (
        f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
    )
    return response


# --- Names -------------------------------------------------------------------------------
@deconstructible
class UploadTo:
    """``upload_to`` of every file field: ``<folder>/<yyyy>/<mm>/<random>.<ext>``.

    Names carry nothing guessable (no row ids, no user-typed names), as a second line of
    defence behind the door; the extension is kept only for people reading the folder.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        if not (suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 6):
            suffix = ""
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


# --- All-or-nothing uploads --------------------------------------------------------------
class FileNotSaved(ValidationError):
    """The storage refused a file (unwritable folder, disk full): a form error, not a 500."""

    def __init__(self):
        super().__init__(
            _(
                "The file could not be saved. Please try again; if it keeps happening, "
                "tell programme staff."
            ),
            code="file_not_saved",
        )


# (storage, name) of the files written in each open ``removed_on_rollback`` block of this
# thread, innermost last.
_written: contextvars.ContextVar[tuple[list, ...]] = contextvars.ContextVar(
    "civ_files_written", default=()
)


class PortalFileStorage(FileSystemStorage):
    """The default storage: remembers what it wrote for ``removed_on_rollback`` and turns
    an operating-system failure into ``FileNotSaved`` (details go to the log, not the user)."""

    def _save(self, name, content):
        existed = self.exists(name)
        try:
            saved = super()._save(name, content)
        except OSError as exc:
            logger.error("could not store %s under %s: %r", name, self.location, exc)
            if not existed:
                self._discard(name)  # a half-written file (disk full) is not left behind
            raise FileNotSaved() from exc
        for block in _written.get()[-1:]:
            block.append((self, saved))
        return saved

    def _discard(self, name: str) -> None:
        try:
            self.delete(name)
        except OSError:
            logger.exception("could not remove %s after a failed write", name)


class removed_on_rollback(ContextDecorator):  # lower case: it reads like transaction.atomic
    """Remove the files written inside this block if the block ends with an exception.

    Put it above ``@transaction.atomic`` on every service that stores files, so a rolled
    back transaction leaves no file without a row. On success the names are handed to an
    enclosing block (an import that calls the service many times decides for all); a
    rollback of a transaction outside every block leaves orphans that ``sweep_orphans``
    removes a day later.
    """

    def _recreate_cm(self):
        # Used as a decorator, each call gets its own block (threads, re-entry).
        return type(self)()

    def __enter__(self):
        self._token = _written.set((*_written.get(), []))
        return self

    def __exit__(self, exc_type, exc, tb):
        written = _written.get()[-1]
        _written.reset(self._token)
        if exc_type is None:
            for block in _written.get()[-1:]:
                block.extend(written)
            return False
        for storage, name in written:
            storage._discard(name)
        return False


# --- Orphans -----------------------------------------------------------------------------
def referenced_names() -> set[str]:
    """Every file name a row points to: file fields of every model, and the copies
    django-simple-history keeps of them (as text) in history rows."""
    names: set[str] = set()
    for model in apps.get_models():
        source = getattr(model, "instance_type", model)  # a history model's tracked model
        fields = [
            field.attname
            for field in source._meta.concrete_fields
            if isinstance(field, models.FileField)
        ]
        if source is not model:
            present = {field.attname for field in model._meta.concrete_fields}
            fields = [name for name in fields if name in present]
        for field in fields:
            names.update(
                model._default_manager.exclude(**{field: ""})
                .exclude(**{f"{field}__isnull": True})
                .values_list(field, flat=True)
                .distinct()
                .iterator()
            )
    return names


def sweep_orphans(*, older_than_hours: float = 24, dry_run: bool = False) -> list[str]:
    """Delete files under MEDIA_ROOT that no row points to and that are older than the
    window (a younger file may belong to a transaction still running). Returns their names.

    Empty folders older than the window go too.
    """
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than_hours * 3600
    referenced = referenced_names()
    removed = []
    for directory, _subdirs, filenames in os.walk(root, topdown=False):
        for filename in filenames:
            path = Path(directory, filename)
            name = path.relative_to(root).as_posix()
            if name in referenced or path.lstat().st_mtime >= cutoff:
                continue
            removed.append(name)
            if not dry_run:
                path.unlink(missing_ok=True)
        folder = Path(directory)
        if not dry_run and folder != root and folder.stat().st_mtime < cutoff:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty
    if removed:
        logger.info("%s %d orphan file(s)", "would remove" if dry_run else "removed", len(removed))
    return sorted(removed)

"""Uploads kept while a form is shown again, so nobody has to pick their photos twice.

A browser cannot refill a file input. When a form with photos comes back with an error
elsewhere (a missing summary, five readiness scores of six), the photos that passed their
checks are stored as pending files under ``pending/<user>/<form token>/`` — keyed by the
form's one-time token (civportal.forms.OneTimeTokenMixin), so they belong to this one
filled-in form of this one person — and listed on the form, ticked, to be saved with it.
No row points to them: once the form is saved they are deleted, and if it is abandoned
the orphan sweep (civportal.files.sweep_orphans) removes them a day later.
"""

import json
import logging
import re
import uuid
from pathlib import PurePosixPath

from django import forms
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .forms import TOKEN_FIELD

logger = logging.getLogger(__name__)

ROOT = "pending"
MANIFEST = "names.json"
# Tokens are made by secrets.token_urlsafe; anything else never names a folder.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEY = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class PendingUploads:
    """The pending files of one person's one filled-in form."""

    def __init__(self, user, token: str):
        usable = bool(token) and TOKEN.match(token) and getattr(user, "pk", None)
        self.folder = f"{ROOT}/{user.pk}/{token}" if usable else None
        self.storage = default_storage

    def _names(self) -> dict[str, str]:
        if not self.folder:
            return {}
        try:
            with self.storage.open(f"{self.folder}/{MANIFEST}") as handle:
                names = json.load(handle)
        except (FileNotFoundError, ValueError):
            return {}
        return {key: name for key, name in names.items() if KEY.match(key)}

    def kept(self) -> list[tuple[str, str]]:
        """(key, the name it was chosen under) of each pending file still on disk."""
        return [
            (key, name)
            for key, name in self._names().items()
            if self.storage.exists(f"{self.folder}/{key}")
        ]

    def stash(self, uploads) -> None:
        """Store uploads that passed their checks, beside those already kept."""
        if not self.folder or not uploads:
            return
        names = self._names()
        for upload in uploads:
            extension = PurePosixPath(upload.name).suffix.lower().lstrip(".")
            key = f"{uuid.uuid4().hex}.{extension if extension in ('png', 'webp') else 'jpg'}"
            upload.seek(0)
            self.storage.save(f"{self.folder}/{key}", upload)
            upload.seek(0)
            names[key] = upload.name
        self.storage.delete(f"{self.folder}/{MANIFEST}")
        self.storage.save(
            f"{self.folder}/{MANIFEST}",
            ContentFile(json.dumps(names, ensure_ascii=False).encode(), name=MANIFEST),
        )

    def open(self, keys) -> list[File]:
        """The chosen pending files, opened to be saved by a service like fresh uploads."""
        names = self._names()
        return [
            File(self.storage.open(f"{self.folder}/{key}"), name=names[key])
            for key in keys
            if key in names
        ]

    def discard_on_commit(self) -> None:
        """Delete this form's pending files once what was saved with them is committed."""
        if not self.folder:
            return
        folder, storage = self.folder, self.storage

        def discard():
            try:
                _directories, files = storage.listdir(folder)
                for name in files:
                    storage.delete(f"{folder}/{name}")
            except FileNotFoundError:
                return
            except OSError:  # the orphan sweep removes them later
                logger.warning("could not remove the pending files in %s", folder)

        transaction.on_commit(discard)


class KeepUploadsMixin:
    """A form whose valid uploads in ``kept_upload_field`` survive being shown again.

    Build it with ``user=``; after a failed save call ``keep_uploads()`` before showing it
    again; take the files to save from ``uploads_to_save()``; after saving call
    ``discard_kept_uploads()``. Needs OneTimeTokenMixin (the token names the folder).
    """

    kept_upload_field = "photos"
    kept_field = "kept_photos"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        token = self.data.get(self.add_prefix(TOKEN_FIELD), "") if self.is_bound else ""
        self.pending = PendingUploads(user, token)
        self.fields[self.kept_field] = forms.MultipleChoiceField(
            label=_("Photos kept from your last try"),
            help_text=_("They are saved with the form. Untick a photo to leave it out."),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=self.pending.kept(),
        )

    def keep_uploads(self) -> None:
        """Stash what passed its checks and show it ticked on the form shown again; a kept
        photo the person unticked stays unticked."""
        cleaned = getattr(self, "cleaned_data", {}) or {}
        before = {key for key, _name in self.pending.kept()}
        chosen = set(cleaned.get(self.kept_field) or [])
        self.pending.stash(cleaned.get(self.kept_upload_field) or [])
        kept = self.pending.kept()
        self.fields[self.kept_field].choices = kept
        self.data = self.data.copy()
        self.data.setlist(
            self.add_prefix(self.kept_field),
            [key for key, _name in kept if key not in before or key in chosen],
        )

    def uploads_to_save(self) -> list:
        return [
            *(self.cleaned_data.get(self.kept_upload_field) or []),
            *self.pending.open(self.cleaned_data.get(self.kept_field) or []),
        ]

    def discard_kept_uploads(self) -> None:
        self.pending.discard_on_commit()

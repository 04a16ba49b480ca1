import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What every key starts with, so a leaked one is easy to recognise (and to search for).
KEY_PREFIX = "civ_"
# Characters of the key kept in clear, to tell a person's tokens apart on their page.
VISIBLE_CHARACTERS = 8


def hash_key(key: str) -> str:
    """The SHA-256 of a key, as stored: the key itself is shown once and never kept."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token: a named, scoped, expiring key that acts as its user."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    visible_prefix = models.CharField(max_length=20, editable=False)
    scope = models.CharField(_("access"), max_length=20, choices=Scope.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.visible_prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


class Tombstone(models.Model):
    """A row a syncing client must drop: deleted, or (a listing) no longer published.

    Written by signals (api/tombstones.py), so every way of removing a row leaves one;
    read by the ``…/changes/`` feeds. A row that comes back (published again) is simply in
    the next feed's changed rows, later than its tombstone.
    """

    class Kind(models.TextChoices):
        COMMUNITY = "community"
        PRODUCT = "product"

    class Reason(models.TextChoices):
        DELETED = "deleted"
        UNPUBLISHED = "unpublished"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # The community the row belonged to (a plain number: the community may be gone too),
    # so a signed-in client's feed reads only its own communities' removals.
    community_id = models.BigIntegerField(null=True, blank=True)
    # Whether the public could see the row: only those reach the open data's feed.
    was_public = models.BooleanField(default=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    removed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "removed_at"])]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.reason}"

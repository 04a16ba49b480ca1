"""Personal access tokens: made (the key shown once), revoked."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import KEY_PREFIX, VISIBLE_CHARACTERS, ApiToken, hash_key


@transaction.atomic
def create_token(user, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key: the key is returned here once and only its
    SHA-256 is kept, so it can never be shown again."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the program that uses it.")})
    longest = getattr(settings, "API_TOKEN_MAX_DAYS", 365)
    if not 1 <= days <= longest:
        raise ValidationError(
            {"days": _("A token lasts from 1 to %(days)d days.") % {"days": longest}}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        key_hash=hash_key(key),
        visible_prefix=key[: len(KEY_PREFIX) + VISIBLE_CHARACTERS],
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean(exclude=["key_hash", "visible_prefix"])
    token.save()
    return token, key


@transaction.atomic
def revoke_token(user, token: ApiToken) -> ApiToken:
    """Stop a token at once (it stays listed as revoked); revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token

"""``Authorization: Bearer civ_…``: a personal access token acts as its user, no more."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_key

# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_PRECISION = timedelta(minutes=1)


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be “Bearer” followed by one token.")
            )
        try:
            key = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from exc
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        # Unknown, revoked and expired tokens get one answer: nothing to learn by guessing.
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed(_("This token is not valid or has expired."))
        # Deactivating a person stops every token they made, at once.
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account has been deactivated."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (and Swagger UI's Authorize button) describes the tokens."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token made on /accounts/tokens/ / "
                "โทเค็นส่วนบุคคลที่สร้างในหน้า /accounts/tokens/"
            ),
        }

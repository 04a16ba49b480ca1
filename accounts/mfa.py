"""Who must have a second factor, and whether they have one (allauth.mfa's authenticators)."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings

# Set in the session once the signed-in account is known to have a second factor.
SECOND_FACTOR_SESSION_KEY = "civ_second_factor"

# Recovery codes only back up one of these; alone they are no second factor.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_second_factor(user) -> bool:
    """Programme staff, officers, coordinators and superusers (MFA_REQUIRED_ROLES)."""
    return user.is_superuser or user.role in settings.MFA_REQUIRED_ROLES


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def remember_at_sign_in(sender, request, user, **kwargs):
    """On every sign-in (allauth's, or a test's force_login): note in the new session whether
    the account has its second factor, and that the session was just recorded as seen
    (allauth.usersessions records it at sign-in), so the next pages need no query for either."""
    if request is None or not hasattr(request, "session"):
        return
    from .middleware import SessionActivityMiddleware

    request.session[SessionActivityMiddleware.STAMP] = int(time.time())
    if needs_second_factor(user) and has_second_factor(user):
        request.session[SECOND_FACTOR_SESSION_KEY] = True


def enrol_totp(user, secret: str | None = None) -> str:
    """Give ``user`` an authenticator-app second factor (allauth's TOTP) without the setup
    page — for the demo accounts and tests, never for real people, who scan their own.
    Keeps one the account already has; returns the secret in use."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_uri(user, secret: str) -> str:
    """The otpauth:// address an authenticator app reads (what the setup page's QR code holds)."""
    from allauth.mfa.adapter import get_adapter

    return get_adapter().build_totp_url(user, secret)

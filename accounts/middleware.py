"""Sign-in hygiene on every request: the second factor some roles must have, and the
last use of each signed-in session (the profile page lists them)."""

import time

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .mfa import SECOND_FACTOR_SESSION_KEY, has_second_factor, needs_second_factor

# Pages a user who still has to set up a second factor may open: the setup itself (and
# the re-entry of a password it may ask for), signing out, e-mail confirmation, the
# language switch and the health check.
_OPEN_URL_NAMES = {
    "account_logout",
    "account_reauthenticate",
    "account_confirm_email",
    "account_email_verification_sent",
    "set_language",
    "healthz",
}


def _open_while_setting_up(request) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        name = resolve(request.path_info).url_name or ""
    except Resolver404:
        return True  # a 404 page shows nothing of anyone's
    return name.startswith("mfa_") or name in _OPEN_URL_NAMES


class RequireSecondFactorMiddleware:
    """Programme staff, officers, company coordinators and superusers hold every community's
    data and signed MOUs: signed in without a second factor, they are sent to set one up
    (an authenticator app, with recovery codes) before any other page, the admin included.

    Whether the account has one is remembered in the session once seen (accounts.mfa), so
    a normal page costs no query; the portal never lets such an account remove its last
    second factor (accounts.adapter.PortalMFAAdapter)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and needs_second_factor(user)
            and not request.session.get(SECOND_FACTOR_SESSION_KEY)
        ):
            if has_second_factor(user):
                request.session[SECOND_FACTOR_SESSION_KEY] = True
            elif not _open_while_setting_up(request):
                if request.method == "GET":
                    messages.info(
                        request,
                        _(
                            "Your role signs in with a second step. Set up an authenticator "
                            "app to continue."
                        ),
                    )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class SessionActivityMiddleware:
    """Keeps "last seen" of the signed-in session current for the profile's session list —
    at most once every SESSION_ACTIVITY_INTERVAL seconds per session (allauth's own tracking
    writes on every request, which every page would pay for)."""

    STAMP = "civ_session_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            if (
                session.session_key
                and now - session.get(self.STAMP, 0) >= settings.SESSION_ACTIVITY_INTERVAL
            ):
                UserSession.objects.create_from_request(request, user=user, session=session)
                session[self.STAMP] = now
        return self.get_response(request)

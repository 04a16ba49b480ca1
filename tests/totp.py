"""Second-factor codes for tests: computed with pyotp from the secret allauth stored for
the account — the same code an authenticator app would show. Nothing in the portal is
switched off for tests.

allauth refuses a code that was already used (its replay guard, in the cache, for one
30-second period); a test that signs the same account in twice waits for the next code.
"""

import time

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.cache import cache

PERIOD = 30


def secret_of(user) -> str:
    authenticator = Authenticator.objects.get(user_id=user.pk, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def _used(user, code: str) -> bool:
    return cache.get(f"allauth.mfa.totp.used?user={user.pk}&code={code}") is not None


def code_for(user=None, *, secret: str | None = None) -> str:
    """The account's current code, one allauth has not seen used yet; with only a
    ``secret`` (a setup page's, before any account holds it) the current code for it."""
    totp = pyotp.TOTP(secret or secret_of(user), interval=PERIOD)
    code = totp.now()
    # Close to the end of its period a code may expire on its way to the server.
    if PERIOD - time.time() % PERIOD < 2 or (user is not None and _used(user, code)):
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
        code = totp.now()
    return code


def answer_code_step(client, response, user):
    """After a password was accepted: if allauth asks for the second factor (a redirect to
    its code page), enter the account's current code; returns the final response."""
    from django.urls import reverse

    if response.status_code == 302 and response.url == reverse("mfa_authenticate"):
        return client.post(reverse("mfa_authenticate"), {"code": code_for(user)})
    return response


def sign_in(client, login: str, password: str, *, next_url: str = ""):
    """Sign in through the portal's form as a person does: password, then (for an account
    with a second factor) the code. Returns the last response."""
    from django.urls import reverse

    from accounts.models import User

    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": login, "password": password})
    user = (
        User.objects.filter(email__iexact=login).first()
        or User.objects.filter(login_name=login.lower()).first()
    )
    return answer_code_step(client, response, user) if user is not None else response

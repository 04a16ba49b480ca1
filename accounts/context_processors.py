from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def line_login(request):
    """Where "sign in with LINE" posts to; empty (buttons hidden) without LINE keys."""
    if not settings.LINE_LOGIN_ENABLED:
        return {"line_login_url": ""}
    return {"line_login_url": reverse("line_login") + "?" + urlencode({"process": "login"})}

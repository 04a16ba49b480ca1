"""An officer without a second factor is sent to set one up before anything else, enters
the code her authenticator app shows (pyotp here), and from then on signs in with her
password and a code."""

import re
from urllib.parse import urlparse

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import Role
from communities.models import Province
from tests.browser.helpers import enter_code, sign_in, sign_out
from tests.factories import PASSWORD, make_user
from tests.totp import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path(page):
    return urlparse(page.url).path


def test_an_officer_is_forced_through_totp_setup_then_signs_in_with_a_code(page):
    officer = make_user(
        Role.OFFICER, second_factor=False, provinces=[Province.objects.get(pk="52")]
    )
    page.goto("/accounts/login/")
    page.fill("input[name=login]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]:not(.lang-form *)")

    # Not the dashboard: first her password again (allauth asks before adding a factor)…
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    # …then the authenticator app's setup, with its secret shown beside the QR code.
    page.wait_for_url(lambda url: urlparse(url).path == reverse("mfa_activate_totp"))
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    page.goto("/communities/")  # nothing else opens until it is done
    assert _path(page) == reverse("mfa_activate_totp")
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", code_for(secret=secret))
    page.click("main form [type=submit]")

    page.wait_for_url(lambda url: urlparse(url).path == reverse("mfa_view_recovery_codes"))
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    page.goto("/dashboard/")
    assert _path(page) == reverse("dashboard")

    sign_out(page)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", officer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]:not(.lang-form *)")
    page.wait_for_url(lambda url: urlparse(url).path == reverse("mfa_authenticate"))
    enter_code(page, officer)
    page.wait_for_url(lambda url: urlparse(url).path == reverse("dashboard"))


def test_the_profile_fits_a_phone(phone_page):
    sign_in(phone_page, "officer.lampang@civ.example")
    phone_page.click("a.profile-link")
    phone_page.wait_for_url(lambda url: urlparse(url).path == reverse("profile"))
    assert phone_page.locator("h1").inner_text() == "บัญชีของท่าน"
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

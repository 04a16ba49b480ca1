"""The API's pages in a browser: the documentation (Swagger UI from the portal's own static
files) works under the Content-Security-Policy, and a person makes, copies and revokes a
token on a phone."""

import pytest

from api.models import ApiToken, hash_key
from tests.browser.helpers import sign_in
from tests.browser.test_csp import REPORT_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_works_under_the_policy(page):
    refused = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda m: refused.append(m.text) if "CSP" in m.text or "Refused" in m.text else None,
    )
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://localhost", "data:")) and "127.0.0.1" not in r.url
            else None
        ),
    )
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI read the schema and lists the operations.
    page.wait_for_selector(".opblock-summary-path >> text=/api/v1/open/products/")
    assert page.locator(".opblock").count() > 20
    assert refused == []
    assert outside == []


def test_a_token_is_made_shown_once_and_revoked_on_a_phone(phone_page):
    page = phone_page
    sign_in(page, "officer.lampang@civ.example")
    page.click(".user-menu a.profile-link")
    page.click(".profile a[href='/accounts/tokens/']")
    page.fill("input[name=name]", "แดชบอร์ดจังหวัดลำปาง")
    page.check("input[name=scope][value=read]")
    page.click("form [type=submit].btn-primary")
    key = page.input_value("#new-key")
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert token.name == "แดชบอร์ดจังหวัดลำปาง" and token.scope == "read"
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto("/accounts/tokens/")
    assert key not in page.content()
    page.click(f"a[href='/accounts/tokens/{token.pk}/revoke/']")
    page.click("form .btn-danger")
    page.wait_for_url("**/accounts/tokens/")
    token.refresh_from_db()
    assert token.revoked_at is not None

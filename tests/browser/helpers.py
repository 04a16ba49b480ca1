"""Signing in and out through the real pages, shared by the browser journeys."""

from urllib.parse import urlparse

from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accounts.models import User
from communities.management.commands.seed_demo import demo_password
from tests.totp import code_for


def sign_in(page, email, password=None):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or demo_password())
    page.click("form [type=submit]:not(.lang-form *)")
    code_step, dashboard = reverse("mfa_authenticate"), reverse("dashboard")
    # The login page's own address also ends in "/": wait for the exact paths.
    page.wait_for_url(lambda url: urlparse(url).path in (dashboard, code_step))
    if urlparse(page.url).path == code_step:
        enter_code(page, User.objects.get(email__iexact=email))
    page.wait_for_url(lambda url: urlparse(url).path == dashboard)


def enter_code(page, user):
    """The sign-in's second step: the code the account's authenticator app would show."""
    page.fill("input[name=code]", code_for(user))
    page.click("form [type=submit]:not(.lang-form *)")


def sign_out(page):
    page.click(".user-menu button")
    page.wait_for_url(lambda url: urlparse(url).path != reverse("dashboard"))
    page.wait_for_load_state()


def submitted_to(page, url, timeout=60_000):
    """Wait for the page a form's submission leads to; if it never comes, say where the
    browser is and what the page says is wrong (a form shown again with its errors)."""
    try:
        page.wait_for_url(url, timeout=timeout)
    except PlaywrightTimeout:
        errors = page.locator(".errorlist, .notice, [role=alert]").all_inner_texts()
        # A required field left empty stops the browser itself from sending the form: no
        # page comes back, so name the fields it refused.
        refused = page.locator("form :invalid").evaluate_all("nodes => nodes.map(n => n.name)")
        raise AssertionError(
            f"still at {page.url}; the page says: {errors}; fields the browser refused: {refused}"
        ) from None


def choose_place(page, subdistrict):
    """Pick province → amphoe → tambon as a user does, each choice after the list it is in
    has been refilled: a late htmx reply (the province's) would otherwise empty the amphoe
    and tambon already chosen, and the browser would then refuse to send the form."""
    district = subdistrict.district
    steps = (
        ("#id_province", district.province_id, reverse("geo_districts")),
        ("#id_district", district.code, reverse("geo_subdistricts")),
        ("#id_subdistrict", subdistrict.code, None),
    )
    for select, value, refills in steps:
        if refills is None:
            page.select_option(select, value)
            continue
        with page.expect_response(lambda reply, path=refills: urlparse(reply.url).path == path):
            page.select_option(select, value)
        # htmx swaps the reply in before it takes its busy class off the select.
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    for select, value, _ in steps:
        assert page.input_value(select) == value, f"{select} lost its choice"

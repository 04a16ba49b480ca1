"""Signing in and out through the real pages, shared by the browser journeys."""

from urllib.parse import urlparse

from django.urls import reverse

from communities.management.commands.seed_demo import demo_password


def sign_in(page, email, password=None):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or demo_password())
    page.click("form [type=submit]:not(.lang-form *)")
    # The login page's own address also ends in "/": wait for the dashboard's exact path.
    page.wait_for_url(lambda url: urlparse(url).path == reverse("dashboard"))


def sign_out(page):
    page.click(".user-menu button")
    page.wait_for_url(lambda url: urlparse(url).path != reverse("dashboard"))
    page.wait_for_load_state()

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's Chromium is missing: .ci/run installs it")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the
    # test body is still synchronous code, so allow it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _page_in_context(browser, live_server, **options):
    """A page in a context of its own, at Bangkok time; closed with the context."""
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Bangkok", **options)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser, live_server, seeded):
    yield from _page_in_context(browser, live_server)


# bypass_csp: accessibility checks inject axe-core (tests/browser/accessibility.py), which
# the pages' Content-Security-Policy would refuse. ``page`` keeps the policy enforced:
# tests/browser/test_csp.py watches it for violations.
@pytest.fixture
def phone_page(browser, live_server, seeded):
    yield from _page_in_context(
        browser,
        live_server,
        locale="th-TH",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )


@pytest.fixture
def wide_page(browser, live_server, seeded):
    """A laptop-sized window that accessibility checks can inject axe-core into."""
    yield from _page_in_context(
        browser, live_server, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )

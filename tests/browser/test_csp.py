"""Under the Content-Security-Policy (no inline script or style) the pages keep working:
htmx pickers, Leaflet maps, the admin; and no page of any role reports a violation."""

import pytest
from playwright.sync_api import expect

from communities.models import Community, Subdistrict
from mentorship.models import MOU, TrainingSession
from products.models import Product
from tests.browser.helpers import choose_place, sign_in
from tests.mentorship.conftest import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation is reported on the page as an event; the browser also logs "Refused to ...".
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def violations(page):
    """What the Content-Security-Policy refused on this page, across navigations."""
    found = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "CSP violation" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return found


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def _first(model, **lookup):
    return model.objects.filter(**lookup).order_by("pk").values_list("pk", flat=True).first()


def pages_of(email):
    community = _first(Community, province_id="52")
    mou = _first(MOU)
    session = _first(TrainingSession) or book().pk
    product = _first(Product, community__province_id="52")
    common = [
        "/dashboard/",
        "/notifications/",
        "/training/",
        "/training/month/",
        "/accounts/profile/",
        "/accounts/2fa/",
    ]
    return {
        "staff@civ.example": [
            *common,
            "/communities/",
            "/communities/map/",
            f"/communities/{community}/",
            f"/communities/{community}/history/",
            "/mous/",
            f"/mous/{mou}/",
            "/products/",
            "/reports/",
            "/admin/",
            "/admin/communities/community/",
            f"/admin/communities/community/{community}/change/",
        ],
        "officer.lampang@civ.example": [
            *common,
            "/communities/",
            "/communities/new/",
            "/communities/map/",
            f"/communities/{community}/",
            f"/communities/{community}/visits/new/",
            f"/mous/{mou}/",
            f"/products/{product}/",
            "/reports/",
        ],
        "coordinator@civ.example": [*common, "/mous/", f"/mous/{mou}/", "/training/week/"],
        "mentor@civ.example": [*common, f"/training/sessions/{session}/"],
        "member.paentai@civ.example": [
            *common,
            "/products/",
            "/products/new/",
            f"/products/{_first(Product, name_th='มะนาวผง')}/edit/",
        ],
    }[email]


@pytest.mark.parametrize(
    "email",
    [
        "staff@civ.example",
        "officer.lampang@civ.example",
        "coordinator@civ.example",
        "mentor@civ.example",
        "member.paentai@civ.example",
    ],
)
def test_no_page_of_a_role_breaks_the_policy(page, violations, email):
    sign_in(page, email)
    for path in pages_of(email):
        visit(page, path)
    assert violations == []


def test_no_public_page_breaks_the_policy(page, violations):
    community = _first(Community, province_id="52")
    product = _first(Product, status="published")
    for path in ["/", "/catalogue/", "/c/", f"/c/{community}/", f"/p/{product}/"]:
        visit(page, path)
    visit(page, f"/p/{product}/enquire/")
    visit(page, "/accounts/login/")
    assert violations == []


def test_the_geography_pickers_and_the_location_map_work(page, violations):
    place = (
        Subdistrict.objects.filter(district__province_id="80")
        .select_related("district")
        .order_by("code")
        .first()
    )
    sign_in(page, "officer.nakhon@civ.example")
    visit(page, "/communities/new/")
    choose_place(page, place)  # each htmx refill lands under the page's policy
    assert page.locator("#id_subdistrict option").count() > 1

    page.locator("#pick-map").click()  # Leaflet turns the click into coordinates
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    assert page.locator("#pick-map path.leaflet-interactive").count() == 1
    assert violations == []


def test_the_leaflet_maps_draw_their_markers(page, violations):
    located = Community.objects.filter(latitude__isnull=False).count()
    visit(page, "/c/")
    page.wait_for_selector("#community-map path.leaflet-interactive")
    assert page.locator("#community-map path.leaflet-interactive").count() == located
    # The click is sent to the marker itself, not to the point on the screen where it was
    # drawn: on a busy machine the map may still be fitting its bounds when the click comes.
    page.locator("#community-map path.leaflet-interactive").first.dispatch_event("click")
    # The popup opens in answer to the click: wait for it rather than count at once.
    expect(page.locator(".leaflet-popup-content a")).to_have_count(1)

    sign_in(page, "officer.lampang@civ.example")
    visit(page, "/communities/map/")
    page.wait_for_selector("#community-map path.leaflet-interactive")
    page.locator("#community-map path.leaflet-interactive").first.dispatch_event("click")
    href = page.locator(".leaflet-popup-content a").get_attribute("href")
    assert href.startswith("/communities/")
    assert violations == []


def test_the_htmx_indicator_styles_come_from_the_stylesheet(page, violations):
    visit(page, "/")
    inline = page.evaluate("document.querySelectorAll('head style').length")
    assert inline == 0
    assert violations == []

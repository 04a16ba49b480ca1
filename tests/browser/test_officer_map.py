"""The communities map stays usable when no tile can load: markers drawn, list beside it."""

import pytest

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_map_draws_markers_and_says_so_when_tiles_fail(page, settings):
    # Nothing listens on port 9: every tile request fails, as on an office network
    # that blocks the tile server.
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    sign_in(page, "officer.lampang@civ.example")

    page.goto("/communities/map/")

    page.wait_for_selector("#community-map-notice:not([hidden])")
    assert page.locator("#community-map path.leaflet-interactive").count() == 3
    assert page.locator(".map-list a").count() == 3
    page.locator("#community-map path.leaflet-interactive").first.click()
    assert page.locator(".leaflet-popup-content a").count() == 1

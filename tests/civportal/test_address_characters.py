"""A control character anywhere in the address is a 400 with the Thai page, never a 500.

PostgreSQL cannot store NUL, so ``?province=%00`` on the geography pickers reached the
database and failed; one middleware now answers before any view reads the address.
"""

import pytest
from django.urls import reverse

from tests.communities.helpers import officer

from .test_error_pages import assert_error_page


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_a_nul_in_the_geography_picker_query_is_a_400_not_a_500(client):
    client.force_login(officer())

    response = client.get(reverse("geo_districts") + "?province=%00")

    assert_error_page(response, 400)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/catalogue/?q=%1b%5b2J",
        "/catalogue/?province=80%00",
        "/catalogue/?%00=1",
        "/invite/abc%00def/",
        "/communities/?q=%7f",
    ],
)
def test_a_control_character_anywhere_in_the_address_is_a_400(client, address):
    client.force_login(officer())

    assert client.get(address).status_code == 400


@pytest.mark.django_db
def test_thai_text_tabs_and_line_breaks_in_a_query_still_work(client):
    response = client.get("/catalogue/", {"q": "มะนาว\tผง\n"})

    assert response.status_code == 200

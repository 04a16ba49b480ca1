"""Addresses print as Thai writes them, "ต.แจ้ซ้อน อ.เมืองปาน จ.ลำปาง", and in English
as "Chae Son, Mueang Pan, Lampang", on every page that shows one."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from communities.addresses import format_address
from communities.models import Community, District, Province, Subdistrict

CHAE_SON = Subdistrict(
    code="521304",
    name_th="แจ้ซ้อน",
    name_en="Chae Son",
    district=District(
        code="5213",
        name_th="เมืองปาน",
        name_en="Mueang Pan",
        province=Province(code="52", name_th="ลำปาง", name_en="Lampang"),
    ),
)


def test_a_thai_address_uses_the_abbreviated_prefixes_without_spaces():
    assert format_address(CHAE_SON, language="th") == "ต.แจ้ซ้อน อ.เมืองปาน จ.ลำปาง"
    assert format_address(CHAE_SON, with_province=False, language="th") == "ต.แจ้ซ้อน อ.เมืองปาน"


def test_an_english_address_is_comma_separated():
    assert format_address(CHAE_SON, language="en") == "Chae Son, Mueang Pan, Lampang"


def test_bangkok_has_khwaeng_and_khet_and_no_changwat():
    bang_rak = Subdistrict(
        name_th="สีลม",
        name_en="Si Lom",
        district=District(
            name_th="บางรัก",
            name_en="Bang Rak",
            province=Province(code="10", name_th="กรุงเทพมหานคร", name_en="Bangkok"),
        ),
    )
    assert format_address(bang_rak, language="th") == "แขวงสีลม เขตบางรัก กรุงเทพมหานคร"


def test_the_language_defaults_to_the_pages():
    with translation.override("en"):
        assert format_address(CHAE_SON) == "Chae Son, Mueang Pan, Lampang"
    with translation.override("th"):
        assert format_address(CHAE_SON) == "ต.แจ้ซ้อน อ.เมืองปาน จ.ลำปาง"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["community_detail", "public_community"])
def test_community_pages_print_the_thai_address(client, page):
    client.force_login(User.objects.get(email="officer.lampang@civ.example"))
    community = Community.objects.get(subdistrict__code="521304")
    html = client.get(reverse(page, args=[community.pk])).content.decode()
    assert "ต.แจ้ซ้อน อ.เมืองปาน จ.ลำปาง" in html
    assert "ตำบล แจ้ซ้อน" not in html

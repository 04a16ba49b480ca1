from io import StringIO

import pytest
from django.core.management import call_command

from communities.geography import load_geography
from communities.models import District, Province, Subdistrict

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "provinces": Province.objects.count(),
        "districts": District.objects.count(),
        "subdistricts": Subdistrict.objects.count(),
    }


def test_loads_all_77_provinces_and_reports_what_it_loaded():
    loaded = load_geography()

    assert loaded["provinces"] == 77
    assert loaded == _counts()
    assert Province.objects.get(pk="52").name_th == "ลำปาง"


@pytest.mark.parametrize(
    ("code", "name_th", "district", "province"),
    [
        ("521304", "แจ้ซ้อน", "5213", "52"),  # อ.เมืองปาน
        ("520606", "ทุ่งผึ้ง", "5206", "52"),  # อ.แจ้ห่ม
        ("520602", "บ้านสา", "5206", "52"),  # อ.แจ้ห่ม
    ],
)
def test_lampang_programme_subdistricts_sit_in_their_district_and_province(
    code, name_th, district, province
):
    load_geography()

    subdistrict = Subdistrict.objects.select_related("district").get(pk=code)
    assert subdistrict.name_th == name_th
    assert subdistrict.district_id == district
    assert subdistrict.district.province_id == province
    assert subdistrict.postal_codes


def test_loading_twice_keeps_the_counts():
    load_geography()
    first = _counts()

    load_geography()

    assert _counts() == first


def test_reload_restores_an_edited_name():
    load_geography()
    Subdistrict.objects.filter(pk="520602").update(name_th="บ้านเสา")

    load_geography()

    assert Subdistrict.objects.get(pk="520602").name_th == "บ้านสา"


def test_command_prints_the_counts():
    out = StringIO()

    call_command("load_geography", stdout=out)

    assert "77 provinces" in out.getvalue()

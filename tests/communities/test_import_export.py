"""Import (dry run first, then all rows in one transaction) and export of the registry."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from communities.imports import COMMUNITY_COLUMNS, VALUE_COLUMNS
from communities.models import Community, IndicatorValue, ProgressVisit

from .helpers import register_many, tambons

pytestmark = pytest.mark.django_db

IMPORT = reverse("community_import")
CONFIRM = reverse("community_import_confirm")


@pytest.fixture
def nakhon_client(client):
    client.login(username="officer.nakhon@civ.example", password=_demo_password())
    return client


def _demo_password():
    from communities.management.commands.seed_demo import demo_password

    return demo_password()


def _rows(n=163):
    places = tambons("80")
    return [
        {
            "name_th": f"ชุมชนนำเข้า {i}",
            "name_en": f"Imported community {i}",
            "tambon_code": places[i % len(places)].code,
            "village_number": str(i % 12 + 1),
            "latitude": "8.4300",
            "longitude": "99.9600",
            "cohort_year": "2568",
            "members_count": str(10 + i),
            "activity": "craft",
        }
        for i in range(n)
    ]


def _csv(rows, columns=COMMUNITY_COLUMNS) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(text.getvalue().encode("utf-8"))
    upload.name = "communities.csv"
    return upload


def _errors(response) -> list[tuple[int, str]]:
    result = response.context["result"]
    return result.errors


def test_163_row_csv_with_3_bad_rows_lists_exactly_those_and_saves_nothing_until_fixed(
    nakhon_client,
):
    rows = _rows()
    before = Community.objects.count()
    bad = [dict(row) for row in rows]
    bad[9]["tambon_code"] = "999999"  # line 11
    bad[40]["name_th"], bad[40]["tambon_code"] = bad[39]["name_th"], bad[39]["tambon_code"]  # 42
    bad[120]["members_count"] = "สิบสอง"  # line 122

    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": _csv(bad)})

    errors = _errors(response)
    assert [line for line, _reason in errors] == [11, 42, 122]
    assert "999999" in errors[0][1]
    assert "41" in errors[1][1]  # the duplicate names the line it repeats
    assert "members_count" in errors[2][1]
    assert "token" not in response.context
    assert Community.objects.count() == before
    page = response.content.decode()
    assert page.count('class="import-error"') == 3

    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": _csv(rows)})
    assert _errors(response) == []
    assert Community.objects.count() == before  # a clean file is still only previewed

    response = nakhon_client.post(CONFIRM, {"token": response.context["token"]})

    assert response.status_code == 302
    imported = Community.objects.filter(name_th__startswith="ชุมชนนำเข้า ")
    assert imported.count() == 163
    assert set(imported.values_list("province_id", flat=True)) == {"80"}
    assert imported.get(name_th="ชุมชนนำเข้า 0").cohort_year == 2025  # 2568 BE


def test_import_refuses_rows_outside_the_officers_provinces(nakhon_client):
    rows = _rows(2)
    rows[1]["tambon_code"] = "520602"  # Lampang

    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": _csv(rows)})

    assert [line for line, _ in _errors(response)] == [3]


def test_import_finds_the_tambon_by_thai_names_with_prefixes(nakhon_client):
    place = tambons("80")[0]
    row = {
        "name_th": "ชุมชนตามชื่อ",
        "tambon": f"ต.{place.name_th}",
        "amphoe": f"อ.{place.district.name_th}",
        "province": "จ.นครศรีธรรมราช",
    }

    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": _csv([row])})
    nakhon_client.post(CONFIRM, {"token": response.context["token"]})

    assert Community.objects.get(name_th="ชุมชนตามชื่อ").subdistrict == place


def test_xlsx_import_reports_an_existing_community_as_duplicate(nakhon_client):
    existing = register_many(_officer(), 1)[0]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name_th", "tambon_code", "latitude", "longitude"])
    sheet.append([existing.name_th, existing.subdistrict_id, 8.43, 99.96])
    sheet.append(["ชุมชนใหม่", existing.subdistrict_id, 8.43, "ไม่ทราบ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "communities.xlsx"

    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": buffer})

    errors = _errors(response)
    assert [line for line, _ in errors] == [2, 3]
    with translation.override("th"):
        assert gettext("this community is already registered in this tambon") in errors[0][1]


def _officer():
    from .helpers import officer

    return officer()


def test_indicator_values_import_logs_one_visit_per_community_and_day(nakhon_client):
    community = register_many(_officer(), 1)[0]
    rows = [
        {
            "community_id": community.pk,
            "visited_on": "2026-01-15",
            "indicator": "visitors",
            "value": "120",
            "summary": "",
        },
        {
            "community_id": community.pk,
            "visited_on": "2026-01-15",
            "indicator": "monthly_revenue",
            "value": "18,500",
            "summary": "",
        },
        {
            "community_id": community.pk,
            "visited_on": "2026-02-15",
            "indicator": "visitors",
            "value": "150",
            "summary": "",
        },
    ]
    upload = _csv(rows, VALUE_COLUMNS)

    response = nakhon_client.post(IMPORT, {"kind": "values", "file": upload})
    nakhon_client.post(CONFIRM, {"token": response.context["token"]})

    assert ProgressVisit.objects.filter(community=community).count() == 2
    assert sorted(
        IndicatorValue.objects.filter(visit__community=community).values_list("value", flat=True)
    ) == [120, 150, 18500]


def test_indicator_values_import_lists_bad_rows(nakhon_client):
    community = register_many(_officer(), 1)[0]
    rows = [
        {
            "community_id": community.pk,
            "visited_on": "15/01/2026",
            "indicator": "visitors",
            "value": "1",
            "summary": "",
        },
        {
            "community_id": "999999",
            "visited_on": "2026-01-15",
            "indicator": "nope",
            "value": "x",
            "summary": "",
        },
    ]
    upload = _csv(rows, VALUE_COLUMNS)

    response = nakhon_client.post(IMPORT, {"kind": "values", "file": upload})

    assert [line for line, _ in _errors(response)] == [2, 3, 3, 3]
    assert not ProgressVisit.objects.filter(community=community).exists()


def test_export_csv_and_xlsx_hold_the_filtered_registry_and_reimport_as_duplicates(
    nakhon_client,
):
    register_many(_officer(), 3)
    url = reverse("community_list") + "?q=ชุมชนทดสอบ"

    csv_response = nakhon_client.get(url + "&export=csv")
    xlsx_response = nakhon_client.get(url + "&export=xlsx")

    lines = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert sorted(row["name_th"] for row in lines) == ["ชุมชนทดสอบ 0", "ชุมชนทดสอบ 1", "ชุมชนทดสอบ 2"]
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet.max_row == 4
    again = io.BytesIO(csv_response.content)
    again.name = "export.csv"
    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": again})
    assert len(_errors(response)) == 3  # the same communities are already registered


def test_community_members_cannot_import(client):
    client.login(username="member.maejaem@civ.example", password=_demo_password())

    assert client.get(IMPORT).status_code == 403


def test_save_all_pressed_twice_imports_once_and_leads_to_the_registry(nakhon_client):
    response = nakhon_client.post(IMPORT, {"kind": "communities", "file": _csv(_rows(3))})
    token = response.context["token"]

    first = nakhon_client.post(CONFIRM, {"token": token})
    second = nakhon_client.post(CONFIRM, {"token": token})

    assert first.url == second.url == reverse("community_list")
    assert Community.objects.filter(name_th__startswith="ชุมชนนำเข้า ").count() == 3

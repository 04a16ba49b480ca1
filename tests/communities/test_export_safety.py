"""The registry export cannot carry a live formula, and re-imports exactly as it was."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import Community
from communities.services import register_community

from .helpers import officer, tambons

pytestmark = pytest.mark.django_db

# Typed by a leader or an officer into the profile; each would run in Excel as it is.
TYPED = {
    "name_th": '=HYPERLINK("http://x","y")',
    "name_en": "=1+1",
    "contact_name": "=cmd|' /C calc'!A0",
    "contact_phone": "+66 81 234 5678",
    "identity_story": "@SUM(A1)",
    "main_activities": "-2+3 ทอผ้า\nย้อมคราม",
}


@pytest.fixture
def community():
    return register_community(officer(), subdistrict=tambons()[0], members_count=12, **TYPED)


@pytest.fixture
def nakhon_client(client):
    client.force_login(officer())
    return client


def _export(client, fmt):
    response = client.get(reverse("community_list") + f"?export={fmt}")
    assert response.status_code == 200
    return response.content


def test_the_csv_export_neutralises_every_typed_formula(nakhon_client, community):
    content = _export(nakhon_client, "csv").decode("utf-8-sig")

    (row,) = csv.DictReader(io.StringIO(content))
    for field, typed in TYPED.items():
        assert row[field] == "'" + typed
    assert row["members_count"] == "12"  # a number stays a number: written bare
    assert '"=' not in content and "\n=" not in content and ",=" not in content


def test_the_xlsx_export_has_no_formula_cell_and_numbers_stay_numbers(nakhon_client, community):
    sheet = load_workbook(io.BytesIO(_export(nakhon_client, "xlsx"))).active

    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    for field, typed in TYPED.items():
        assert row[field].value == "'" + typed
    assert row["members_count"].value == 12 and row["members_count"].data_type == "n"
    assert row["id"].value == community.pk


def test_a_control_character_in_a_name_no_longer_breaks_the_xlsx_export(nakhon_client, community):
    # Saved before forms refused control characters (or through another door).
    Community.objects.filter(pk=community.pk).update(name_th="ชุมชน\x1bแม่แจ๋ม", name_en="A\x07B")

    sheet = load_workbook(io.BytesIO(_export(nakhon_client, "xlsx"))).active

    assert [sheet["B2"].value, sheet["C2"].value] == ["ชุมชนแม่แจ๋ม", "AB"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_re_imports_with_the_values_exactly_as_typed(nakhon_client, community, fmt):
    upload = io.BytesIO(_export(nakhon_client, fmt))
    upload.name = f"communities.{fmt}"
    # Otherwise the dry run (rightly) reports the community as already registered.
    Community.objects.filter(pk=community.pk).update(name_th="ชื่อเดิม")

    response = nakhon_client.post(
        reverse("community_import"), {"kind": "communities", "file": upload}
    )

    result = response.context["result"]
    assert result.errors == []
    (row,) = result.rows
    assert {field: row[field] for field in TYPED} == TYPED
    assert row["subdistrict"] == community.subdistrict
    assert row["members_count"] == 12

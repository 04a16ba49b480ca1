"""The registry as a file: the same columns the import reads, so an export can be re-imported."""

import csv
import io

from .imports import COMMUNITY_COLUMNS

EXPORT_COLUMNS = ["id", *COMMUNITY_COLUMNS, "stage"]


def _row(community) -> list:
    subdistrict = community.subdistrict
    values = {
        "id": community.pk,
        "tambon_code": subdistrict.code,
        "tambon": subdistrict.name_th,
        "amphoe": subdistrict.district.name_th,
        "province": community.province.name_th,
        "stage": community.stage,
    }
    return [
        values[column] if column in values else getattr(community, column)
        for column in EXPORT_COLUMNS
    ]


def _cell(value):
    return "" if value is None else value


def communities_csv(queryset) -> bytes:
    """UTF-8 with a BOM, so Excel opens Thai text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for community in queryset.iterator(chunk_size=1000):
        writer.writerow([_cell(v) for v in _row(community)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def communities_xlsx(queryset) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("communities")
    sheet.append(EXPORT_COLUMNS)
    for community in queryset.iterator(chunk_size=1000):
        sheet.append([_cell(v) for v in _row(community)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

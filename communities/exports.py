"""The registry as a file: the same columns the import reads, so an export can be re-imported."""

from itertools import chain

from civportal.spreadsheets import XlsxWorkbook, csv_bytes

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


def _rows(queryset):
    return (_row(community) for community in queryset.iterator(chunk_size=1000))


def communities_csv(queryset) -> bytes:
    return csv_bytes(chain([EXPORT_COLUMNS], _rows(queryset)))


def communities_xlsx(queryset) -> bytes:
    workbook = XlsxWorkbook()
    sheet = workbook.add_sheet("communities", EXPORT_COLUMNS)
    for row in _rows(queryset):
        sheet.append(row)
    return workbook.to_bytes()

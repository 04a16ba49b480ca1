"""Thailand's official geography (จังหวัด → อำเภอ → ตำบล) from the offline ``geothai`` package."""

import geothai
from django.db import transaction

from .models import District, Province, Subdistrict

# Postgres accepts at most 65,535 bound parameters per statement; 2,000 subdistrict
# rows of five columns stay well under it.
BATCH_SIZE = 2000


def _upsert(model, rows, update_fields) -> int:
    model.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=update_fields,
    )
    return len(rows)


@transaction.atomic
def load_geography() -> dict[str, int]:
    """Insert or update every province, district and subdistrict, keyed by the DOPA code.

    Upserting (rather than get_or_create per row) keeps it to a handful of statements, so
    a fresh database is filled in seconds and a second run only refreshes the names.
    Returns the number of rows loaded per level.
    """
    provinces = geothai.provinces()
    districts = [d for p in provinces for d in geothai.districts(p.code)]
    subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]
    return {
        "provinces": _upsert(
            Province,
            [Province(code=p.code, name_th=p.name_th, name_en=p.name_en) for p in provinces],
            ["name_th", "name_en"],
        ),
        "districts": _upsert(
            District,
            [
                District(
                    code=d.code, name_th=d.name_th, name_en=d.name_en, province_id=d.province_code
                )
                for d in districts
            ],
            ["name_th", "name_en", "province"],
        ),
        "subdistricts": _upsert(
            Subdistrict,
            [
                Subdistrict(
                    code=s.code,
                    name_th=s.name_th,
                    name_en=s.name_en,
                    district_id=s.district_code,
                    # Space-separated, as geothai ships them; a tambon may span post zones.
                    postal_codes=" ".join(s.postal_codes),
                )
                for s in subdistricts
            ],
            ["name_th", "name_en", "district", "postal_codes"],
        ),
    }

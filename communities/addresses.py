"""How an address prints: "ต.แจ้ซ้อน อ.เมืองปาน จ.ลำปาง" in Thai, "Chae Son, Mueang Pan,
Lampang" in English. Bangkok has แขวง/เขต instead of ตำบล/อำเภอ and is not a จังหวัด."""

from django.utils.translation import get_language

BANGKOK_CODE = "10"


def _is_thai(language: str | None) -> bool:
    return (language or get_language() or "th").startswith("th")


def format_address(
    subdistrict, province=None, *, with_province: bool = True, language: str | None = None
) -> str:
    """One line naming the tambon, the amphoe and (unless told not to) the province.
    Pass the province when the caller already holds it (a community's), to spare a query."""
    if subdistrict is None:
        return ""
    district = subdistrict.district
    province = province or district.province
    if not _is_thai(language):
        names = [subdistrict.name_en or subdistrict.name_th, district.name_en or district.name_th]
        if with_province:
            names.append(province.name_en or province.name_th)
        return ", ".join(names)
    if province.code == BANGKOK_CODE:
        parts = [f"แขวง{subdistrict.name_th}", f"เขต{district.name_th}"]
        province_part = province.name_th
    else:
        parts = [f"ต.{subdistrict.name_th}", f"อ.{district.name_th}"]
        province_part = f"จ.{province.name_th}"
    if with_province:
        parts.append(province_part)
    return " ".join(parts)

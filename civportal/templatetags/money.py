"""Prices the Thai way, in one filter used wherever a price is shown.

``{{ product.price|baht:product.unit }}`` → "฿260 / ถุง" in Thai, "฿260 / bag" in English;
"฿1,250.50" when there are satang, never "260.00". A builtin (settings.TEMPLATES), like
the date filters, so pages and e-mails need no ``{% load %}``.
"""

import re
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

BAHT = "฿"

# Units (ลักษณนาม and measures) members write, as an English page reads them. A unit with
# a Thai word not listed here is shown as written: better Thai than half a translation.
UNITS_EN = {
    "ถุง": "bag",
    "ขวด": "bottle",
    "กล่อง": "box",
    "ห่อ": "pack",
    "แพ็ค": "pack",
    "แพ็ก": "pack",
    "ซอง": "sachet",
    "กระปุก": "jar",
    "ชิ้น": "piece",
    "อัน": "piece",
    "ตัว": "piece",
    "ใบ": "piece",
    "ผืน": "piece",
    "แผ่น": "sheet",
    "ชุด": "set",
    "คู่": "pair",
    "ก้อน": "bar",
    "ม้วน": "roll",
    "มัด": "bundle",
    "ถาด": "tray",
    "ตะกร้า": "basket",
    "เล่ม": "copy",
    "กิโลกรัม": "kg",
    "กก.": "kg",
    "กรัม": "g",
    "ก.": "g",
    "ลิตร": "litre",
    "มิลลิลิตร": "ml",
    "มล.": "ml",
    "เมตร": "metre",
    "หลา": "yard",
    "คน": "person",
    "ท่าน": "person",
    "วัน": "day",
    "คืน": "night",
}
THAI_WORD = re.compile(r"[\u0E00-\u0E7F]+\.?")


def unit_in_reader_language(unit: str) -> str:
    """The unit on an English page: "ถุง (250 กรัม)" → "bag (250 g)"; Thai pages keep it."""
    unit = (unit or "").strip()
    if get_language() != "en" or not unit:
        return unit
    words = THAI_WORD.findall(unit)
    if not all(word in UNITS_EN for word in words):
        return unit
    return THAI_WORD.sub(lambda match: UNITS_EN[match.group(0)], unit)


def format_baht(amount) -> str:
    """฿260, ฿1,250, ฿1,250.50: satang only when there are some."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if value == value.to_integral_value():
        return f"{BAHT}{value:,.0f}"
    return f"{BAHT}{value:,.2f}"


@register.filter
def baht(amount, unit: str = "") -> str:
    """``{{ price|baht }}`` → ฿260; ``{{ price|baht:unit }}`` → ฿260 / ถุง (bag in English)."""
    if amount is None or amount == "":
        return ""
    price = format_baht(amount)
    if not price:
        return ""
    unit = unit_in_reader_language(unit)
    return f"{price} / {unit}" if unit else price

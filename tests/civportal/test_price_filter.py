"""Prices the Thai way: ฿260 / ถุง, satang only when there are some, one filter everywhere."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from civportal.templatetags.money import baht


@pytest.mark.parametrize(
    ("amount", "unit", "thai"),
    [
        (Decimal("260.00"), "ถุง", "฿260 / ถุง"),
        (Decimal("260"), "", "฿260"),
        (Decimal("1250.50"), "ขวด", "฿1,250.50 / ขวด"),
        (Decimal("1250.5"), "", "฿1,250.50"),
        (Decimal("0.25"), "ซอง", "฿0.25 / ซอง"),
        (Decimal("1000000.00"), "ชุด", "฿1,000,000 / ชุด"),
        (Decimal("99.999"), "", "฿100"),  # rounded to satang first
        ("35.00", "ขวด", "฿35 / ขวด"),  # a string, as a form's initial value may be
        (Decimal("0"), "ชิ้น", "฿0 / ชิ้น"),
    ],
)
def test_thai_prices_drop_zero_satang_and_group_thousands(amount, unit, thai):
    with translation.override("th"):
        assert baht(amount, unit) == thai


@pytest.mark.parametrize(
    ("unit", "english"),
    [
        ("ถุง", "฿260 / bag"),
        ("ถุง (250 กรัม)", "฿260 / bag (250 g)"),
        ("ถุง (1 กิโลกรัม)", "฿260 / bag (1 kg)"),
        ("ขวด", "฿260 / bottle"),
        # A unit with a word the list does not know stays as the member wrote it.
        ("ผืนใหญ่พิเศษ", "฿260 / ผืนใหญ่พิเศษ"),
        ("ถุงผ้ามัดย้อม", "฿260 / ถุงผ้ามัดย้อม"),
        ("box of 6", "฿260 / box of 6"),
    ],
)
def test_english_pages_read_the_unit_in_english_where_it_is_known(unit, english):
    with translation.override("en"):
        assert baht(Decimal("260.00"), unit) == english


@pytest.mark.parametrize("amount", [None, "", "not a number"])
def test_no_price_shows_nothing_rather_than_a_wrong_figure(amount):
    assert baht(amount, "ถุง") == ""


def test_the_filter_is_a_builtin_and_escapes_what_the_member_typed():
    template = engines["django"].from_string("{{ price|baht:unit }}")
    with translation.override("th"):
        html = template.render({"price": Decimal("260.00"), "unit": "<b>ถุง</b>"})
    assert html == "฿260 / &lt;b&gt;ถุง&lt;/b&gt;"


@pytest.mark.django_db
def test_every_page_showing_a_price_uses_the_thai_form(client):
    """Catalogue, product page, community page (public) and the member's pages."""
    from accounts.models import User
    from products.models import Product

    coffee = Product.objects.get(name_th="กาแฟคั่วโอ่ง")  # 250.00 per ถุง (250 กรัม)
    public = [
        "/catalogue/",
        f"/p/{coffee.pk}/",
        f"/c/{coffee.community_id}/",
    ]
    for path in public:
        page = client.get(path).content.decode()
        assert "฿250 / ถุง (250 กรัม)" in page, path
        # Only the machine-readable <meta product:price:amount> keeps its satang.
        assert "250.00 บาท" not in page and "฿250.00" not in page, path
    client.force_login(User.objects.get(email="member.maejaem@civ.example"))
    for name in ("product_list", "product_detail"):
        from django.urls import reverse

        url = reverse(name, args=[coffee.pk]) if name == "product_detail" else reverse(name)
        page = client.get(url).content.decode()
        assert "฿250 / ถุง (250 กรัม)" in page, url
        assert "250.00 บาท" not in page and "฿250.00" not in page, url

"""Thai-aware catalogue search: partial Thai words, English names, published listings only."""

import pytest

from products.models import Product
from products.selectors import CatalogueFilter, catalogue
from products.services import create_product, submit_product

pytestmark = pytest.mark.django_db


def names(q, **filters):
    return {product.name_th for product in catalogue(CatalogueFilter(q=q, **filters))}


def test_kafae_finds_the_jar_roasted_coffee():
    assert "กาแฟคั่วโอ่ง" in names("กาแฟ")


def test_manao_finds_the_lime_powder_and_the_bottled_lime_juice():
    assert names("มะนาว") == {"มะนาวผง", "น้ำมะนาวบรรจุขวด"}


def test_coffee_in_english_finds_the_coffee_by_its_english_name():
    assert names("coffee") == {"กาแฟคั่วโอ่ง"}


def test_a_typo_in_english_still_finds_the_coffee():
    assert "กาแฟคั่วโอ่ง" in names("cofee")


def test_every_word_typed_must_match():
    assert names("มะนาว ขวด") == {"น้ำมะนาวบรรจุขวด"}


def test_draft_and_submitted_products_never_appear(lime_powder, paentai_member):
    draft = create_product(
        paentai_member,
        lime_powder.community,
        name_th="มะนาวดองร่าง",
        category=Product.Category.FOOD,
        price=50,
        unit="กระปุก",
    )
    submitted = create_product(
        paentai_member,
        lime_powder.community,
        name_th="มะนาวแช่อิ่มรอตรวจ",
        category=Product.Category.FOOD,
        price=60,
        unit="กระปุก",
    )
    submit_product(paentai_member, submitted)
    found = names("มะนาว")
    assert draft.name_th not in found and submitted.name_th not in found
    assert names("") >= {"มะนาวผง"} and not names("") & {draft.name_th, submitted.name_th}


def test_filters_by_category_and_price_range():
    assert names("", category=Product.Category.DRINK, price_max=30) == {"น้ำข้าวกล้อง"}
    assert names("", price_min=200) == {"กาแฟคั่วโอ่ง"}


def test_filters_by_certification(lime_powder):
    Product.objects.filter(pk=lime_powder.pk).update(otop_stars=4)
    assert names("", certification="otop") == {"มะนาวผง"}
    assert names("", certification="gap") == set()


def test_filters_by_province():
    assert len(names("", province="52")) == 6
    assert names("", province="19") == set()


def test_a_mistyped_price_is_ignored_but_the_search_still_applies(client):
    page = client.get("/catalogue/", {"q": "มะนาว", "price_min": "abc"}).content.decode()
    assert "มะนาวผง" in page and "กาแฟคั่วโอ่ง" not in page

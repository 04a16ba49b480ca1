"""On a phone: a member lists a product with two photos, the officer publishes it, a buyer
finds it and writes, and the member reads the enquiry."""

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from PIL import Image

from products.models import Product
from tests.browser.helpers import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "มะนาวผง สูตรใหม่"


@pytest.fixture
def photos(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    paths = []
    for name, color in (("front.jpg", (230, 200, 40)), ("back.jpg", (40, 160, 60))):
        buffer = BytesIO()
        Image.new("RGB", (1200, 900), color).save(buffer, "JPEG")
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


def test_member_lists_officer_publishes_buyer_enquires_member_reads(phone_page, photos):
    page = phone_page
    cache.delete("enquiry-rate:127.0.0.1")

    # A member of บ้านแป้นใต้ adds the product with two photos from the phone and submits it.
    sign_in(page, "member.paentai@civ.example")
    page.goto("/products/new/")
    page.fill("input[name=name_th]", NAME)
    page.fill("input[name=name_en]", "Lime powder, new recipe")
    page.select_option("select[name=category]", "food")
    page.fill("textarea[name=story]", "มะนาวแป้นจากสวนในชุมชน อบแห้งแล้วบดเป็นผง")
    page.fill("input[name=price]", "140")
    page.fill("input[name=unit]", "ถุง (100 กรัม)")
    page.set_input_files("input[name=photos]", photos)
    page.click("main form [type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    assert page.locator(".product-photos img").count() == 2
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state()
    product = Product.objects.get(name_th=NAME)
    assert product.status == Product.Status.SUBMITTED
    assert product.images.count() == 2
    sign_out(page)

    # Not on the public site while it waits for review.
    page.goto("/catalogue/?q=สูตรใหม่")
    assert NAME not in page.content()

    # A Lampang officer publishes it from the review list.
    sign_in(page, "officer.lampang@civ.example")
    page.goto("/products/")
    page.click(f"a:has-text('{NAME}')")
    page.click(".review form:first-of-type button")
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED
    sign_out(page)

    # A buyer finds it in the catalogue and by searching, and sends an enquiry.
    page.goto("/catalogue/")
    assert NAME in page.content()
    page.fill("input[name=q]", "มะนาว")
    page.click(".search-row button")
    page.wait_for_url(re.compile(r"q="))
    page.click(f".product-card a:has-text('{NAME}')")
    page.wait_for_url(re.compile(rf"/p/{product.pk}/$"))
    assert page.locator("meta[property='og:title']").get_attribute("content").startswith(NAME)
    page.click(f"a[href='/p/{product.pk}/enquire/']")
    page.fill("input[name=name]", "ร้านของฝากเชียงใหม่")
    page.fill("input[name=contact]", "081-234-5678")
    page.fill("input[name=quantity]", "30")
    page.fill("textarea[name=message]", "ขอราคาส่ง 30 ถุงครับ")
    page.click("main form [type=submit]")
    page.wait_for_url(re.compile(r"/enquire/sent/$"))

    # The member sees it.
    sign_in(page, "member.paentai@civ.example")
    page.goto("/products/enquiries/")
    row = page.locator("li.enquiry", has_text="ขอราคาส่ง 30 ถุงครับ")
    assert row.count() == 1
    assert "081-234-5678" in row.inner_text()

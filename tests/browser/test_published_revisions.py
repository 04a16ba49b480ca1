"""On a phone: a member changes a published listing's price; it stays public at the old
price until an officer, seeing 250 → 260, publishes it; then she archives it (confirmed)
and restores it. axe-core finds nothing serious on the pages visited."""

import re
from decimal import Decimal

import pytest

from products.models import Product
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_figure(page, pk) -> str:
    page.goto(f"/p/{pk}/")
    return page.locator("main .figure").inner_text()


def confirm_in_dialog(page, href, url_pattern):
    page.click(f"a[href='{href}']")
    dialog = page.locator("dialog.confirm-dialog[open]")
    dialog.wait_for()
    assert_accessible(page)
    dialog.locator("button[type=submit]").click()
    page.wait_for_url(url_pattern)
    page.wait_for_load_state()


def test_a_price_change_stays_off_the_public_page_until_published(phone_page):
    page = phone_page
    product = Product.objects.get(name_th="มะนาวผง")
    Product.objects.filter(pk=product.pk).update(price=Decimal("250"))
    detail = re.compile(rf"/products/{product.pk}/$")

    # The member edits the price on her phone.
    sign_in(page, "member.paentai@civ.example")
    page.goto(f"/products/{product.pk}/edit/")
    assert_accessible(page)
    page.fill("input[name=price]", "260")
    page.click("main form [type=submit].btn-primary")
    page.wait_for_url(detail)
    assert page.locator("[data-pending-notice]").is_visible()
    assert "260" in page.locator("main .figure").inner_text()  # her version
    assert_accessible(page)

    # The public still sees 250.
    shown = public_figure(page, product.pk)
    assert "250" in shown and "260" not in shown
    assert_accessible(page)
    sign_out(page)

    # The officer sees what changed and publishes.
    sign_in(page, "officer.lampang@civ.example")
    page.goto(f"/products/{product.pk}/")
    changes = page.locator("[data-changes]").inner_text()
    assert "250.00" in changes and "260.00" in changes
    assert_accessible(page)
    page.click(f"form[action='/products/{product.pk}/publish/'] button[type=submit]")
    page.wait_for_url(detail)
    assert page.locator("[data-changes]").count() == 0
    assert "260" in public_figure(page, product.pk)
    sign_out(page)

    # The member archives it (confirmed), then restores it (confirmed).
    sign_in(page, "member.paentai@civ.example")
    page.goto(f"/products/{product.pk}/")
    confirm_in_dialog(page, f"/products/{product.pk}/archive/", detail)
    assert Product.objects.get(pk=product.pk).status == Product.Status.ARCHIVED
    assert page.goto(f"/p/{product.pk}/").status == 404
    page.goto(f"/products/{product.pk}/")
    assert_accessible(page)
    confirm_in_dialog(page, f"/products/{product.pk}/restore/", detail)
    assert Product.objects.get(pk=product.pk).status == Product.Status.PUBLISHED
    assert page.locator(".messages .success").count() == 1
    assert "260" in public_figure(page, product.pk)

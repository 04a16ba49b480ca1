"""The public community page on a 390 px phone: a shop window a buyer can act on — contact
buttons within thumb reach, product cards with photos and Thai prices, public events —
with nothing scrolling sideways and no serious or critical axe-core finding."""

import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Community
from mentorship.models import TrainingSession
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import sign_in
from tests.browser.test_phones import CUT_WORDS, screenshot_folder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _public_session(community, title, *, days, is_public):
    mou = community.mous.first()
    starts = timezone.now() + timedelta(days=days)
    session = TrainingSession.objects.create(
        mou=mou,
        area=mou.areas.first(),
        title=title,
        venue="ศาลาอเนกประสงค์บ้านแป้นใต้",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        created_by=mou.created_by,
        is_public=is_public,
    )
    session.communities.add(
        community, through_defaults={"period": (starts, starts + timedelta(hours=3))}
    )


def test_a_buyer_on_a_phone_sees_the_shop_window_and_can_call(
    phone_page, tmp_path, settings, seed_media
):
    page = phone_page
    # The demo rows may be the session's seed (a first transactional test finds them):
    # their photos are in seed_media, this test's uploads folder gets a copy.
    shutil.copytree(seed_media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    paen_tai = Community.objects.get(subdistrict_id="520602")
    _public_session(paen_tai, "ตลาดนัดผลิตภัณฑ์มะนาว", days=5, is_public=True)
    _public_session(paen_tai, "อบรมภายในของบริษัท", days=6, is_public=False)

    response = page.goto(f"/c/{paen_tai.pk}/")
    assert response.status == 200
    page.wait_for_load_state("load")
    page.screenshot(path=str(screenshot_folder(tmp_path) / "shop-window.png"), full_page=True)

    # Contact buttons the community published, big enough for a thumb.
    call = page.locator(".contact-buttons a.contact-phone")
    call.scroll_into_view_if_needed()
    assert call.is_visible()
    assert call.get_attribute("href") == "tel:+66-54-000-103"
    assert call.bounding_box()["height"] >= 44
    line = page.locator(".contact-buttons a.contact-line")
    assert line.get_attribute("href") == "https://line.me/R/ti/p/~demo.paentai"
    assert line.get_attribute("rel") == "noopener nofollow"
    assert page.locator(".contact-buttons a.contact-website").count() == 0  # not published

    # Products as cards, each with its photo loaded and a Thai price.
    cards = page.locator(".product-card")
    assert cards.count() == 2
    for index in range(cards.count()):
        image = cards.nth(index).locator("img")
        image.scroll_into_view_if_needed()
        page.wait_for_function("(img) => img.complete", arg=image.element_handle())
        assert image.evaluate("(img) => img.naturalWidth") > 0, image.get_attribute("src")
    assert "฿120 / ถุง (100 กรัม)" in cards.first.inner_text() + cards.last.inner_text()

    events = page.locator(".public-events").inner_text()
    assert "ตลาดนัดผลิตภัณฑ์มะนาว" in events and "อบรมภายในของบริษัท" not in events

    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"
    assert page.evaluate(CUT_WORDS) == []
    assert_accessible(page)


def test_a_leader_publishes_a_shop_link_from_the_phone_after_a_clear_refusal(phone_page):
    page = phone_page
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    sign_in(page, "leader.maejaem@civ.example")
    page.goto(f"/communities/{mae_jaem.pk}/edit/")
    page.fill("input[name=members_count]", "61")
    page.fill("input[name=shopee_url]", "https://shopee.example/maejaem")
    page.check("input[name=publish_shopee_url]")
    page.click("form .form-actions button[type=submit]")
    page.wait_for_load_state()

    error = page.locator(".has-error .errorlist")
    assert "ลิงก์นี้ไม่ใช่ที่อยู่ของ Shopee" in error.inner_text()
    assert page.input_value("input[name=members_count]") == "61"  # nothing typed is lost
    assert page.is_checked("input[name=publish_shopee_url]")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert_accessible(page)

    page.fill("input[name=shopee_url]", "https://shopee.co.th/maejaem.coffee")
    page.click("form .form-actions button[type=submit]")
    page.wait_for_url(f"**/communities/{mae_jaem.pk}/")
    mae_jaem.refresh_from_db()
    assert (mae_jaem.members_count, mae_jaem.shopee_url) == (
        61,
        "https://shopee.co.th/maejaem.coffee",
    )

    page.goto(f"/c/{mae_jaem.pk}/")
    shop = page.locator(".contact-buttons a.contact-shopee")
    assert shop.get_attribute("href") == "https://shopee.co.th/maejaem.coffee"
    assert shop.inner_text().strip() == "ซื้อบน Shopee"

"""On a 390 px phone every page of every role fits the screen: tables become cards, nothing
scrolls sideways, Thai words are never cut mid-word; and axe-core finds no serious or
critical accessibility problem. Screenshots go to $CIV_SCREENSHOTS (or the test's tmp
folder) for a person to look at."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from communities.models import Community
from mentorship.models import MOU, TrainingSession
from products.models import Product
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import sign_in
from tests.mentorship.conftest import bangkok, book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390

# Every Thai word (the browser's own dictionary segmentation, Intl.Segmenter) must sit on
# one line: a word whose characters are drawn on two lines was cut. Text too narrow to be
# read (visually hidden, 1 px wide) is skipped.
CUT_WORDS = """() => {
  const thai = /[\\u0E00-\\u0E7F]/;
  const words = new Intl.Segmenter("th", {granularity: "word"});
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const cut = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    const box = node.parentElement.getBoundingClientRect();
    if (!thai.test(text) || box.width < 20) continue;
    for (const word of words.segment(text)) {
      if (!word.isWordLike || word.segment.length < 2 || !thai.test(word.segment)) continue;
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word.segment.length);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
      if (tops.length && Math.max(...tops) - Math.min(...tops) > 8) {
        cut.push(word.segment + " ‹" + text.trim().slice(0, 50) + "›");
      }
    }
  }
  return cut;
}"""

# Styles that cut words anywhere, and boxes whose content scrolls sideways inside them.
BAD_BREAKS = """() => [...document.querySelectorAll("main *")].filter((el) => {
  const style = getComputedStyle(el);
  return /[\\u0E00-\\u0E7F]/.test(el.textContent)
    && (style.wordBreak === "break-all" || style.overflowWrap === "anywhere");
}).map((el) => el.tagName + "." + el.className)"""
SIDEWAYS = """() => [...document.querySelectorAll("main *")].filter((el) => {
  const style = getComputedStyle(el);
  return ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
}).map((el) => el.tagName + "." + el.className)"""


# What a villager on a phone does not know, never shown to members and leaders: English
# product names, file formats, tech words (see ../shared/seed/GLOSSARY-th.md).
VILLAGER_JARGON = re.compile(
    r"แดชบอร์ด|CIV Portal|iCal|\.ics\b|พิกเซล|JPEG|PNG|WebP|ฟีด|\bDIP\b|ผู้เชี่ยวชาญพี่เลี้ยง"
)
# One-word buttons that do not say what they act on.
BARE_BUTTONS = {"กรอง", "ล้าง"}
VILLAGERS = {"member.maejaem@civ.example", "leader.maejaem@civ.example"}


def assert_plain_thai_for_villagers(page, path):
    """No jargon in what the page shows, no bare one-word buttons, and CIV spelled out."""
    text = page.locator("body").inner_text()
    assert not VILLAGER_JARGON.findall(text), (path, VILLAGER_JARGON.findall(text))
    buttons = {b.strip() for b in page.locator("button, a.btn").all_inner_texts()}
    assert not buttons & BARE_BUTTONS, (path, buttons & BARE_BUTTONS)
    assert "หมู่บ้านอุตสาหกรรมสร้างสรรค์ (Creative Industry Village: CIV)" in text, path


def screenshot_folder(tmp_path) -> Path:
    folder = Path(os.environ.get("CIV_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_fits(page, path, folder, name):
    response = page.goto(path)
    assert response.status == 200, path
    page.wait_for_load_state("load")
    shot = folder / f"{name}{re.sub(r'[^a-z0-9]+', '-', path)}.png"
    page.screenshot(path=str(shot), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{path}: the page is {width} px wide"
    assert page.evaluate(SIDEWAYS) == [], path
    assert page.evaluate(BAD_BREAKS) == [], path
    assert page.evaluate(CUT_WORDS) == [], path
    assert_accessible(page)


def _pages(email):
    mou = MOU.objects.order_by("pk").first().pk
    community = Community.objects.get(subdistrict__code="521304").pk
    session = TrainingSession.objects.order_by("pk").first().pk
    coffee = Product.objects.get(name_th="กาแฟคั่วโอ่ง").pk
    month = (timezone.localdate() + timedelta(days=3)).strftime("%Y-%m")
    training = [
        "/training/",
        f"/training/month/?month={month}",
        "/training/week/",
        f"/training/day/?date={timezone.localdate() + timedelta(days=3)}",
        "/training/totals/",
        f"/training/sessions/{session}/",
    ]
    return {
        "officer.lampang@civ.example": [
            "/dashboard/",
            "/communities/",
            f"/communities/{community}/",
            f"/communities/{community}/visits/new/",
            "/mous/",
            f"/mous/{mou}/",
            f"/mous/{mou}/edit/",
            "/products/",
            "/reports/",
            *training,
        ],
        "coordinator@civ.example": ["/dashboard/", "/mous/", f"/mous/{mou}/", *training],
        "mentor@civ.example": ["/dashboard/", f"/mous/{mou}/", *training],
        "member.maejaem@civ.example": [
            "/dashboard/",
            "/products/",
            f"/products/{coffee}/",
            "/products/enquiries/",
            *training,
        ],
        "leader.maejaem@civ.example": [
            "/dashboard/",
            f"/communities/{community}/",
            "/products/",
            "/products/new/",
            f"/products/{coffee}/",
            "/products/enquiries/",
            f"/people/community/{community}/",
            "/notifications/",
            "/training/feed/",
            *training,
        ],
        "staff@civ.example": ["/dashboard/", "/communities/", "/mous/"],
    }[email]


@pytest.mark.parametrize(
    "email",
    [
        "officer.lampang@civ.example",
        "coordinator@civ.example",
        "mentor@civ.example",
        "member.maejaem@civ.example",
        "leader.maejaem@civ.example",
        "staff@civ.example",
    ],
)
def test_every_page_fits_a_phone_without_cut_thai_words(phone_page, tmp_path, email):
    book(starts_at=bangkok(3, 9), title="การตลาดออนไลน์สำหรับผลิตภัณฑ์ชุมชนบ้านแม่แจ๋ม")
    book(starts_at=bangkok(-2, 9), title="ถ่ายภาพผลิตภัณฑ์ด้วยโทรศัพท์มือถือ")
    folder = screenshot_folder(tmp_path)
    sign_in(phone_page, email)
    for path in _pages(email):
        check_fits(phone_page, path, folder, email.split("@")[0])
        if email in VILLAGERS:
            assert_plain_thai_for_villagers(phone_page, path)


def test_the_month_calendar_is_accessible_on_a_laptop_and_a_phone(wide_page, phone_page):
    book(starts_at=bangkok(3, 9))
    month = (timezone.localdate() + timedelta(days=3)).strftime("%Y-%m")
    for page in (wide_page, phone_page):
        sign_in(page, "mentor@civ.example")
        page.goto(f"/training/month/?month={month}")
        assert page.locator(".cal-session").count() >= 1
        assert_accessible(page)

"""Each demo role signs in through the real login page and sees its dashboard in Thai."""

import pytest
from django.utils import timezone

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("staff@civ.example", "หน้าหลักโครงการ", "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"),
    ("officer.lampang@civ.example", "หน้าหลักเจ้าหน้าที่", "ชุมชนบ้านแป้นใต้"),
    ("coordinator@civ.example", "หน้าหลักบริษัทพี่เลี้ยง", "ชุมชนบ้านแจ้คอน"),
    ("mentor@civ.example", "หน้าหลักบริษัทพี่เลี้ยง", "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"),
    ("leader.maejaem@civ.example", "หน้าหลัก", "กาแฟคั่วโอ่ง"),
    ("member.paentai@civ.example", "หน้าหลัก", "มะนาวผง"),
]


@pytest.mark.parametrize(("email", "heading", "in_scope"), ROLES)
def test_each_role_sees_its_thai_dashboard_with_a_buddhist_era_date(page, email, heading, in_scope):
    sign_in(page, email)
    assert page.locator("html").get_attribute("lang") == "th"
    assert heading in page.locator("h1").inner_text()
    today = timezone.localdate()
    assert str(today.year + 543) in page.locator(".today").inner_text()
    assert str(today.year) not in page.locator(".today").inner_text()
    assert in_scope in page.content()


def test_english_switch_shows_the_common_era(page):
    sign_in(page, "officer.lampang@civ.example")
    page.select_option("#language", "en")
    page.click(".lang-form button")
    page.wait_for_load_state()
    assert "Officer dashboard" in page.locator("h1").inner_text()
    assert str(timezone.localdate().year) in page.locator(".today").inner_text()

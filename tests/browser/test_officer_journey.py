"""An officer of นครศรีธรรมราช registers a community, logs a visit, moves its stage, and sees
all of it on the timeline; an officer of สระบุรี cannot open the community."""

import re
from urllib.parse import urlparse

import pytest

from communities.models import Community, Subdistrict
from tests.browser.helpers import choose_place, sign_in, submitted_to
from tests.communities.helpers import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main form button[type=submit]"


def test_nakhon_officer_registers_visits_and_moves_a_community_saraburi_gets_404(
    page, browser, live_server
):
    place = (
        Subdistrict.objects.filter(district__province_id="80")
        .select_related("district")
        .order_by("-code")
        .first()
    )
    sign_in(page, "officer.nakhon@civ.example")

    page.goto("/communities/new/")
    page.fill("#id_name_th", "ชุมชนผ้ายกเมืองนคร")
    page.fill("#id_name_en", "Nakhon Brocade Community")
    choose_place(page, place)
    page.fill("#id_members_count", "25")
    page.click(SUBMIT)
    submitted_to(page, re.compile(r"/communities/\d+/$"))
    community = Community.objects.get(name_th="ชุมชนผ้ายกเมืองนคร")
    assert community.subdistrict_id == place.code

    page.click("a[href$='/visits/new/']")
    page.fill("#id_summary", "ประชุมกลุ่มทอผ้า วางแผนลายผ้าใหม่")
    page.set_input_files(
        "#id_photos", files=[{"name": "visit.png", "mimeType": "image/png", "buffer": png().read()}]
    )
    page.fill("#id_indicator_monthly_revenue", "12500")
    page.fill("#id_indicator_active_members", "18")
    page.click(SUBMIT)
    page.wait_for_url(re.compile(rf"/communities/{community.pk}/$"))

    page.click("a[href$='/stage/']")
    page.select_option("#id_to_stage", "developing")
    page.fill("#id_reason", "กลุ่มทอผ้าพร้อมพัฒนาผลิตภัณฑ์")
    page.click(SUBMIT)
    page.wait_for_url(re.compile(rf"/communities/{community.pk}/$"))

    timeline = page.locator(".timeline")
    assert timeline.locator(".timeline-registered").count() == 1
    visit = timeline.locator(".timeline-visit")
    assert "ประชุมกลุ่มทอผ้า" in visit.inner_text()
    assert "รายได้ต่อเดือน: 12,500" in visit.inner_text()
    assert "สมาชิกที่ร่วมกิจกรรม: 18" in visit.inner_text()
    assert visit.locator("img").count() == 1
    assert visit.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    stage = timeline.locator(".timeline-stage")
    assert "กลุ่มทอผ้าพร้อมพัฒนาผลิตภัณฑ์" in stage.inner_text()
    # Newest first: the stage move, then the visit, then the registration.
    kinds = timeline.locator("> li").evaluate_all("items => items.map(li => li.className)")
    assert kinds == ["timeline-stage", "timeline-visit", "timeline-registered"]

    other = browser.new_context(base_url=live_server.url, timezone_id="Asia/Bangkok")
    saraburi = other.new_page()
    sign_in(saraburi, "officer.saraburi@civ.example")
    response = saraburi.goto(f"/communities/{community.pk}/")
    assert urlparse(response.url).path == f"/communities/{community.pk}/"
    assert response.status == 404
    assert "ชุมชนผ้ายกเมืองนคร" not in saraburi.content()
    other.close()

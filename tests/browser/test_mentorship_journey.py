"""The Big Brother journey: invite a mentor, assign, schedule, register, attend, see hours."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Invitation, User
from communities.models import Community
from mentorship.models import MOU, MentoringArea, TrainingSession
from mentorship.selectors import Delivery, delivery_by_area
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_MENTOR = "somsak.mentor@scg.example"
NEW_PASSWORD = "kaffee-jar-roast-2569"


def submit(page):
    page.click("main form [type=submit]")
    page.wait_for_load_state()


def test_coordinator_invites_assigns_mentor_schedules_member_registers_hours_show(page, phone_page):
    mou = MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    online = MentoringArea.objects.get(code="online_marketing")
    # What the demo's own delivered sessions already count, in this area and in all.
    by_area, total_before, _count = delivery_by_area(mou)
    area_before = dict(by_area).get(online) or Delivery()

    # The coordinator invites a mentor from the MOU page.
    sign_in(page, "coordinator@civ.example")
    page.goto(f"/mous/{mou.pk}/")
    page.click("a[href='/training/mentors/invite/']")
    page.fill("input[name=email]", NEW_MENTOR)
    page.fill("input[name=full_name]", "สมศักดิ์ คั่วเก่ง")
    submit(page)
    assert page.locator(".messages .success").count() == 1
    token = Invitation.objects.get(email=NEW_MENTOR).token
    sign_out(page)

    # The mentor accepts: the account is created with the mentor role for SCG.
    page.goto(f"/invite/{token}/")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    submit(page)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    mentor = User.objects.get(email=NEW_MENTOR)
    assert (mentor.role, mentor.organisation_id) == ("mentor", mou.company_id)

    # The coordinator assigns the new mentor to บ้านแม่แจ๋ม.
    sign_in(page, "coordinator@civ.example")
    page.goto(f"/mous/{mou.pk}/")
    page.click(f"a[href='/mous/{mou.pk}/assign/']")
    page.select_option("select[name=mentor]", str(mentor.pk))
    page.select_option("select[name=community]", str(mae_jaem.pk))
    page.check(f"input[name=areas][value='{online.pk}']")
    today = timezone.localdate()
    page.fill("input[name=starts_on]", f"{today:%d/%m}/{today.year + 543}")  # BE, as shown
    submit(page)
    assert "สมศักดิ์ คั่วเก่ง" in page.locator("main").inner_text()
    sign_out(page)

    # The mentor schedules an online-marketing session for tomorrow, 10:00–12:00 Bangkok.
    sign_in(page, NEW_MENTOR, NEW_PASSWORD)
    page.goto(f"/mous/{mou.pk}/")
    page.click(f"a[href='/mous/{mou.pk}/sessions/new/']")
    tomorrow = timezone.localdate() + timedelta(days=1)
    day = f"{tomorrow:%d/%m}/{tomorrow.year + 543}"
    page.select_option("select[name=area]", str(online.pk))
    page.fill("input[name=title]", "ขายกาแฟคั่วโอ่งผ่านเฟซบุ๊กไลฟ์")
    page.fill("input[name=starts_at_date]", day)
    page.fill("input[name=starts_at_time]", "10:00")
    page.fill("input[name=ends_at_date]", day)
    page.fill("input[name=ends_at_time]", "12:00")
    page.fill("input[name=online_url]", "https://meet.example/maejaem")
    page.fill("input[name=capacity]", "15")
    page.check(f"input[name=communities][value='{mae_jaem.pk}']")
    assert page.is_checked(f"input[name=mentors][value='{mentor.pk}']")
    submit(page)
    page.wait_for_url(re.compile(r"/training/sessions/\d+/$"))
    session = TrainingSession.objects.get(title="ขายกาแฟคั่วโอ่งผ่านเฟซบุ๊กไลฟ์")
    assert "10:00" in page.locator(".session-when").inner_text()

    # A member of บ้านแม่แจ๋ม registers on a phone.
    sign_in(phone_page, "member.maejaem@civ.example")
    phone_page.goto("/training/")
    assert_accessible(phone_page)
    card = phone_page.locator(".session-cards li", has_text="ขายกาแฟคั่วโอ่งผ่านเฟซบุ๊กไลฟ์")
    card.locator("button[type=submit]").click()
    phone_page.wait_for_url(re.compile(rf"/training/sessions/{session.pk}/$"))
    member = User.objects.get(email="member.maejaem@civ.example")
    assert session.attendance.filter(person=member).exists()
    sign_out(phone_page)

    # Before the start the mentor's phone offers no register, and says when it opens.
    sign_in(phone_page, NEW_MENTOR, NEW_PASSWORD)
    phone_page.goto(f"/training/sessions/{session.pk}/")
    assert phone_page.locator(f"a[href='/training/sessions/{session.pk}/attendance/']").count() == 0
    assert "10:00" in phone_page.locator(".attendance-note").inner_text()
    assert phone_page.locator("button[value=done]").count() == 0
    assert_accessible(phone_page)

    # The session starts (moved to now, still two hours); the mentor ticks the member
    # present on the phone register and marks the session done.
    now = timezone.now()
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=115)
    )
    phone_page.reload()
    phone_page.click(f"a[href='/training/sessions/{session.pk}/attendance/']")
    assert_accessible(phone_page)
    phone_page.check(f"input[name=present][value='u{member.pk}']")
    submit(phone_page)
    assert phone_page.locator(".present-count").inner_text() == "1"
    phone_page.click("button[value=done]")
    phone_page.wait_for_load_state()
    assert TrainingSession.objects.get(pk=session.pk).status == "done"

    # The MOU page shows the hours delivered in online marketing.
    page.goto(f"/mous/{mou.pk}/")
    delivered = page.locator("#delivered")
    row = delivered.locator("tbody tr", has_text=online.name_th)
    # One more session of two hours with one attendee: 2.0 hours, 2.0 participant-hours.
    assert row.locator("td").all_inner_texts() == [
        online.name_th,
        str(area_before.sessions + 1),
        f"{area_before.hours + 2:.1f}",
        str(area_before.attendees + 1),
        f"{area_before.participant_hours + 2:.1f}",
    ]
    assert delivered.locator(".hours-delivered").inner_text() == f"{total_before.hours + 2:.1f}"

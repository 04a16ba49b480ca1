"""On a phone: a coordinator edits an MOU's dates with the Buddhist-Era picker and they
survive; a mentor cancels a session through the confirmation dialog."""

import re
from datetime import date

import pytest

from mentorship.models import MOU, TrainingSession
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import sign_in
from tests.mentorship.conftest import bangkok, book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scg():
    return MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")


def test_a_coordinator_edits_the_mou_dates_on_a_phone_and_they_survive(phone_page):
    page = phone_page
    mou = scg()
    assert mou.signed_on == date(2018, 6, 1)
    sign_in(page, "coordinator@civ.example")
    page.goto(f"/mous/{mou.pk}/")
    page.click(f"a[href='/mous/{mou.pk}/edit/']")
    assert page.input_value("input[name=signed_on]") == "01/06/2561"
    assert "วว/ดด/ปปปป พ.ศ." in page.locator("#id_signed_on_hint").inner_text()
    assert_accessible(page)

    # The picker opens on the typed month, in the Buddhist Era; the keyboard moves a day.
    page.locator("input[name=starts_on] + .date-picker-button").click()
    picker = page.locator("dialog.date-picker[open]")
    assert picker.locator("select").nth(1).locator("option:checked").inner_text() == "2561"
    assert picker.locator("select").first.locator("option:checked").inner_text() == "มิถุนายน"
    assert_accessible(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.locator("dialog.date-picker[open]").count() == 0
    assert page.input_value("input[name=starts_on]") == "02/06/2561"

    page.fill("input[name=ends_on]", "31/05/2566")  # typed, no picker needed
    page.click("main form [type=submit].btn-primary")
    page.wait_for_url(re.compile(rf"/mous/{mou.pk}/$"))
    assert page.locator(".messages .success").count() == 1
    mou.refresh_from_db()
    assert (mou.signed_on, mou.starts_on, mou.ends_on) == (
        date(2018, 6, 1),
        date(2018, 6, 2),
        date(2023, 5, 31),
    )
    assert "2 มิ.ย. 2561" in page.locator(".page-header").inner_text()

    # Shown again, the form still holds every date as saved.
    page.goto(f"/mous/{mou.pk}/edit/")
    assert [
        page.input_value(f"input[name={name}]") for name in ("signed_on", "starts_on", "ends_on")
    ] == [
        "01/06/2561",
        "02/06/2561",
        "31/05/2566",
    ]


def test_a_mentor_cancels_a_session_through_the_confirmation_dialog(phone_page):
    page = phone_page
    session = book(starts_at=bangkok(4, 9), title="ออกแบบฉลากกาแฟคั่วโอ่ง")
    sign_in(page, "mentor@civ.example")
    page.goto(f"/training/sessions/{session.pk}/")

    page.click(f"a[href='/training/sessions/{session.pk}/cancel/']")
    dialog = page.locator("dialog.confirm-dialog[open]")
    dialog.wait_for()
    assert "ยกเลิกการอบรมนี้หรือไม่" in dialog.inner_text()
    assert "ออกแบบฉลากกาแฟคั่วโอ่ง" in dialog.inner_text()
    assert_accessible(page)
    dialog.locator("[data-confirm-back]").click()  # "no, go back" changes nothing
    assert page.locator("dialog.confirm-dialog[open]").count() == 0
    assert TrainingSession.objects.get(pk=session.pk).status == "planned"

    page.click(f"a[href='/training/sessions/{session.pk}/cancel/']")
    page.locator("dialog.confirm-dialog[open] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/training/sessions/{session.pk}/$"))
    page.wait_for_load_state()
    assert TrainingSession.objects.get(pk=session.pk).status == "cancelled"
    assert page.locator(".messages .success").count() == 1

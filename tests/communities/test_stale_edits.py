"""Staff and an officer edit one community from forms opened at the same time."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from civportal.versioning import StaleEdit
from communities.models import Community, Stage
from communities.services import move_stage, update_community
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


def signed_in(email) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def edit_form(client, community):
    return client.get(reverse("community_edit", args=[community.pk])).context["form"]


@pytest.fixture
def mae_jaem():
    return Community.objects.get(subdistrict_id="521304")


def test_a_stale_officer_form_does_not_blank_the_phone_staff_added(mae_jaem):
    staff, officer = signed_in("staff@civ.example"), signed_in("officer.lampang@civ.example")
    url = reverse("community_edit", args=[mae_jaem.pk])
    members = mae_jaem.members_count
    officers_form = edit_form(officer, mae_jaem)  # no phone yet
    assert not officers_form["contact_phone"].value()

    staff_save = staff.post(url, form_data(edit_form(staff, mae_jaem), contact_phone="054-123456"))
    stale = officer.post(url, form_data(officers_form, members_count=48))

    assert staff_save.status_code == 302
    assert stale.status_code == 200
    html = stale.content.decode()
    staff_name = str(User.objects.get(email="staff@civ.example"))
    assert f"{staff_name} บันทึกข้อมูลนี้เมื่อ" in html
    assert "โทรศัพท์ติดต่อ: — → 054-123456" in html
    assert 'name="members_count" value="48"' in html  # the officer's input is kept
    mae_jaem.refresh_from_db()
    assert (mae_jaem.contact_phone, mae_jaem.members_count) == ("054-123456", members)

    kept = stale.context["form"]
    again = officer.post(url, form_data(kept, contact_phone="054-123456"))

    assert again.status_code == 302
    mae_jaem.refresh_from_db()
    assert (mae_jaem.contact_phone, mae_jaem.members_count) == ("054-123456", 48)


def test_a_fresh_form_saves_and_the_history_records_the_version(mae_jaem):
    officer = signed_in("officer.lampang@civ.example")
    version = mae_jaem.version

    response = officer.post(
        reverse("community_edit", args=[mae_jaem.pk]),
        form_data(edit_form(officer, mae_jaem), contact_name="ป้าบัวผัน"),
    )

    assert response.status_code == 302
    mae_jaem.refresh_from_db()
    assert mae_jaem.version == version + 1
    assert mae_jaem.history.latest().version == version + 1


def test_a_stage_move_in_between_makes_an_open_form_stale(mae_jaem):
    officer = signed_in("officer.lampang@civ.example")
    officer.cookies["django_language"] = "en"
    form = edit_form(officer, mae_jaem)
    with translation.override("en"):
        before = mae_jaem.get_stage_display()
    move_stage(User.objects.get(email="staff@civ.example"), mae_jaem, Stage.SELF_SUSTAINING, "ok")

    response = officer.post(reverse("community_edit", args=[mae_jaem.pk]), form_data(form))

    assert response.status_code == 200
    assert f"Stage: {before} → Self-sustaining" in response.content.decode()


def test_a_form_without_its_version_is_refused_and_keeps_the_input(mae_jaem):
    officer = signed_in("officer.lampang@civ.example")
    data = form_data(edit_form(officer, mae_jaem), members_count=60)
    del data["version"]

    response = officer.post(reverse("community_edit", args=[mae_jaem.pk]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "แบบฟอร์มนี้ไม่มีข้อมูลว่าเปิดจากข้อมูลฉบับใด" in html
    assert 'name="members_count" value="60"' in html
    mae_jaem.refresh_from_db()
    assert mae_jaem.members_count != 60


def test_the_service_refuses_an_old_version_without_a_form(mae_jaem):
    staff = User.objects.get(email="staff@civ.example")
    read = mae_jaem.version
    update_community(staff, mae_jaem, version=read, contact_email="civ@maejaem.example")

    with pytest.raises(StaleEdit) as refused:
        update_community(staff, mae_jaem, version=read, contact_email="")

    assert refused.value.current_version == read + 1
    mae_jaem.refresh_from_db()
    assert mae_jaem.contact_email == "civ@maejaem.example"

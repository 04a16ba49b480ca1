"""Who keeps a community's results and who heads a provincial office: set by programme
staff only, and only to officers of the right province."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from communities.admin import CommunityAdminForm, HeadOfficerForm
from communities.models import Community, Province

from .helpers import officer, register_many

pytestmark = pytest.mark.django_db


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_officer_who_registers_a_community_is_responsible_for_it():
    (community,) = register_many(officer(), 1)

    assert community.responsible_officer == officer()


def test_only_programme_staff_may_hand_a_community_to_another_officer():
    community_admin = site.get_model_admin(Community)
    staff = User.objects.get(email="staff@civ.example")
    lampang = User.objects.get(email="officer.lampang@civ.example")

    assert "responsible_officer" in community_admin.get_readonly_fields(request_by(lampang))
    assert "responsible_officer" not in community_admin.get_readonly_fields(request_by(staff))


def test_a_responsible_officer_must_be_an_officer_of_the_communitys_province():
    community = Community.objects.filter(province_id="52").select_related("subdistrict").first()
    saraburi = User.objects.get(email="officer.saraburi@civ.example")
    lampang = User.objects.get(email="officer.lampang@civ.example")

    class Form(CommunityAdminForm):
        class Meta:
            model = Community
            fields = ["responsible_officer"]

    refused = Form({"responsible_officer": saraburi.pk}, instance=community)
    accepted = Form({"responsible_officer": lampang.pk}, instance=community)

    assert not refused.is_valid() and "responsible_officer" in refused.errors
    assert accepted.is_valid(), accepted.errors


def test_the_head_of_an_office_must_be_one_of_its_officers():
    lampang = Province.objects.get(pk="52")
    data = {"code": "52", "name_th": lampang.name_th, "name_en": lampang.name_en}
    saraburi = User.objects.get(email="officer.saraburi@civ.example")
    head = User.objects.get(email="officer.lampang@civ.example")

    refused = HeadOfficerForm(data | {"head_officer": saraburi.pk}, instance=lampang)
    accepted = HeadOfficerForm(data | {"head_officer": head.pk}, instance=lampang)

    assert not refused.is_valid() and "head_officer" in refused.errors
    assert accepted.is_valid(), accepted.errors


def test_staff_set_the_head_of_an_office_in_the_admin_and_officers_cannot(client):
    lampang = Province.objects.get(pk="52")
    url = reverse("admin:communities_province_change", args=["52"])
    head = User.objects.get(email="officer.lampang@civ.example")

    client.force_login(User.objects.get(email="officer.lampang@civ.example"))
    as_officer = client.post(url, {"head_officer": head.pk})
    client.force_login(User.objects.get(email="staff@civ.example"))
    as_staff = client.post(
        url,
        {"code": "52", "name_th": lampang.name_th, "name_en": lampang.name_en, "head_officer": ""},
    )

    assert as_officer.status_code in (302, 403)  # the admin shows officers no such page
    assert as_staff.status_code == 302
    lampang.refresh_from_db()
    assert lampang.head_officer is None

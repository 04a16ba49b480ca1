"""Control characters typed into any form are refused with a form error, never saved.

An ESC pasted into a community name broke the XLSX export; a NUL reaching PostgreSQL is a
500. Every form of the portal shares one base that refuses them before any field looks
its value up, keeps what was typed (less the invisible characters) and allows tabs and
line breaks where text may span lines.
"""

import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from civportal.forms import CONTROL_CHARACTERS_MESSAGE, RefuseControlCharacters
from communities.models import Community, ProgressVisit
from products.models import Enquiry, Product
from tests.communities.helpers import officer, register_many, tambons

pytestmark = pytest.mark.django_db

APPS = ["accounts", "communities", "mentorship", "products", "notifications", "reports"]


def _project_forms():
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.parametrize("form_class", list(_project_forms()), ids=lambda cls: cls.__qualname__)
def test_every_form_of_the_portal_refuses_control_characters(form_class):
    assert issubclass(form_class, RefuseControlCharacters)


def _message():
    with translation.override("th"):
        return str(CONTROL_CHARACTERS_MESSAGE)


def _place_fields(community):
    place = community.subdistrict
    return {
        "province": place.district.province_id,
        "district": place.district_id,
        "subdistrict": place.code,
    }


def test_an_esc_in_a_community_name_is_refused_and_the_rest_is_kept(client):
    community = register_many(officer(), 1)[0]
    client.force_login(officer())
    data = {
        **_place_fields(community),
        "name_th": "ชุมชน\x1b[2Jแม่แจ๋ม",
        "name_en": "Ban Mae Jaem",
        "activity": "craft",
        "members_count": "20",
        "identity_story": "ผ้าซิ่นตีนจก",
    }

    response = client.post(reverse("community_edit", args=[community.pk]), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name_th"] == [_message()]
    assert form["name_th"].value() == "ชุมชน[2Jแม่แจ๋ม"  # shown as typed, less the ESC
    assert form["identity_story"].value() == "ผ้าซิ่นตีนจก"
    assert "\x1b" not in response.content.decode()
    community.refresh_from_db()
    assert community.name_th == "ชุมชนทดสอบ 0"


def test_a_nul_in_a_choice_is_a_form_error_not_a_database_error(client):
    client.force_login(officer())
    place = tambons()[0]

    response = client.post(
        reverse("community_create"),
        {
            "name_th": "ชุมชนใหม่",
            "province": "8\x000",
            "district": place.district_id,
            "subdistrict": place.code,
            "activity": "craft",
            "members_count": "5",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["province"][0] == _message()
    assert not Community.objects.filter(name_th="ชุมชนใหม่").exists()


def test_tabs_and_line_breaks_stay_allowed_in_multi_line_text_only(client):
    community = register_many(officer(), 1)[0]
    client.force_login(officer())
    visit = {
        "visited_on": "2026-01-15",
        "summary": "ติดตามผล\n\tบรรจุภัณฑ์ใหม่\r\nพร้อมขาย",
        "next_steps": "ทดลองขาย\x07ออนไลน์",
    }

    refused = client.post(reverse("visit_create", args=[community.pk]), visit)

    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["next_steps"]
    assert not ProgressVisit.objects.filter(community=community).exists()

    saved = client.post(
        reverse("visit_create", args=[community.pk]), {**visit, "next_steps": "ทดลองขายออนไลน์"}
    )

    assert saved.status_code == 302
    assert ProgressVisit.objects.get(community=community).summary.startswith("ติดตามผล\n\t")

    tab_in_name = client.post(
        reverse("community_edit", args=[community.pk]),
        {
            **_place_fields(community),
            "name_th": "ชุมชน\tใหม่",
            "activity": "craft",
            "members_count": "1",
        },
    )
    assert tab_in_name.context["form"].errors["name_th"] == [_message()]


def test_the_public_enquiry_form_refuses_a_control_character(client):
    product = Product.objects.get(name_th="มะนาวผง")

    response = client.post(
        reverse("public_enquiry", args=[product.pk]),
        {"name": "ร้าน\x1bของฝาก", "contact": "buyer@shop.example", "message": "สนใจสั่ง"},
        REMOTE_ADDR="203.0.113.40",
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert not Enquiry.objects.exists()


def test_a_walk_in_name_with_an_esc_is_refused_on_the_attendance_register(client):
    from datetime import timedelta

    from tests.notifications.helpers import demo_user, schedule

    session = schedule(timedelta(hours=-3))
    client.force_login(demo_user("coordinator@civ.example"))

    response = client.post(
        reverse("session_attendance", args=[session.pk]),
        {"new_walk_ins": "นางสมศรี ใจงาม\nนาย\x1bสมชาย"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_walk_ins"] == [_message()]
    assert not session.attendance.exists()

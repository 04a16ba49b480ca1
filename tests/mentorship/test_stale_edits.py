"""MOUs and training sessions edited from forms opened at the same time."""

import re

import pytest
from django.urls import reverse

from civportal.versioning import StaleEdit
from communities.models import Community
from mentorship import services
from mentorship.models import MOU
from notifications.models import Notification
from tests.formdata import form_data

from .conftest import bangkok, book, person, scg_mou

pytestmark = pytest.mark.django_db


def test_a_stale_mou_form_is_refused_with_the_dates_and_communities_that_changed(client, english):
    mou = scg_mou()
    client.force_login(person("coordinator@civ.example"))
    url = reverse("mou_edit", args=[mou.pk])
    form = client.get(url).context["form"]
    officer = person("officer.lampang@civ.example")
    extra = Community.objects.exclude(pk__in=mou.communities.values("pk")).first()
    services.update_mou(
        officer,
        mou,
        ends_on=bangkok(400, 0).date(),
        communities=[*mou.communities.all(), extra],
    )

    response = client.post(url, form_data(form, title_en="SCG mentoring, renewed"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{officer} saved this record on" in html
    assert "Term ends: " in html and f"→ {bangkok(400, 0):%-d %B} " in html
    old, new = re.search(r"Covered communities: ([^<]*) → ([^<]*)</li>", html).groups()
    assert extra.name_en not in old and extra.name_en in new
    assert 'value="SCG mentoring, renewed"' in html
    mou.refresh_from_db()
    assert mou.title_en != "SCG mentoring, renewed"

    again = client.post(url, form_data(response.context["form"]))

    assert again.status_code == 302
    mou.refresh_from_db()
    assert mou.title_en == "SCG mentoring, renewed"


def test_mou_status_moves_and_the_signed_pdf_count_as_versions():
    officer = person("officer.lampang@civ.example")
    mou = services.create_mou(
        officer,
        government_office=scg_mou().government_office,
        company=scg_mou().company,
        areas=[],
        title_th="ฉบับทดสอบ",
        signed_on=bangkok(0, 0).date(),
    )
    services.change_mou_status(officer, mou, MOU.Status.SIGNED)

    with pytest.raises(StaleEdit):
        services.update_mou(officer, mou, version=1, framework="กรอบเดิม")

    mou.refresh_from_db()
    assert mou.version == 2 and mou.history.latest().version == 2


def test_a_stale_session_form_keeps_the_venue_set_in_between(client):
    session = book(starts_at=bangkok(6, 9))
    client.force_login(person("mentor@civ.example"))
    url = reverse("session_edit", args=[session.pk])
    form = client.get(url).context["form"]
    coordinator = person("coordinator@civ.example")
    services.update_session(coordinator, session, venue="ศาลาหมู่บ้านแม่แจ๋ม")
    told = Notification.objects.count()

    response = client.post(url, form_data(form, title="ถ่ายภาพสินค้าด้วยมือถือ"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "สถานที่: — → ศาลาหมู่บ้านแม่แจ๋ม" in html
    assert "ถ่ายภาพสินค้าด้วยมือถือ" in html
    session.refresh_from_db()
    assert (session.venue, session.revision) == ("ศาลาหมู่บ้านแม่แจ๋ม", 1)
    assert Notification.objects.count() == told  # nobody told of a change that did not happen

    kept = response.context["form"]
    assert kept["version"].value() in (1, "1")
    again = client.post(url, form_data(kept, venue="ศาลาหมู่บ้านแม่แจ๋ม"))

    assert again.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.revision) == ("ถ่ายภาพสินค้าด้วยมือถือ", 2)

"""Only training marked open to the public reaches the public site: a company's internal
session, venue and all, is never listed on the community page or the public home."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.forms import SessionForm
from mentorship.models import TrainingSession
from products.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def paen_tai():
    return Product.objects.get(name_th="มะนาวผง").community


def session(community, title, *, days, status="planned", venue="ห้องประชุมโรงงาน", **fields):
    mou = community.mous.first()
    starts = timezone.now() + timedelta(days=days)
    created = TrainingSession.objects.create(
        mou=mou,
        area=mou.areas.first(),
        title=title,
        status=status,
        venue=venue,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        created_by=mou.created_by,
        **fields,
    )
    created.communities.add(
        community, through_defaults={"period": (starts, starts + timedelta(hours=3))}
    )
    return created


def test_a_new_session_is_internal_unless_marked_public(paen_tai):
    internal = session(paen_tai, "อบรมภายในบริษัท", days=2)
    assert internal.is_public is False


def test_internal_training_never_leaks_to_the_public_site(client, paen_tai):
    session(paen_tai, "อบรมภายในบริษัท", days=2, venue="ห้องประชุมชั้น 5 อาคารลับ")
    session(paen_tai, "ตลาดนัดผลิตภัณฑ์ชุมชน", days=3, venue="ลานวัดบ้านแป้นใต้", is_public=True)
    session(paen_tai, "งานที่ยกเลิกแล้ว", days=4, status="cancelled", is_public=True)
    session(paen_tai, "งานที่ผ่านไปแล้ว", days=-4, status="done", is_public=True)
    community_page = client.get(reverse("public_community", args=[paen_tai.pk]))
    assert "ตลาดนัดผลิตภัณฑ์ชุมชน" in community_page.content.decode()
    assert "ลานวัดบ้านแป้นใต้" in community_page.content.decode()
    for url in (reverse("public_community", args=[paen_tai.pk]), reverse("public_home")):
        page = client.get(url).content.decode()
        for hidden in ("อบรมภายในบริษัท", "อาคารลับ", "งานที่ยกเลิกแล้ว", "งานที่ผ่านไปแล้ว"):
            assert hidden not in page, (url, hidden)


def test_the_scheduling_form_offers_public_with_a_hint_about_the_venue(paen_tai):
    from django.utils import translation

    mou = paen_tai.mous.first()
    form = SessionForm(mou=mou, user=mou.created_by)
    field = form.fields["is_public"]
    assert field.initial is False or form["is_public"].value() is False
    with translation.override("th"):
        assert "สถานที่" in str(field.help_text) and "เว็บไซต์สาธารณะ" in str(field.help_text)


def test_the_session_page_tells_the_mentor_whether_it_is_public(client, paen_tai):
    from accounts.models import User

    internal = session(paen_tai, "อบรมภายในบริษัท", days=2)
    public = session(paen_tai, "ตลาดนัดผลิตภัณฑ์ชุมชน", days=3, is_public=True)
    client.force_login(User.objects.get(email="staff@civ.example"))
    internal_page = client.get(reverse("session_detail", args=[internal.pk])).content.decode()
    public_page = client.get(reverse("session_detail", args=[public.pk])).content.decode()
    assert "การอบรมภายใน: ไม่แสดงบนเว็บไซต์สาธารณะ" in internal_page
    assert "เปิดให้บุคคลทั่วไปเข้าร่วม: แสดงพร้อมสถานที่" in public_page

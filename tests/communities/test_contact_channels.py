"""Contact channels a community publishes on its shop window: checked, written one way,
edited on the community form by its leader or officer, shown only when published."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from communities.contacts import CHANNEL_FIELDS, line_uri, normalise_thai_phone, tel_uri
from communities.models import Community
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


def signed_in(email) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


@pytest.fixture
def mae_jaem():
    return Community.objects.get(subdistrict_id="521304")


@pytest.fixture
def leader():
    return signed_in("leader.maejaem@civ.example")


def edit(client, community, language="th", **changes):
    url = reverse("community_edit", args=[community.pk])
    client.cookies["django_language"] = language
    form = client.get(url).context["form"]
    return client.post(url, form_data(form, **changes))


@pytest.mark.parametrize(
    ("typed", "written", "tel"),
    [
        ("0812345678", "081 234 5678", "tel:+66-81-234-5678"),
        ("081-234-5678", "081 234 5678", "tel:+66-81-234-5678"),
        ("+66 81 234 5678", "081 234 5678", "tel:+66-81-234-5678"),
        ("054-123456", "054 123 456", "tel:+66-54-123-456"),
        ("02 123 4567", "02 123 4567", "tel:+66-2-123-4567"),
    ],
)
def test_thai_phone_numbers_are_written_one_way_and_dial_internationally(typed, written, tel):
    assert normalise_thai_phone(typed) == written
    assert tel_uri(written) == tel


@pytest.mark.parametrize("bad", ["12345", "081 234 567", "+1 415 555 0100", "โทรหาเรา"])
def test_a_number_that_is_not_thai_is_refused(bad):
    with pytest.raises(ValidationError):
        normalise_thai_phone(bad)


def test_line_links_add_a_person_or_an_official_account():
    assert line_uri("BaanThai") == "https://line.me/R/ti/p/~baanthai"
    assert line_uri("@baanthai") == "https://line.me/R/ti/p/@baanthai"


def test_the_leader_publishes_channels_and_they_are_saved_normalised(leader, mae_jaem):
    response = edit(
        leader,
        mae_jaem,
        buyer_phone="081-234-5678",
        publish_buyer_phone="on",
        line_id="  MaeJaem.Coffee ",
        publish_line_id="on",
        shopee_url="https://shopee.co.th/maejaem.coffee",
        publish_shopee_url="on",
        lazada_url="https://www.lazada.co.th/shop/maejaem",
        facebook_url="https://m.facebook.com/maejaemcoffee",
        publish_facebook_url="on",
        line_oa_url="https://lin.ee/AbCdEfG",
        website_url="https://maejaem.example",
    )
    assert response.status_code == 302, response.context["form"].errors
    mae_jaem.refresh_from_db()
    assert mae_jaem.buyer_phone == "081 234 5678"
    assert mae_jaem.line_id == "maejaem.coffee"
    assert (mae_jaem.publish_lazada_url, mae_jaem.publish_line_oa_url) == (False, False)
    # History keeps who changed the channels, like every other change to a community.
    assert mae_jaem.history.first().history_user.email == "leader.maejaem@civ.example"


@pytest.mark.parametrize(
    ("field", "value", "thai", "english"),
    [
        (
            "shopee_url",
            "javascript:alert(1)",
            "โปรดกรอกที่อยู่เว็บไซต์แบบเต็ม เช่น https://www.example.com",
            "Enter a full web address, such as https://www.example.com",
        ),
        (
            "website_url",
            "ftp://maejaem.example/shop",
            "โปรดกรอกที่อยู่เว็บไซต์แบบเต็ม เช่น https://www.example.com",
            "Enter a full web address, such as https://www.example.com",
        ),
        (
            "shopee_url",
            "https://shopee.evil.example/maejaem",
            "ลิงก์นี้ไม่ใช่ที่อยู่ของ Shopee ต้องเป็นลิงก์บน shopee.co.th, shope.ee",
            "This is not a Shopee address: it must be on shopee.co.th, shope.ee.",
        ),
        (
            "lazada_url",
            "https://lazada.co.th.evil.example/shop",
            "ลิงก์นี้ไม่ใช่ที่อยู่ของ Lazada",
            "This is not a Lazada address: it must be on lazada.co.th.",
        ),
        (
            "facebook_url",
            "https://notfacebook.com/maejaem",
            "ลิงก์นี้ไม่ใช่ที่อยู่ของ Facebook",
            "This is not a Facebook address",
        ),
        (
            "line_oa_url",
            "https://line.example/maejaem",
            "ลิงก์นี้ไม่ใช่ที่อยู่ของ LINE",
            "This is not a LINE address",
        ),
        (
            "buyer_phone",
            "081 234 567",
            "โปรดกรอกหมายเลขโทรศัพท์ในประเทศไทย",
            "Enter a Thai phone number",
        ),
        ("line_id", "ab", "โปรดกรอก LINE ID ตามที่แสดงในแอป LINE", "Enter the LINE ID"),
        ("line_id", "แม่แจ๋ม", "โปรดกรอก LINE ID ตามที่แสดงในแอป LINE", "Enter the LINE ID"),
    ],
)
def test_bad_channels_are_refused_clearly_and_nothing_typed_or_saved_is_lost(
    leader, mae_jaem, field, value, thai, english
):
    before = Community.objects.get(pk=mae_jaem.pk)
    for language, message in (("th", thai), ("en", english)):
        response = edit(
            leader,
            mae_jaem,
            language=language,
            members_count=77,
            identity_story="เรื่องเล่าใหม่ของชุมชน",
            publish_buyer_phone="on",
            **{field: value},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        form = response.context["form"]
        assert list(form.errors) == [field]
        # What was typed comes back, to be corrected rather than typed again.
        assert form["members_count"].value() == "77"
        assert form["identity_story"].value() == "เรื่องเล่าใหม่ของชุมชน"
        assert form[field].value() == value
    after = Community.objects.get(pk=mae_jaem.pk)
    assert (after.version, after.members_count, after.identity_story) == (
        before.version,
        before.members_count,
        before.identity_story,
    )


def test_unpublished_channels_never_reach_the_public_page(client, mae_jaem):
    Community.objects.filter(pk=mae_jaem.pk).update(
        buyer_phone="081 234 5678",
        line_id="maejaem.secret",
        shopee_url="https://shopee.co.th/maejaem.hidden",
        lazada_url="https://www.lazada.co.th/shop/maejaem-hidden",
        facebook_url="https://www.facebook.com/maejaem.hidden",
        line_oa_url="https://lin.ee/Hidden1",
        website_url="https://hidden.maejaem.example",
        **{publish: False for _field, publish in CHANNEL_FIELDS},
    )
    url = reverse("public_community", args=[mae_jaem.pk])
    page = client.get(url).content.decode()
    for secret in (
        "234 5678",
        "+66",
        "maejaem.secret",
        "maejaem.hidden",
        "maejaem-hidden",
        "Hidden1",
        "tel:",
    ):
        assert secret not in page
    assert "contact-buttons" not in page


def test_published_channels_are_tap_friendly_buttons(client, mae_jaem):
    Community.objects.filter(pk=mae_jaem.pk).update(
        buyer_phone="081 234 5678",
        publish_buyer_phone=True,
        line_id="maejaem.coffee",
        publish_line_id=True,
        shopee_url="https://shopee.co.th/maejaem.coffee",
        publish_shopee_url=True,
        facebook_url="https://www.facebook.com/maejaem.hidden",
        publish_facebook_url=False,
    )
    with translation.override("th"):
        page = client.get(reverse("public_community", args=[mae_jaem.pk])).content.decode()
    assert 'href="tel:+66-81-234-5678"' in page and "081 234 5678" in page
    assert 'href="https://line.me/R/ti/p/~maejaem.coffee" rel="noopener nofollow"' in page
    assert 'href="https://shopee.co.th/maejaem.coffee" rel="noopener nofollow"' in page
    assert "ซื้อบน Shopee" in page and "ติดต่อชุมชน" in page
    assert "maejaem.hidden" not in page
    # Links open in the same tab, like every other link of the portal.
    assert 'target="_blank"' not in page


def test_a_phone_written_around_the_form_does_not_break_the_public_page(client, mae_jaem):
    Community.objects.filter(pk=mae_jaem.pk).update(
        buyer_phone="โทรหาผู้ใหญ่บ้าน", publish_buyer_phone=True
    )
    response = client.get(reverse("public_community", args=[mae_jaem.pk]))
    assert response.status_code == 200
    assert "tel:" not in response.content.decode()


def test_the_english_shop_window_reads_in_english(client):
    paen_tai = Community.objects.get(subdistrict_id="520602")  # the demo publishes channels
    client.cookies["django_language"] = "en"
    page = client.get(reverse("public_community", args=[paen_tai.pk])).content.decode()
    assert "Contact the community" in page and "Buy on Shopee" in page
    assert ">Call<" in page and "Add on LINE" in page
    assert "฿120 / bag (100 g)" in page and "฿35 / bottle" in page

"""Enquiries on a phone: cards with tap-to-call / LINE / e-mail, "answered" in reach; the
member replies from the portal, once, by e-mail through the outbox; its status shows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outbox.models import Delivery
from products.models import ContactWays, Enquiry, EnquiryReply
from products.services import reply_to_enquiry
from tests.formdata import form_data

from .conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def enquiry_for(product, contact="somchai@shop.example, 081-234-5678") -> Enquiry:
    return Enquiry.objects.create(
        product=product,
        name="สมชาย ใจดี",
        contact=contact,
        quantity=20,
        message="สนใจสั่ง 20 ถุง ส่งลำปางได้ไหม",
    )


@pytest.mark.parametrize(
    ("text", "ways"),
    [
        ("081-234-5678", ContactWays(phone="0812345678")),
        ("buyer@shop.example", ContactWays(email="buyer@shop.example")),
        ("LINE: somchai99, 0812345678", ContactWays(phone="0812345678", line_id="somchai99")),
        ("ไลน์ @lampangshop", ContactWays(line_id="@lampangshop")),
        ("+66 81 234 5678 / a@b.co", ContactWays(email="a@b.co", phone="+66812345678")),
        ("ร้านป้าแดง", ContactWays()),
    ],
)
def test_a_buyers_contact_is_read_as_links(text, ways):
    assert ContactWays.parse(text) == ways


def test_the_enquiries_page_shows_cards_with_call_line_and_answered(client, lime_powder):
    enquiry = enquiry_for(lime_powder, "LINE: somchai99, 081-234-5678")
    signed_in(client, "member.paentai@civ.example")

    page = client.get(reverse("enquiry_list")).content.decode()

    assert "<table" not in page and 'class="card enquiry"' in page
    assert 'href="tel:0812345678"' in page
    assert "https://line.me/R/ti/p/~somchai99" in page
    assert "สมชาย ใจดี" in page and "สนใจสั่ง 20 ถุง" in page
    assert str(timezone.localdate().year + 543) in page  # the date in BE
    assert reverse("enquiry_answered", args=[enquiry.pk]) in page
    # No e-mail address given: no "reply by e-mail" button for this one.
    assert reverse("enquiry_reply", args=[enquiry.pk]) not in page


def test_a_reply_goes_to_the_buyer_once_and_marks_the_enquiry_answered(client, lime_powder):
    enquiry = enquiry_for(lime_powder)
    signed_in(client, "member.paentai@civ.example")
    url = reverse("enquiry_reply", args=[enquiry.pk])
    data = form_data(client.get(url).context["form"], message="ส่งได้ค่ะ ค่าส่ง 50 บาท")

    first = client.post(url, data)
    second = client.post(url, data)  # a double tap: same one-time token

    assert first.status_code == 302 and second.status_code == 302
    reply = EnquiryReply.objects.get(enquiry=enquiry)
    delivery = Delivery.objects.get(key=f"enquiry-reply:{reply.pk}")
    assert delivery.to == "somchai@shop.example"
    assert "ส่งได้ค่ะ ค่าส่ง 50 บาท" in delivery.body and reply.delivery == delivery
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ANSWERED and enquiry.answered_by is not None

    page = client.get(reverse("enquiry_list")).content.decode()
    assert 'data-reply-status="pending"' in page
    Delivery.objects.filter(pk=delivery.pk).update(status="sent", sent_at=timezone.now())
    page = client.get(reverse("enquiry_list")).content.decode()
    assert 'data-reply-status="sent"' in page and "ส่งคำตอบถึงอีเมลของผู้ซื้อแล้ว" in page


def test_no_email_means_a_clear_message_and_nothing_saved(client, lime_powder, paentai_member):
    enquiry = enquiry_for(lime_powder, "081-234-5678")
    with pytest.raises(ValidationError):
        reply_to_enquiry(paentai_member, enquiry, "โทรกลับนะคะ")
    assert (
        not EnquiryReply.objects.exists()
        and not Delivery.objects.filter(key__startswith="enquiry-reply:").exists()
    )
    signed_in(client, "member.paentai@civ.example")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("enquiry_reply", args=[enquiry.pk])).content.decode()
    assert "The buyer left no e-mail address" in page


def test_an_empty_reply_is_refused_and_the_form_kept(client, lime_powder):
    enquiry = enquiry_for(lime_powder)
    signed_in(client, "member.paentai@civ.example")
    url = reverse("enquiry_reply", args=[enquiry.pk])
    response = client.post(url, form_data(client.get(url).context["form"], message="   "))
    assert response.status_code == 200 and not EnquiryReply.objects.exists()


def test_another_communitys_member_gets_404_and_an_officer_may_not_reply(client, lime_powder):
    enquiry = enquiry_for(lime_powder)
    signed_in(client, "member.maejaem@civ.example")
    url = reverse("enquiry_reply", args=[enquiry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"message": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        reply_to_enquiry(demo_user("officer.lampang@civ.example"), enquiry, "x")
    assert not EnquiryReply.objects.exists()

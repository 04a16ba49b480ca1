"""With a real worker: a buyer's enquiry reaches the community's member by e-mail."""

import pytest
from django.core.cache import cache

from products.models import Product
from products.services import send_enquiry
from tests.conftest import seed_programme

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_member_gets_the_enquiry_by_email(celery_worker_process):
    seed_programme()
    cache.delete("enquiry-rate:198.51.100.7")
    lime_powder = Product.objects.get(name_th="มะนาวผง")
    send_enquiry(
        lime_powder,
        client_address="198.51.100.7",
        name="ร้านของฝากลำพูน",
        contact="shop@lamphun.example",
        quantity=20,
        message="ขอใบเสนอราคามะนาวผง 20 ถุง",
    )
    worker = celery_worker_process

    def mail_to_member():
        # seed_demo's own listing e-mails are sent too: pick the enquiry's.
        for message in worker.sent_messages():
            if message["To"] == "member.paentai@civ.example" and "ร้านของฝากลำพูน" in str(
                message["Subject"]
            ):
                return message
        return None

    worker.wait_for(lambda: mail_to_member() is not None, what="the enquiry e-mail")
    body = mail_to_member().get_content()
    assert "ขอใบเสนอราคามะนาวผง 20 ถุง" in body and "shop@lamphun.example" in body
    assert "/products/enquiries/" in body
    assert "ราคาในแคตตาล็อก: ฿120 / ถุง (100 กรัม)" in body  # the Thai way, as on the site

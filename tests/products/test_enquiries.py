"""Buyers' enquiries: routed to the community, spam-protected, answered by its members."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from notifications.models import Kind, Notification
from products.models import ENQUIRY_MESSAGE_TOO_LONG, Enquiry
from products.services import mark_enquiry_answered, send_enquiry

from .conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

ADDRESSES = [f"203.0.113.{n}" for n in range(10, 20)]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The counters live in Redis, which outlives the test database: start each test at zero."""
    cache.delete_many([f"enquiry-rate:{address}" for address in ADDRESSES])


FORM = {
    "name": "ร้านของฝากลำปาง",
    "contact": "buyer@shop.example",
    "quantity": "50",
    "message": "สนใจสั่งมะนาวผง 50 ถุง ส่งได้ภายในเดือนหน้าไหม",
}


def post(client, product, address, **extra):
    return client.post(
        reverse("public_enquiry", args=[product.pk]), {**FORM, **extra}, REMOTE_ADDR=address
    )


def test_an_enquiry_reaches_the_community_and_its_members_are_told(client, lime_powder):
    response = post(client, lime_powder, "203.0.113.10")
    assert response.status_code == 302
    assert response["Location"] == reverse("public_enquiry_sent", args=[lime_powder.pk])
    enquiry = Enquiry.objects.get(product=lime_powder)
    assert enquiry.community == lime_powder.community and enquiry.quantity == 50
    told = set(
        Notification.objects.filter(
            kind=Kind.ENQUIRY_RECEIVED, event_key=f"enquiry:{enquiry.pk}"
        ).values_list("recipient__email", flat=True)
    )
    assert told == {"member.paentai@civ.example"}


def test_the_honeypot_stores_nothing_but_looks_like_success(client, lime_powder):
    response = post(client, lime_powder, "203.0.113.11", website="http://spam.example")
    assert response.status_code == 302
    assert not Enquiry.objects.exists()


def test_a_sixth_enquiry_from_one_address_within_ten_minutes_is_refused(
    client, lime_powder, settings
):
    settings.ENQUIRY_RATE_LIMIT = 5
    client.cookies["django_language"] = "en"
    for _ in range(5):
        assert post(client, lime_powder, "203.0.113.12").status_code == 302
    response = post(client, lime_powder, "203.0.113.12")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Too many enquiries" in page and FORM["message"] in page
    assert Enquiry.objects.count() == 5
    # Another buyer is not held back by the first one.
    assert post(client, lime_powder, "203.0.113.13").status_code == 302


def test_the_limit_comes_from_settings(client, lime_powder, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    assert post(client, lime_powder, "203.0.113.14").status_code == 302
    assert post(client, lime_powder, "203.0.113.14").status_code == 200


def test_missing_fields_are_reported_and_what_was_typed_stays(client, lime_powder):
    response = post(client, lime_powder, "203.0.113.15", contact="")
    assert response.status_code == 200
    assert FORM["message"] in response.content.decode()
    assert not Enquiry.objects.exists()


def test_no_enquiry_about_an_unpublished_product(client, lime_powder):
    lime_powder.status = "draft"
    lime_powder.save(update_fields=["status"])
    assert post(client, lime_powder, "203.0.113.16").status_code == 404
    with pytest.raises(ValidationError):
        send_enquiry(lime_powder, client_address="203.0.113.16", **FORM)


def test_the_enquiry_form_is_never_cached(client, lime_powder):
    response = client.get(reverse("public_enquiry", args=[lime_powder.pk]))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_members_see_enquiries_and_mark_them_answered(client, lime_powder):
    enquiry = send_enquiry(lime_powder, client_address="203.0.113.17", **FORM)
    member = signed_in(client, "member.paentai@civ.example")
    page = client.get(reverse("enquiry_list")).content.decode()
    assert FORM["message"] in page and FORM["contact"] in page
    client.post(reverse("enquiry_answered", args=[enquiry.pk]))
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.ANSWERED and enquiry.answered_by == member


def test_another_communitys_member_neither_sees_nor_answers_it(client, lime_powder):
    enquiry = send_enquiry(lime_powder, client_address="203.0.113.18", **FORM)
    signed_in(client, "member.maejaem@civ.example")
    assert FORM["message"] not in client.get(reverse("enquiry_list")).content.decode()
    assert client.post(reverse("enquiry_answered", args=[enquiry.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        mark_enquiry_answered(demo_user("member.maejaem@civ.example"), enquiry)


def test_a_message_over_2000_characters_is_refused_and_what_was_typed_stays(client, lime_powder):
    too_long = "ก" * 2001

    response = post(client, lime_powder, "203.0.113.19", message=too_long)

    assert response.status_code == 200
    form = response.context["form"]
    with translation.override("th"):
        expected = str(ENQUIRY_MESSAGE_TOO_LONG) % {"limit_value": 2000, "show_value": 2001}
    assert form.errors["message"] == [expected]
    assert form["message"].value() == too_long and form["name"].value() == FORM["name"]
    assert 'maxlength="2000"' in response.content.decode()
    assert not Enquiry.objects.exists()

    assert post(client, lime_powder, "203.0.113.19", message="ข" * 2000).status_code == 302
    assert len(Enquiry.objects.get().message) == 2000


def test_the_service_refuses_a_message_over_the_limit_whoever_calls_it(lime_powder):
    with pytest.raises(ValidationError) as refused:
        send_enquiry(lime_powder, client_address="203.0.113.19", **{**FORM, "message": "x" * 2001})

    assert list(refused.value.message_dict) == ["message"]
    assert not Enquiry.objects.exists()


def test_the_database_refuses_a_message_over_the_limit(lime_powder):
    enquiry = Enquiry(
        product=lime_powder,
        community=lime_powder.community,
        name="x",
        contact="y",
        message="x" * 2001,
    )

    with pytest.raises(IntegrityError, match="enquiry_message_length"), transaction.atomic():
        Enquiry.objects.bulk_create([enquiry])  # no save(), no full_clean(): only the database

"""LINE messages: recorded for members who connected LINE and chose it, cut to fit a phone,
pushed through the real `requests` path to a local stand-in for LINE's Messaging API —
sent once, retried with the same X-Line-Retry-Key, 409 counted as sent, 4xx given up."""

import re
from datetime import timedelta
from itertools import count

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from notifications.models import Kind, Notification, Preference
from notifications.services import notify, set_preferences
from outbox import services
from outbox.line import TEXT_LIMIT, message_text, retry_key
from outbox.models import Channel, Delivery
from outbox.tasks import send_deliveries
from products.models import ENQUIRY_MESSAGE_MAX_LENGTH, Product
from products.services import send_enquiry
from tests.factories import make_staff, make_user
from tests.servers import LineMessagingStandIn

pytestmark = pytest.mark.django_db

_ids = count(1)


def member(*, line=True, chosen=True, language="th") -> User:
    """A member of บ้านแม่แจ๋ม without e-mail, as most villagers are, signed up through LINE."""
    leader = User.objects.get(email="leader.maejaem@civ.example")
    n = next(_ids)
    user = User.objects.create(
        login_name=f"line-member-{n}",
        full_name=f"สมาชิก {n}",
        role=Role.MEMBER,
        community=leader.community,
        preferred_language=language,
    )
    if line:
        SocialAccount.objects.create(user=user, provider="line", uid=f"U{n:032x}")
    if chosen:
        set_preferences(
            user, {Kind.ENQUIRY_RECEIVED: {"email": True, "in_digest": True, "line": True}}
        )
    return user


def line_id(user) -> str:
    return SocialAccount.objects.get(user=user, provider="line").uid


def tell(users, event="enquiry:1", url="/products/enquiries/1/"):
    return notify(
        users,
        kind=Kind.ENQUIRY_RECEIVED,
        event_key=event,
        template="notifications/report_ready",
        context={"job": None, "province": None},
        url=url,
    )


@pytest.fixture(autouse=True)
def no_demo_deliveries():
    """seed_demo's own notifications left deliveries; these tests count only their own."""
    Delivery.objects.all().delete()


@pytest.fixture
def line_api(settings):
    """The stand-in, listening, with the portal pointed at it and a channel token set."""
    stand_in = LineMessagingStandIn().start()
    settings.LINE_MESSAGING_API_URL = stand_in.url
    settings.LINE_CHANNEL_ACCESS_TOKEN = stand_in.TOKEN
    settings.LINE_MESSAGING_ENABLED = True
    settings.LINE_TIMEOUT = 1
    yield stand_in
    stand_in.stop()


def line_deliveries():
    return Delivery.objects.filter(channel=Channel.LINE)


def send_all() -> int:
    return send_deliveries(list(line_deliveries().values_list("pk", flat=True)))


def test_a_line_message_is_recorded_for_who_chose_line_and_connected_it(line_api):
    keen = member()
    unconnected = member(line=False)
    not_chosen = member(chosen=False)
    officer = make_user(Role.OFFICER)
    Preference.objects.create(user=officer, kind=Kind.ENQUIRY_RECEIVED, line=True)

    tell([keen, unconnected, not_chosen, officer])
    tell([keen, unconnected, not_chosen, officer])  # the same event again: nothing new

    delivery = line_deliveries().get()
    notification = Notification.objects.get(recipient=keen)
    assert (delivery.recipient, delivery.to, delivery.status) == (keen, line_id(keen), "pending")
    assert delivery.key == f"notification:{notification.pk}"
    # The officer has e-mail, not LINE; the members have no e-mail address at all.
    assert list(Delivery.objects.filter(channel=Channel.EMAIL).values_list("to", flat=True)) == [
        officer.email
    ]


def test_without_a_channel_token_no_line_message_is_recorded(settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    settings.LINE_MESSAGING_ENABLED = False
    keen = member()

    tell([keen])

    assert Notification.objects.filter(recipient=keen).exists()
    assert not line_deliveries().exists()


def test_the_message_is_in_the_members_language_with_an_absolute_link_back(line_api, settings):
    settings.CIV_SITE_URL = "https://civ.example.org/"
    thai, english = member(), member(language="en")

    tell([thai, english])

    notification = Notification.objects.get(recipient=thai)
    text = line_deliveries().get(recipient=thai).body
    assert text.startswith(notification.title + "\n\n" + notification.body)
    assert text.endswith("\n\nhttps://civ.example.org/products/enquiries/1/")
    assert line_deliveries().get(recipient=english).body.startswith(notification.title_en)


def test_a_buyers_long_enquiry_reaches_the_member_on_line_cut_to_fit(line_api, settings):
    settings.CIV_SITE_URL = "https://civ.example.org"
    keen = member()
    product = Product.objects.filter(
        community=keen.community, status=Product.Status.PUBLISHED
    ).first()
    words = "สนใจสั่งผ้าทอลายดั้งเดิม 200 ผืน ขอใบเสนอราคาและตัวอย่างสีด้วยครับ "
    message = (words * 60)[:ENQUIRY_MESSAGE_MAX_LENGTH]

    send_enquiry(
        product,
        client_address="203.0.113.40",
        name="ร้านของฝากลำปาง",
        contact="buyer@shop.example",
        message=message,
    )

    text = line_deliveries().get(recipient=keen).body
    assert len(text) <= TEXT_LIMIT
    assert text.startswith(Notification.objects.get(recipient=keen).title)
    assert "ร้านของฝากลำปาง" in text and product.name_th in text
    assert text.endswith(
        "…\n\nอ่านข้อความทั้งหมดได้ในระบบ:\nhttps://civ.example.org" + reverse("enquiry_list")
    )
    assert send_all() == 1
    assert line_api.accepted()[0]["text"] == text


def test_a_long_message_is_cut_to_fit_and_the_link_stays_whole():
    link = "https://civ.example.org/products/enquiries/123/"
    body = "ผ้าทอมือย้อมสีธรรมชาติจากบ้านแม่แจ๋ม " * 200  # about 7,000 characters

    text = message_text("มีคำสอบถามใหม่", body, link, "อ่านต่อ:")

    assert len(text) <= TEXT_LIMIT < 5000  # LINE's own limit for a text message
    assert text.startswith("มีคำสอบถามใหม่\n\nผ้าทอมือ")
    assert text.endswith("…\n\nอ่านต่อ:\n" + link)
    assert text.split("…")[0].endswith("แม่แจ๋ม")  # cut between words, at a space
    short = message_text("มีคำสอบถามใหม่", "ขอราคาส่ง", link, "อ่านต่อ:")
    assert short == "มีคำสอบถามใหม่\n\nขอราคาส่ง\n\n" + link  # whole: nothing to read on


def test_thai_without_spaces_is_never_cut_between_a_letter_and_its_marks():
    # ที่ is ท + ี + ่: a cut must keep the three together, or drop them together.
    text = message_text("ข่าว", "ที่" * 600)

    assert len(text) <= TEXT_LIMIT
    assert text.endswith("ที่…")
    assert message_text("สั้น", "ข้อความสั้น", "") == "สั้น\n\nข้อความสั้น"


def test_a_push_is_sent_once_with_the_token_and_the_deliverys_retry_key(line_api):
    keen = member()
    tell([keen])
    delivery = line_deliveries().get()

    assert send_all() == 1
    assert send_all() == 0  # sent: never claimed again

    [push] = line_api.received()
    assert push["to"] == line_id(keen) and push["type"] == "text"
    assert push["text"] == delivery.body
    assert push["authorization"] == f"Bearer {LineMessagingStandIn.TOKEN}"
    assert push["retry_key"] == retry_key(delivery)
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.sent_at is not None


def test_a_server_error_is_retried_later_with_the_same_retry_key(line_api):
    line_api.script = [500]
    tell([member()])

    assert send_all() == 0

    delivery = line_deliveries().get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "LINE 500" in delivery.last_error
    assert timedelta(seconds=50) < delivery.next_attempt_at - timezone.now() < timedelta(seconds=61)
    assert send_all() == 0  # not due yet
    line_deliveries().update(next_attempt_at=timezone.now())
    assert send_all() == 1

    first, second = line_api.received()
    assert (first["status"], second["status"]) == (500, 200)
    assert first["retry_key"] == second["retry_key"] == retry_key(delivery)
    assert line_deliveries().get().status == "sent"


def test_a_push_that_timed_out_but_was_accepted_is_not_delivered_twice(line_api):
    # LINE took the first push but answered after the worker gave up waiting; the retry
    # carries the same key, LINE answers 409, and that counts as sent.
    line_api.script = [(200, 1.5)]
    tell([member()])

    assert send_all() == 0
    assert "Timeout" in line_deliveries().get().last_error
    line_deliveries().update(next_attempt_at=timezone.now())
    assert send_all() == 1

    assert [push["status"] for push in line_api.received()] == [200, 409]
    assert len(line_api.accepted()) == 1
    assert line_deliveries().get().status == "sent"


def test_an_id_line_refuses_is_given_up_at_once_and_the_rest_are_sent(line_api):
    refused, accepted = member(), member()
    line_api.refuse = {line_id(refused)}
    tell([refused, accepted])

    assert send_all() == 1

    assert line_deliveries().get(recipient=refused).status == "dead"
    assert "LINE 400" in line_deliveries().get(recipient=refused).last_error
    assert line_deliveries().get(recipient=accepted).status == "sent"
    assert [push["to"] for push in line_api.accepted()] == [line_id(accepted)]


def test_rate_limited_stops_the_chunk_and_keeps_it_for_later(line_api):
    line_api.script = [429]
    tell([member(), member()])

    assert send_all() == 0

    assert len(line_api.received()) == 1  # the rest of the chunk was not pushed
    assert set(line_deliveries().values_list("status", "attempts")) == {("pending", 1)}


def test_while_line_is_unreachable_the_chunk_waits_and_goes_when_it_is_back(line_api):
    tell([member(), member()])
    line_api.stop()

    assert send_all() == 0

    assert set(line_deliveries().values_list("status", flat=True)) == {"pending"}
    assert all("ConnectionError" in d.last_error for d in line_deliveries())
    line_api.start()
    line_deliveries().update(next_attempt_at=timezone.now())
    assert send_all() == 2
    assert len(line_api.accepted()) == 2


def test_after_the_last_attempt_it_is_dead_and_staff_can_send_it_again(line_api, settings):
    line_api.script = [503]
    tell([member()])
    line_deliveries().update(attempts=settings.DELIVERY_MAX_ATTEMPTS - 1)

    send_all()

    delivery = line_deliveries().get()
    assert delivery.status == "dead"
    services.send_again(make_staff(), delivery)
    assert send_all() == 1
    assert [p["retry_key"] for p in line_api.received()] == [retry_key(delivery)] * 2


def test_the_outbox_admin_lists_line_deliveries(line_api, admin_client):
    keen = member()
    tell([keen])

    page = admin_client.get(reverse("admin:outbox_delivery_changelist") + "?channel=line")

    assert page.status_code == 200
    assert line_id(keen) in page.content.decode()


# --- The preferences page --------------------------------------------------------


def preferences_page(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("notification_preferences")).content.decode()


def test_without_a_channel_token_the_page_offers_no_line(settings):
    settings.LINE_MESSAGING_ENABLED = False
    page = preferences_page(member())
    assert 'name="line_enquiry_received"' not in page
    assert '<th scope="col">LINE</th>' not in page


def test_a_member_without_line_sees_it_disabled_with_how_to_connect(line_api, settings):
    settings.LINE_LOGIN_ENABLED = True
    user = member(line=False, chosen=False)

    page = preferences_page(user)

    assert 'name="line_enquiry_received"' in page
    assert re.search(r'<input[^>]*name="line_enquiry_received"[^>]*disabled', page)
    assert "เชื่อมต่อบัญชี LINE" in page

    client = Client()
    client.force_login(user)
    client.post(reverse("notification_preferences"), {"line_enquiry_received": "on"})
    assert not Preference.objects.filter(user=user, line=True).exists()


def test_a_member_with_line_chooses_it_per_kind(line_api, settings):
    settings.LINE_ADD_FRIEND_URL = "https://line.me/R/ti/p/@civportal"
    user = member(chosen=False)
    client = Client()
    client.force_login(user)

    page = client.get(reverse("notification_preferences")).content.decode()
    assert "https://line.me/R/ti/p/@civportal" in page
    response = client.post(
        reverse("notification_preferences"),
        {"line_enquiry_received": "on", "digest_enquiry_received": "on"},
    )

    assert response.status_code == 302
    chosen = Preference.objects.get(user=user, kind=Kind.ENQUIRY_RECEIVED)
    assert (chosen.line, chosen.email, chosen.in_digest) == (True, False, True)
    assert not Preference.objects.filter(user=user, kind=Kind.SESSION_REMINDER, line=True).exists()
    tell([user])
    assert line_deliveries().filter(recipient=user).exists()


def test_saving_while_line_is_off_keeps_the_line_choice(line_api, settings):
    user = member()
    settings.LINE_MESSAGING_ENABLED = False
    client = Client()
    client.force_login(user)

    client.post(reverse("notification_preferences"), {"email_enquiry_received": "on"})

    assert Preference.objects.get(user=user, kind=Kind.ENQUIRY_RECEIVED).line is True


def test_messages_waiting_when_the_token_is_removed_wait_for_it_to_come_back(line_api, settings):
    tell([member()])
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""

    assert send_all() == 0

    delivery = line_deliveries().get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "LINE_CHANNEL_ACCESS_TOKEN" in delivery.last_error
    assert line_api.received() == []
    settings.LINE_CHANNEL_ACCESS_TOKEN = line_api.TOKEN
    line_deliveries().update(next_attempt_at=timezone.now())
    assert send_all() == 1

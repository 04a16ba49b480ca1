"""Destructive or hard-to-undo actions ask first (civportal.confirm): the action's address
shows what will happen with the button and a way back; a POST that did not come from that
page (a stale one-tap form, a stray tap) changes nothing; the confirmed POST does it."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from mentorship import services as mentorship_services
from mentorship.models import MOU, Attendance, TrainingSession
from products.models import Product
from tests.mentorship.conftest import bangkok, book, maejaem, person, scg_mou

pytestmark = pytest.mark.django_db


@dataclass
class Action:
    who: str
    url: str
    data: dict  # what the old one-tap form posted
    says: str  # a phrase of the confirmation page (Thai: the reader's default language)
    done: Callable[[], bool]


def archive_listing():
    coffee = Product.objects.get(name_th="กาแฟคั่วโอ่ง")
    assert coffee.status == Product.Status.PUBLISHED
    return Action(
        "member.maejaem@civ.example",
        reverse("product_archive", args=[coffee.pk]),
        {},
        "หายไปจากแคตตาล็อกสาธารณะ",
        lambda: Product.objects.get(pk=coffee.pk).status == Product.Status.ARCHIVED,
    )


def cancel_session():
    session = book(starts_at=bangkok(4, 9))
    return Action(
        "mentor@civ.example",
        reverse("session_cancel", args=[session.pk]),
        {},
        "ยกเลิกสำหรับทุกคน",
        lambda: TrainingSession.objects.get(pk=session.pk).status == "cancelled",
    )


def terminate_mou():
    mou = scg_mou()
    return Action(
        "officer.lampang@civ.example",
        reverse("mou_status", args=[mou.pk]),
        {"status": "terminated"},
        "ย้อนกลับไม่ได้",
        lambda: MOU.objects.get(pk=mou.pk).status == MOU.Status.TERMINATED,
    )


def revoke_feed():
    mentor = person("mentor@civ.example")
    mentorship_services.regenerate_feed_token(mentor)
    return Action(
        "mentor@civ.example",
        reverse("calendar_feed_settings"),
        {"action": "revoke"},
        "หยุดแสดงการอบรม",
        lambda: mentorship_services.live_feed_token(mentor) is None,
    )


def remove_own_registration():
    session = book(starts_at=bangkok(4, 9))
    member = person("member.maejaem@civ.example")
    row = mentorship_services.register_for_session(member, session)
    return Action(
        "member.maejaem@civ.example",
        reverse("registration_remove", args=[row.pk]),
        {},
        "ลงทะเบียนใหม่ได้",
        lambda: not Attendance.objects.filter(pk=row.pk).exists(),
    )


def remove_from_register():
    session = book(starts_at=bangkok(-1, 9))
    row = Attendance.objects.create(session=session, walk_in_name="นายดำ", present=True)
    return Action(
        "mentor@civ.example",
        reverse("registration_remove", args=[row.pk]),
        {},
        "นายดำ",
        lambda: not Attendance.objects.filter(pk=row.pk).exists(),
    )


ACTIONS = [
    archive_listing,
    cancel_session,
    terminate_mou,
    revoke_feed,
    remove_own_registration,
    remove_from_register,
]


@pytest.mark.parametrize("make", ACTIONS, ids=lambda make: make.__name__)
def test_the_action_is_confirmed_first_and_a_stray_post_does_nothing(client, make):
    action = make()
    client.force_login(person(action.who))

    page = client.get(action.url, action.data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-confirm-box" in html and action.says in html
    assert 'name="confirm" value="yes"' in html
    assert "กลับไปโดยไม่เปลี่ยนแปลง" in html  # the way back

    stray = client.post(action.url, action.data)  # the old one-tap button
    assert stray.status_code == 200 and "data-confirm-box" in stray.content.decode()
    assert not action.done()

    confirmed = client.post(action.url, {**action.data, "confirm": "yes"})
    assert confirmed.status_code == 302
    assert action.done()


def test_the_old_cancel_button_leads_to_the_confirmation(client):
    session = book(starts_at=bangkok(4, 9))
    client.force_login(person("mentor@civ.example"))
    response = client.post(reverse("session_status", args=[session.pk]), {"action": "cancel"})
    assert response.status_code == 302
    assert response.url == reverse("session_cancel", args=[session.pk])
    session.refresh_from_db()
    assert session.status == "planned"


def test_pages_offer_the_actions_as_links_to_their_confirmation(client):
    session = book(starts_at=bangkok(4, 9))
    member = person("member.maejaem@civ.example")
    row = mentorship_services.register_for_session(member, session)
    client.force_login(person("mentor@civ.example"))
    mentor_page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert f'href="{reverse("session_cancel", args=[session.pk])}" data-confirm' in mentor_page
    assert f'href="{reverse("registration_remove", args=[row.pk])}" data-confirm' in mentor_page

    client.force_login(member)
    member_page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert f'href="{reverse("registration_remove", args=[row.pk])}" data-confirm' in member_page

    client.force_login(person("officer.lampang@civ.example"))
    mou_page = client.get(reverse("mou_detail", args=[scg_mou().pk])).content.decode()
    assert f'{reverse("mou_status", args=[scg_mou().pk])}?status=terminated" data-confirm' in (
        mou_page
    )


def test_a_member_keeps_a_place_once_the_session_has_started(client):
    session = book(starts_at=bangkok(4, 9))
    member = person("member.maejaem@civ.example")
    row = mentorship_services.register_for_session(member, session)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=bangkok(-1, 9))
    client.force_login(member)

    assert client.get(reverse("registration_remove", args=[row.pk])).status_code == 403
    response = client.post(reverse("registration_remove", args=[row.pk]), {"confirm": "yes"})
    assert response.status_code == 403
    assert Attendance.objects.filter(pk=row.pk).exists()


def test_nobody_else_reaches_a_members_registration(client):
    session = book(starts_at=bangkok(4, 9))
    row = mentorship_services.register_for_session(person("member.maejaem@civ.example"), session)
    url = reverse("registration_remove", args=[row.pk])
    # Another member of the same community sees the session but not others' rows.
    client.force_login(person("leader.maejaem@civ.example"))
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    client.force_login(person("member.paentai@civ.example"))
    assert client.get(url).status_code == 404
    assert Attendance.objects.filter(pk=row.pk).exists()
    assert maejaem().pk in {row.community_id}

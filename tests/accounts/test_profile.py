"""The profile page: name and language, links to password, notifications, LINE and the
second factor, and the devices signed in, each of which can be signed out."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from communities.models import Community
from tests.factories import PASSWORD, make_user
from tests.totp import sign_in

pytestmark = pytest.mark.django_db


def test_the_profile_needs_a_sign_in(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_the_user_menu_links_to_the_profile_and_it_links_to_the_rest(client):
    member = make_user(Role.MEMBER, community=Community.objects.first())
    client.force_login(member)

    home = client.get("/dashboard/", follow=True)
    assert reverse("profile") in home.text
    page = client.get(reverse("profile"))

    assert page.status_code == 200
    for name in ("account_change_password", "notification_preferences", "mfa_index"):
        assert reverse(name) in page.text


def test_saving_name_and_language_keeps_them_and_switches_the_pages(client):
    member = make_user(Role.MEMBER, community=Community.objects.first())
    client.force_login(member)

    response = client.post(
        reverse("profile"), {"full_name": "สมศรี ใจดี", "preferred_language": "en"}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.preferred_language) == ("สมศรี ใจดี", "en")
    assert client.get(reverse("profile")).text.count("My account") >= 1


def test_a_blank_name_is_refused_and_nothing_changes(client):
    member = make_user(Role.MEMBER, community=Community.objects.first(), full_name="เดิม")
    client.force_login(member)

    response = client.post(reverse("profile"), {"full_name": "  ", "preferred_language": "en"})

    assert response.status_code == 200 and response.context["form"].errors
    member.refresh_from_db()
    assert (member.full_name, member.preferred_language) == ("เดิม", "th")


def test_the_devices_signed_in_are_listed_and_another_can_be_signed_out():
    officer = make_user(Role.OFFICER)
    phone, desk = Client(HTTP_USER_AGENT="Phone browser"), Client(HTTP_USER_AGENT="Desk browser")
    sign_in(phone, officer.email, PASSWORD)
    sign_in(desk, officer.email, PASSWORD)

    page = desk.get(reverse("profile"))
    assert "Phone browser" in page.text and "Desk browser" in page.text
    phone_session = UserSession.objects.get(user=officer, user_agent="Phone browser")

    desk.post(reverse("profile_session_end", args=[phone_session.pk]))

    assert not UserSession.objects.filter(pk=phone_session.pk).exists()
    assert phone.get("/dashboard/").status_code == 302  # signed out there
    assert desk.get("/dashboard/").status_code == 200


def test_nobody_signs_out_another_persons_device():
    officer = make_user(Role.OFFICER)
    other = Client()
    sign_in(other, officer.email, PASSWORD)
    their_session = UserSession.objects.get(user=officer)
    intruder = Client()
    intruder.force_login(make_user(Role.MEMBER, community=Community.objects.first()))

    intruder.post(reverse("profile_session_end", args=[their_session.pk]))

    assert UserSession.objects.filter(pk=their_session.pk).exists()
    assert other.get("/dashboard/").status_code == 200
    assert User.objects.get(pk=officer.pk).is_active

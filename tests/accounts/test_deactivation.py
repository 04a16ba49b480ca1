"""Deactivating a member ends every session of theirs and their calendar feed at once."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import deactivate_user
from communities.models import Community
from mentorship.services import live_feed_token, regenerate_feed_token
from tests.factories import PASSWORD, make_user
from tests.totp import sign_in

pytestmark = pytest.mark.django_db


def test_deactivating_a_member_signs_them_out_everywhere_and_stops_their_feed():
    officer = User.objects.get(email="officer.lampang@civ.example")
    community = Community.objects.filter(subdistrict__district__province_id="52").first()
    member = make_user(Role.MEMBER, community=community)
    phone, laptop = Client(HTTP_USER_AGENT="phone"), Client(HTTP_USER_AGENT="laptop")
    for device in (phone, laptop):
        assert sign_in(device, member.email, PASSWORD).status_code == 302
    token = regenerate_feed_token(member)
    assert UserSession.objects.filter(user=member).count() == 2

    deactivate_user(officer, member)

    assert not UserSession.objects.filter(user=member).exists()
    for device in (phone, laptop):
        response = device.get(reverse("profile"))
        assert response.status_code == 302 and "_auth_user_id" not in device.session
    assert live_feed_token(member) is None
    assert Client().get(reverse("calendar_feed", args=[token.token])).status_code == 404
    # Signing in again does not work either.
    again = Client()
    again.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert "_auth_user_id" not in again.session

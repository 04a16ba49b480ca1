"""LINE Login through allauth's real LINE provider, LINE's servers replaced by `responses`."""

from urllib.parse import parse_qs, urlparse

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import invite_user
from communities.management.commands.seed_demo import demo_password

pytestmark = pytest.mark.django_db

TOKEN_URL = "https://api.line.me/oauth2/v2.1/token"
PROFILE_URL = "https://api.line.me/v2/profile"
VERIFY_URL = "https://api.line.me/oauth2/v2.1/verify"
AUTHORIZE_URL = "https://access.line.me/oauth2/v2.1/authorize"


@pytest.fixture
def line_keys(settings):
    settings.LINE_LOGIN_ENABLED = True
    settings.SOCIALACCOUNT_PROVIDERS = {
        "line": {
            "SCOPE": ["profile", "openid"],
            "APPS": [{"client_id": "1650000000", "secret": "line-test-secret"}],
        }
    }


@pytest.fixture
def invitation():
    leader = User.objects.get(email="leader.maejaem@civ.example")
    return invite_user(leader, role=Role.MEMBER, community=leader.community)


def line_sign_in(client, *, user_id, name="มาลี จาก LINE", process="login"):
    """Press "sign in with LINE", let LINE answer (authorize, token, profile) and come back."""
    start = client.post(reverse("line_login") + f"?process={process}")
    assert start.status_code == 302
    assert start.url.startswith(AUTHORIZE_URL)
    query = parse_qs(urlparse(start.url).query)
    assert query["client_id"] == ["1650000000"]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as line:
        line.post(
            TOKEN_URL,
            json={
                "access_token": "line-access-token",
                "expires_in": 2592000,
                "id_token": "header.payload.signature",
                "refresh_token": "line-refresh",
                "scope": "profile openid",
                "token_type": "Bearer",
            },
        )
        line.get(PROFILE_URL, json={"userId": user_id, "displayName": name})
        line.post(VERIFY_URL, json={"sub": user_id, "name": name})
        response = client.get(
            reverse("line_callback"), {"code": "line-code", "state": query["state"][0]}
        )
        assert any(call.request.url.startswith(TOKEN_URL) for call in line.calls)
    return response


def test_without_keys_there_is_no_line_button(invitation):
    page = Client().get(reverse("accept_invitation", args=[invitation.token]))
    assert reverse("line_login") not in page.text
    assert reverse("line_login") not in Client().get(reverse("account_login")).text


def test_the_invitation_offers_line_and_line_accepts_it_once(line_keys, invitation):
    phone = Client()
    page = phone.get(reverse("accept_invitation", args=[invitation.token]))
    assert reverse("line_login") in page.text
    assert "เข้าสู่ระบบด้วย LINE" in page.text

    response = line_sign_in(phone, user_id="U1111aaaa")
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="line", uid="U1111aaaa")
    member = account.user
    assert (member.role, member.community_id, member.email) == (
        Role.MEMBER,
        invitation.community_id,
        None,
    )
    assert member.full_name == "มาลี จาก LINE"
    assert not member.has_usable_password()
    assert phone.get(reverse("dashboard")).context["user"] == member
    invitation.refresh_from_db()
    assert invitation.accepted_user == member

    # The same invitation cannot make a second account, by LINE or by password.
    users = User.objects.count()
    assert Client().get(reverse("accept_invitation", args=[invitation.token])).status_code == 410
    other = Client()
    session = other.session
    session["civ_invitation_token"] = invitation.token
    session.save()
    refused = line_sign_in(other, user_id="U2222bbbb")
    assert "ไม่มีบัญชี" in refused.text
    assert User.objects.count() == users
    assert not SocialAccount.objects.filter(uid="U2222bbbb").exists()


def test_later_one_tap_sign_in_with_line(line_keys, invitation):
    phone = Client()
    phone.get(reverse("accept_invitation", args=[invitation.token]))
    line_sign_in(phone, user_id="U1111aaaa")
    member = SocialAccount.objects.get(uid="U1111aaaa").user

    later = Client()
    response = line_sign_in(later, user_id="U1111aaaa")
    assert response.status_code == 302
    assert later.get(reverse("dashboard")).context["user"] == member
    assert User.objects.filter(community=member.community, full_name=member.full_name).count() == 1


def test_an_unknown_line_account_without_invitation_is_refused(line_keys):
    users = User.objects.count()
    response = line_sign_in(Client(), user_id="U9999zzzz")
    assert "ไม่มีบัญชี" in response.text
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()


def test_a_member_connects_line_then_signs_in_with_it(line_keys):
    member = User.objects.get(email="member.maejaem@civ.example")
    client = Client()
    assert client.login(email=member.email, password=demo_password())
    connections = client.get(reverse("socialaccount_connections"))
    assert connections.status_code == 200
    line_sign_in(client, user_id="U3333cccc", process="connect")
    assert SocialAccount.objects.get(uid="U3333cccc").user == member

    phone = Client()
    response = line_sign_in(phone, user_id="U3333cccc")
    assert response.status_code == 302
    assert phone.get(reverse("dashboard")).context["user"] == member


def test_an_officer_cannot_use_line(line_keys):
    client = Client()
    assert client.login(email="officer.lampang@civ.example", password=demo_password())
    line_sign_in(client, user_id="U4444dddd", process="connect")
    assert not SocialAccount.objects.exists()


def test_a_deactivated_member_cannot_sign_in_with_line(line_keys):
    member = User.objects.get(email="member.maejaem@civ.example")
    client = Client()
    assert client.login(email=member.email, password=demo_password())
    line_sign_in(client, user_id="U5555eeee", process="connect")
    User.objects.filter(pk=member.pk).update(is_active=False)
    phone = Client()
    line_sign_in(phone, user_id="U5555eeee")
    assert phone.get(reverse("dashboard")).status_code == 302

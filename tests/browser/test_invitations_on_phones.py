"""On phones (390×844): a leader invites a member with a link/QR code; the member opens it
on her own phone, joins with a sign-in name and password — or with LINE — and sees her home."""

import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import responses
from django.urls import reverse

from accounts.models import Invitation, Role, User
from accounts.services import invite_user
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import _page_in_context
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "locale": "th-TH",
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "bypass_csp": True,
}


@pytest.fixture
def second_phone(browser, live_server, seeded):
    """The new member's own phone: a fresh context, nobody signed in."""
    yield from _page_in_context(browser, live_server, **PHONE)


def test_a_leader_invites_a_member_who_joins_on_her_phone(phone_page, second_phone):
    page = phone_page
    leader = User.objects.get(email="leader.maejaem@civ.example")
    sign_in(page, leader.email)
    page.click(f"a[href='{reverse('community_people', args=[leader.community_id])}']")
    assert_accessible(page)
    page.check("input[name=how][value=link]")
    page.fill("input[name=full_name]", "มาลี ใจดี")
    page.click("main form [type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/people/invitations/\d+/$"))
    assert page.locator("figure.qr-code svg").count() == 1
    assert_accessible(page)
    link = page.input_value("#invitation-link")
    invitation = Invitation.objects.get(full_name="มาลี ใจดี")
    assert link.endswith(reverse("accept_invitation", args=[invitation.token]))

    member_phone = second_phone
    member_phone.goto(urlparse(link).path)
    assert leader.community.name_th in member_phone.locator("main").inner_text()
    assert_accessible(member_phone)
    member_phone.fill("input[name=login_name]", "0812345678")
    member_phone.fill("input[name=password1]", "ผ้าทอแม่แจ๋ม-2568!")
    member_phone.fill("input[name=password2]", "ผ้าทอแม่แจ๋ม-2568!")
    member_phone.click("main form [type=submit].btn-primary")
    member_phone.wait_for_url(re.compile(r"/dashboard/$"))
    assert member_phone.locator(".home-listings").count() == 1
    assert "มาลี ใจดี" in member_phone.locator(".page-header").inner_text()
    assert_accessible(member_phone)
    member = User.objects.get(login_name="0812345678")
    assert (member.role, member.community_id, member.email) == (
        Role.MEMBER,
        leader.community_id,
        None,
    )

    # The link worked once.
    member_phone.goto(urlparse(link).path)
    assert "ลิงก์คำเชิญนี้ใช้งานไม่ได้แล้ว" in member_phone.locator("main").inner_text()


def test_a_member_accepts_the_invitation_with_line_and_sees_her_listings(
    settings, live_server, second_phone
):
    settings.LINE_LOGIN_ENABLED = True
    settings.SOCIALACCOUNT_PROVIDERS = {
        "line": {
            "SCOPE": ["profile", "openid"],
            "APPS": [{"client_id": "1650000000", "secret": "line-test-secret"}],
        }
    }
    leader = User.objects.get(email="leader.maejaem@civ.example")
    invitation = invite_user(leader, role=Role.MEMBER, community=leader.community)
    page = second_phone

    # LINE's authorize page, replaced: it sends the phone straight back with a code.
    def line_authorizes(route):
        query = parse_qs(urlparse(route.request.url).query)
        back = (
            query["redirect_uri"][0]
            + "?"
            + urlencode({"code": "line-code", "state": query["state"][0]})
        )
        route.fulfill(status=302, headers={"Location": back})

    page.route(re.compile(r"^https://access\.line\.me/"), line_authorizes)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as line:
        # LINE's server-side endpoints, called by the live server in this process.
        line.add_passthru(live_server.url)
        line.post(
            "https://api.line.me/oauth2/v2.1/token",
            json={
                "access_token": "line-access-token",
                "expires_in": 2592000,
                "id_token": "header.payload.signature",
                "token_type": "Bearer",
            },
        )
        line.get(
            "https://api.line.me/v2/profile",
            json={"userId": "U7777browser", "displayName": "มาลี จาก LINE"},
        )
        page.goto(reverse("accept_invitation", args=[invitation.token]))
        assert_accessible(page)
        page.click("form.line-login button")
        page.wait_for_url(re.compile(r"/dashboard/$"))

    listings = page.locator(".home-listings .listing")
    assert listings.count() == leader.community.products.count() > 0
    assert "มาลี จาก LINE" in page.locator(".page-header").inner_text()
    assert_accessible(page)
    invitation.refresh_from_db()
    assert invitation.accepted_user.socialaccount_set.get().uid == "U7777browser"

"""Officers and leaders invite community members by link/QR or e-mail, and deactivate them."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, User
from accounts.services import accept_invitation, invite_user, revoke_invitation
from communities.management.commands.seed_demo import demo_password
from communities.models import Community
from mentorship.models import CalendarFeedToken
from mentorship.services import regenerate_feed_token
from outbox.models import Delivery
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "ผ้าทอแม่แจ๋ม-2568!"


def demo(email):
    return User.objects.get(email=email)


def signed_in(email) -> Client:
    client = Client()
    assert client.login(email=email, password=demo_password())
    return client


@pytest.fixture
def leader():
    return demo("leader.maejaem@civ.example")


@pytest.fixture
def link_invitation(leader):
    return invite_user(leader, role=Role.MEMBER, community=leader.community, full_name="มาลี")


def accept_form(**overrides):
    return {
        "full_name": "มาลี ใจดี",
        "login_name": "081-234-5678",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def test_leader_creates_a_link_invitation_with_a_qr_code(leader):
    client = signed_in(leader.email)
    page = client.get(reverse("community_people", args=[leader.community_id]))
    assert page.status_code == 200
    response = client.post(
        reverse("community_people", args=[leader.community_id]),
        {"how": "link", "full_name": "มาลี", "email": "", "role": "member"},
    )
    invitation = Invitation.objects.get(community=leader.community, full_name="มาลี")
    assert response.url == reverse("invitation_detail", args=[invitation.pk])
    assert (invitation.email, invitation.role) == ("", Role.MEMBER)
    assert not Delivery.objects.filter(key=f"invitation:{invitation.pk}").exists()
    detail = client.get(response.url)
    assert "<svg" in detail.text and 'class="segno"' in detail.text
    assert invitation.token in detail.text
    assert leader.community.name_th in detail.text


def test_a_leader_cannot_invite_a_leader(leader):
    client = signed_in(leader.email)
    client.post(
        reverse("community_people", args=[leader.community_id]),
        {"how": "link", "full_name": "ผู้นำใหม่", "role": "leader"},
    )
    assert not Invitation.objects.filter(role=Role.LEADER).exists()


def test_officer_invites_by_email_through_the_outbox():
    officer = demo("officer.lampang@civ.example")
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    client = signed_in(officer.email)
    response = client.post(
        reverse("community_people", args=[mae_jaem.pk]),
        {"how": "email", "full_name": "สมชาย", "email": "Somchai@Example.org", "role": "leader"},
    )
    invitation = Invitation.objects.get(email="somchai@example.org")
    assert response.status_code == 302
    assert invitation.role == Role.LEADER
    assert Delivery.objects.filter(key=f"invitation:{invitation.pk}").exists()


def test_email_invitation_without_an_address_is_refused_with_a_message(leader):
    client = signed_in(leader.email)
    response = client.post(
        reverse("community_people", args=[leader.community_id]),
        {"how": "email", "full_name": "สมชาย", "email": "", "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.filter(full_name="สมชาย").exists()


def test_member_opens_the_link_chooses_a_sign_in_name_and_lands_on_her_home(link_invitation):
    client = Client()
    page = client.get(reverse("accept_invitation", args=[link_invitation.token]))
    assert link_invitation.community.name_th in page.text
    response = client.post(
        reverse("accept_invitation", args=[link_invitation.token]), accept_form()
    )
    assert response.url == reverse("dashboard")
    home = client.get(reverse("dashboard"))
    assert home.status_code == 200
    user = User.objects.get(login_name="081-234-5678")
    assert (user.role, user.community, user.email) == (
        Role.MEMBER,
        link_invitation.community,
        None,
    )
    assert home.context["user"] == user
    link_invitation.refresh_from_db()
    assert link_invitation.accepted_user == user

    # Later, on another phone: the sign-in name and password.
    other = Client()
    signin = other.post(reverse("account_login"), {"login": "081-234-5678", "password": PASSWORD})
    assert signin.status_code == 302
    assert other.get(reverse("dashboard")).context["user"] == user


def test_a_typed_address_is_optional_and_kept_unverified(link_invitation):
    Client().post(
        reverse("accept_invitation", args=[link_invitation.token]),
        accept_form(email="malee@example.org"),
    )
    user = User.objects.get(login_name="081-234-5678")
    assert user.email == "malee@example.org"
    assert not user.emailaddress_set.get().verified


def test_a_taken_sign_in_name_is_refused_on_the_form(link_invitation, leader):
    make_user(Role.MEMBER, community=leader.community, login_name="081-234-5678")
    response = Client().post(
        reverse("accept_invitation", args=[link_invitation.token]), accept_form()
    )
    assert response.status_code == 200
    assert (
        "081-234-5678" in str(response.context["form"].errors)
        or response.context["form"].non_field_errors()
    )
    link_invitation.refresh_from_db()
    assert link_invitation.accepted_at is None


@pytest.mark.parametrize("how", ["used", "expired", "revoked"])
def test_a_used_expired_or_revoked_link_says_so_and_creates_nothing(how, link_invitation, leader):
    if how == "used":
        accept_invitation(
            link_invitation.token, full_name="ก", password=PASSWORD, login_name="first-one"
        )
    elif how == "expired":
        Invitation.objects.filter(pk=link_invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    else:
        revoke_invitation(leader, link_invitation)
    users = User.objects.count()
    client = Client()
    page = client.get(reverse("accept_invitation", args=[link_invitation.token]))
    assert page.status_code == 410
    assert "ลิงก์คำเชิญนี้ใช้งานไม่ได้แล้ว" in page.text
    client.post(reverse("accept_invitation", args=[link_invitation.token]), accept_form())
    assert User.objects.count() == users
    with pytest.raises(ValidationError):
        accept_invitation(
            link_invitation.token, full_name="ข", password=PASSWORD, login_name="second-one"
        )


def test_invitations_expire_after_the_setting(settings, leader):
    settings.INVITATION_EXPIRY_DAYS = 3
    invitation = invite_user(leader, role=Role.MEMBER, community=leader.community)
    assert timedelta(days=2, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=3)


def test_revoking_asks_first_then_the_link_stops_working(link_invitation, leader):
    client = signed_in(leader.email)
    url = reverse("invitation_revoke", args=[link_invitation.pk])
    assert client.get(url).status_code == 200
    client.post(url)  # a stray POST without the confirmation changes nothing
    link_invitation.refresh_from_db()
    assert link_invitation.revoked_at is None
    client.post(url, {"confirm": "yes"})
    link_invitation.refresh_from_db()
    assert link_invitation.revoked_at is not None
    pending = client.get(reverse("community_people", args=[leader.community_id]))
    assert link_invitation not in pending.context["invitations"]


def test_members_email_is_optional_but_staff_roles_need_one(leader):
    with pytest.raises(ValidationError):
        invite_user(demo("staff@civ.example"), role=Role.OFFICER, email="")
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password=PASSWORD, full_name="ก", role=Role.STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(full_name="ข", role=Role.OFFICER, login_name="officer-x")
    member = User.objects.create_user(
        email=None,
        password=PASSWORD,
        full_name="ค",
        role=Role.MEMBER,
        community=leader.community,
        login_name="0899999999",
    )
    assert member.email is None


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("officer.saraburi@civ.example", 404),  # another province: cannot see it at all
        ("member.paentai@civ.example", 404),  # another community
        ("member.maejaem@civ.example", 403),  # sees the community, does not manage it
        ("mentor@civ.example", 403),
    ],
)
def test_people_pages_answer_404_out_of_scope_and_403_in_scope(
    email, status, link_invitation, leader
):
    client = signed_in(email)
    member = demo("member.maejaem@civ.example")
    for url in (
        reverse("community_people", args=[leader.community_id]),
        reverse("invitation_detail", args=[link_invitation.pk]),
        reverse("invitation_revoke", args=[link_invitation.pk]),
        reverse("person_deactivate", args=[member.pk]),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert link_invitation.token not in response.text
    client.post(reverse("invitation_revoke", args=[link_invitation.pk]), {"confirm": "yes"})
    client.post(reverse("person_deactivate", args=[member.pk]), {"confirm": "yes"})
    link_invitation.refresh_from_db()
    member.refresh_from_db()
    assert link_invitation.revoked_at is None and member.is_active


def test_another_communitys_leader_gets_404(link_invitation):
    other = Community.objects.exclude(pk=link_invitation.community_id).first()
    other_leader = make_user(Role.LEADER, community=other)
    client = Client()
    client.force_login(other_leader)
    assert client.get(reverse("invitation_detail", args=[link_invitation.pk])).status_code == 404
    assert (
        client.get(reverse("community_people", args=[link_invitation.community_id])).status_code
        == 404
    )


def sessions_of(user) -> int:
    return sum(
        1
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    )


def test_deactivated_member_is_signed_out_everywhere_and_cannot_sign_in(leader):
    member = demo("member.maejaem@civ.example")
    phone = signed_in(member.email)
    assert phone.get(reverse("dashboard")).status_code == 200
    feed = regenerate_feed_token(member)
    assert sessions_of(member) == 1

    client = signed_in(leader.email)
    url = reverse("person_deactivate", args=[member.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"confirm": "yes"})

    member.refresh_from_db()
    assert not member.is_active
    assert sessions_of(member) == 0
    assert sessions_of(leader) == 1
    assert phone.get(reverse("dashboard")).status_code == 302
    assert CalendarFeedToken.objects.get(pk=feed.pk).revoked_at is not None
    assert not Client().login(email=member.email, password=demo_password())
    refused = Client().post(
        reverse("account_login"), {"login": member.email, "password": demo_password()}
    )
    assert refused.status_code != 302 or "inactive" in refused.url
    assert leader.is_active and Client().login(email=leader.email, password=demo_password())


def test_a_leader_cannot_deactivate_a_leader_but_the_officer_can(leader):
    second = make_user(Role.LEADER, community=leader.community)
    client = signed_in(leader.email)
    client.post(reverse("person_deactivate", args=[second.pk]), {"confirm": "yes"})
    second.refresh_from_db()
    assert second.is_active
    officer = signed_in("officer.lampang@civ.example")
    officer.post(reverse("person_deactivate", args=[second.pk]), {"confirm": "yes"})
    second.refresh_from_db()
    assert not second.is_active


def test_the_admin_form_rule_matches_the_database(leader):
    officer = User(full_name="ก", role=Role.OFFICER, email="", login_name="")
    with pytest.raises(ValidationError) as refused:
        officer.full_clean(exclude=["password"])
    assert "email" in refused.value.message_dict
    member = User(
        full_name="ข", role=Role.MEMBER, community=leader.community, email="", login_name="Malee.2"
    )
    member.full_clean(exclude=["password"])
    assert (member.email, member.login_name) == (None, "malee.2")

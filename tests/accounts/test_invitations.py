import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Invitation, Role, User
from accounts.services import accept_invitation, invite_user
from communities.models import Community, Organisation

pytestmark = pytest.mark.django_db


def demo(email):
    return User.objects.get(email=email)


def test_coordinator_invites_a_mentor_for_their_own_company_only():
    coordinator = demo("coordinator@civ.example")
    invitation = invite_user(
        coordinator,
        email="Mentor.New@civ.example",
        role=Role.MENTOR,
        organisation=coordinator.organisation,
    )
    assert invitation.email == "mentor.new@civ.example"
    other = Organisation.objects.create(kind=Organisation.Kind.COMPANY, name_th="บริษัทอื่น จำกัด")
    with pytest.raises(PermissionDenied):
        invite_user(coordinator, email="x@civ.example", role=Role.MENTOR, organisation=other)


def test_officer_cannot_invite_members_of_a_community_outside_their_province():
    officer = demo("officer.saraburi@civ.example")
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    with pytest.raises(PermissionDenied):
        invite_user(officer, email="y@civ.example", role=Role.MEMBER, community=mae_jaem)


def test_accepting_creates_the_account_with_role_scope_and_a_verified_address(client):
    officer = demo("officer.lampang@civ.example")
    paen_tai = Community.objects.get(subdistrict__code="520602")
    invitation = invite_user(
        officer, email="member.new@civ.example", role=Role.MEMBER, community=paen_tai
    )
    response = client.post(
        reverse("accept_invitation", args=[invitation.token]),
        {"full_name": "มาลี ศรีสุข", "password1": "มะนาวผง-2568!", "password2": "มะนาวผง-2568!"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="member.new@civ.example")
    assert (user.role, user.community) == (Role.MEMBER, paen_tai)
    assert user.emailaddress_set.get().verified
    assert client.login(email="member.new@civ.example", password="มะนาวผง-2568!")
    invitation.refresh_from_db()
    assert invitation.accepted_user == user


def test_an_invitation_link_works_once():
    staff = demo("staff@civ.example")
    invitation = invite_user(staff, email="once@civ.example", role=Role.STAFF)
    accept_invitation(invitation.token, full_name="ครั้งเดียว", password="a-long-pass-2568")
    with pytest.raises(ValidationError):
        accept_invitation(invitation.token, full_name="สองครั้ง", password="a-long-pass-2568")
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None


def test_open_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "walk.in@civ.example",
            "password1": "a-long-pass-2568",
            "password2": "a-long-pass-2568",
        },
    )
    assert not User.objects.filter(email="walk.in@civ.example").exists()
    assert response.status_code == 200

"""Whose accounts and invitations a user reaches (accounts.selectors), used by the admin."""

import pytest

from accounts.models import Role, User
from accounts.selectors import invitations_for, users_for
from accounts.services import invite_user
from communities.models import Community

pytestmark = pytest.mark.django_db


def _emails(queryset):
    return set(queryset.values_list("email", flat=True))


def test_an_officer_sees_themselves_and_the_people_of_communities_in_their_provinces():
    officer = User.objects.get(email="officer.lampang@civ.example")

    seen = _emails(users_for(officer))

    lampang_people = _emails(User.objects.filter(community__province_id="52"))
    assert lampang_people >= {"leader.maejaem@civ.example", "member.paentai@civ.example"}
    assert seen == lampang_people | {officer.email}
    assert not seen & {
        "officer.saraburi@civ.example",
        "coordinator@civ.example",
        "mentor@civ.example",
        "staff@civ.example",
    }


@pytest.mark.parametrize(
    "email", ["coordinator@civ.example", "mentor@civ.example", "member.maejaem@civ.example"]
)
def test_everyone_else_sees_only_themselves(email):
    assert _emails(users_for(User.objects.get(email=email))) == {email}


def test_programme_staff_see_everyone():
    assert users_for(User.objects.get(email="staff@civ.example")).count() == User.objects.count()


def test_invitations_are_seen_by_who_sent_them_and_programme_staff():
    lampang = User.objects.get(email="officer.lampang@civ.example")
    invitation = invite_user(
        lampang,
        email="new.member@civ.example",
        role=Role.MEMBER,
        community=Community.objects.get(subdistrict__code="521304"),
    )

    assert list(invitations_for(lampang)) == [invitation]
    assert invitation in invitations_for(User.objects.get(email="staff@civ.example"))
    assert not invitations_for(User.objects.get(email="officer.saraburi@civ.example")).exists()

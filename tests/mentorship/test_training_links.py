"""Scheduling is reachable from /training/, and an MOU's community links lead each reader
to a page they may see."""

import pytest
from django.urls import reverse

from communities.models import Community
from mentorship.permissions import can_schedule_session
from mentorship.selectors import mous_for, schedulable_mous_for
from tests.factories import active_mou

from .conftest import person, scg_mou

pytestmark = pytest.mark.django_db


def test_a_mentor_with_one_mou_goes_from_training_straight_to_the_form(client):
    client.force_login(person("mentor@civ.example"))
    page = client.get(reverse("training_upcoming")).content.decode()
    assert f'href="{reverse("session_new", args=[scg_mou().pk])}"' in page


def test_a_coordinator_with_several_mous_chooses_the_mou_first(client):
    coordinator = person("coordinator@civ.example")
    first = scg_mou()
    second = active_mou(
        coordinator.organisation,
        [Community.objects.get(subdistrict__code="520606")],
        title_th="บันทึกข้อตกลงฉบับที่สอง",
    )
    client.force_login(coordinator)

    page = client.get(reverse("training_upcoming")).content.decode()
    assert f'href="{reverse("schedule_choose")}"' in page
    choice = client.get(reverse("schedule_choose")).content.decode()
    for mou in (first, second):
        assert f'href="{reverse("session_new", args=[mou.pk])}"' in choice


@pytest.mark.parametrize("email", ["member.maejaem@civ.example", "officer.lampang@civ.example"])
def test_people_who_may_not_schedule_see_no_button(client, email):
    client.force_login(person(email))
    page = client.get(reverse("training_upcoming")).content.decode()
    assert "schedule-session" not in page
    assert client.get(reverse("schedule_choose")).status_code == 404


@pytest.mark.parametrize(
    "email",
    [
        "staff@civ.example",
        "officer.lampang@civ.example",
        "coordinator@civ.example",
        "mentor@civ.example",
        "member.maejaem@civ.example",
    ],
)
def test_schedulable_mous_are_those_the_permission_allows(email):
    user = person(email)
    allowed = {mou.pk for mou in mous_for(user) if can_schedule_session(user, mou)}
    assert set(schedulable_mous_for(user).values_list("pk", flat=True)) == allowed


@pytest.mark.parametrize(
    "email", ["mentor@civ.example", "member.maejaem@civ.example", "coordinator@civ.example"]
)
def test_every_community_link_on_the_mou_page_opens(client, email):
    client.force_login(person(email))
    page = client.get(reverse("mou_detail", args=[scg_mou().pk])).content.decode()
    communities = list(scg_mou().communities.all())
    assert len(communities) == 3
    for community in communities:
        registry = reverse("community_detail", args=[community.pk])
        public = reverse("public_community", args=[community.pk])
        link = registry if f'href="{registry}"' in page else public
        assert f'href="{link}"' in page, community.name_th
        assert client.get(link).status_code == 200, (email, link)


def test_a_member_reaches_other_communities_through_their_public_page(client):
    client.force_login(person("member.maejaem@civ.example"))
    page = client.get(reverse("mou_detail", args=[scg_mou().pk])).content.decode()
    paentai = Community.objects.get(subdistrict__code="520602")
    maejaem = Community.objects.get(subdistrict__code="521304")
    assert f'href="{reverse("public_community", args=[paentai.pk])}"' in page
    assert f'href="{reverse("community_detail", args=[maejaem.pk])}"' in page

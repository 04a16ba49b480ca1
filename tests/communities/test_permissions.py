"""Who may open the officer pages of a Lampang community: 404 outside scope, 403 for
"can see but may not do", 302 to the login page for the anonymous."""

import pytest
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Indicator

pytestmark = pytest.mark.django_db

WHO = [
    "staff@civ.example",
    "officer.lampang@civ.example",
    "officer.saraburi@civ.example",
    "mentor@civ.example",
    "leader.maejaem@civ.example",
    "member.paentai@civ.example",
    None,
]

# Per page (on บ้านแม่แจ๋ม): the status for each of WHO, in order.
MATRIX = {
    "community_detail": [200, 200, 404, 200, 200, 404, 302],
    "community_history": [200, 200, 404, 200, 200, 404, 302],
    "visit_create": [200, 200, 404, 403, 403, 404, 302],
    "stage_move": [200, 200, 404, 403, 403, 404, 302],
    "indicator_targets": [200, 200, 404, 403, 403, 404, 302],
    "community_edit": [200, 200, 404, 403, 200, 404, 302],
}
# Pages without a community: registering and importing are for officers and staff.
GENERAL = {
    "community_create": [200, 200, 200, 403, 403, 403, 302],
    "community_import": [200, 200, 200, 403, 403, 403, 302],
    # Members and leaders have one community: the registry sends them to its page.
    "community_list": [200, 200, 200, 200, 302, 302, 302],
    "community_map": [200, 200, 200, 200, 200, 200, 302],
}

CASES = [
    (name, who, status)
    for table in (MATRIX, GENERAL)
    for name, statuses in table.items()
    for who, status in zip(WHO, statuses, strict=True)
]


@pytest.mark.parametrize(("name", "who", "status"), CASES)
def test_officer_pages_answer_by_scope(client, name, who, status):
    if who:
        client.force_login(User.objects.get(email=who))
    args = [Community.objects.get(subdistrict_id="521304").pk] if name in MATRIX else []

    assert client.get(reverse(name, args=args)).status_code == status


def test_leader_edits_the_profile_without_the_geography_pickers(client):
    client.force_login(User.objects.get(email="leader.maejaem@civ.example"))
    mae_jaem = Community.objects.get(subdistrict_id="521304")

    form = client.get(reverse("community_edit", args=[mae_jaem.pk])).context["form"]

    assert "subdistrict" not in form.fields and "province" not in form.fields


def test_leader_saves_the_profile_and_the_change_is_in_the_history(client):
    leader = User.objects.get(email="leader.maejaem@civ.example")
    client.force_login(leader)
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    form = client.get(reverse("community_edit", args=[mae_jaem.pk])).context["form"]
    data = {
        name: value
        for name, value in ((f.name, f.value()) for f in form)
        if value is not None and name != "photos"
    }
    data["members_count"] = 31

    response = client.post(reverse("community_edit", args=[mae_jaem.pk]), data)

    assert response.status_code == 302
    mae_jaem.refresh_from_db()
    assert mae_jaem.members_count == 31 and mae_jaem.cohort_year == 2018
    assert mae_jaem.history.latest().history_user == leader


def test_programme_staff_manage_the_indicator_catalogue_in_the_admin(client):
    client.force_login(User.objects.get(email="staff@civ.example"))

    response = client.post(
        reverse("admin:communities_indicator_add"),
        {
            "name_th": "จำนวนคำสั่งซื้อออนไลน์",
            "name_en": "Online orders",
            "code": "online_orders",
            "unit": "รายการ",
            "direction": "up",
            "frequency": "quarter",
            "active": "on",
            "position": 7,
        },
    )

    assert response.status_code == 302
    added = Indicator.objects.get(code="online_orders")
    assert (added.name_en, added.frequency) == ("Online orders", "quarter")


@pytest.mark.parametrize("ending", ["terminated", "expired"])
def test_the_coordinator_of_an_ended_mou_no_longer_finds_its_communities(client, ending):
    from mentorship.models import MOU
    from mentorship.services import change_mou_status

    scg = MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")
    mae_jaem = Community.objects.get(subdistrict_id="521304")
    coordinator = User.objects.get(email="coordinator@civ.example")
    client.force_login(coordinator)
    assert mae_jaem.name_th in client.get(reverse("community_list")).content.decode()

    change_mou_status(User.objects.get(email="staff@civ.example"), scg, ending)

    for name in ("community_detail", "community_history"):
        assert client.get(reverse(name, args=[mae_jaem.pk])).status_code == 404, name
    for name in ("community_list", "community_map"):
        assert mae_jaem.name_th not in client.get(reverse(name)).content.decode(), name

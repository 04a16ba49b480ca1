"""One scope matrix for the whole portal: (page, who) → status, with "another province /
company / community" answering 404 (cannot see) or 403 (can see, cannot edit) — never data."""

import pytest
from django.urls import reverse

from accounts.mfa import enrol_totp
from accounts.models import Role, User
from communities.models import Community, Organisation, Subdistrict
from communities.services import register_community
from mentorship.models import MOU
from products.models import Product
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

DEMO = {
    "staff": "staff@civ.example",
    "officer_lampang": "officer.lampang@civ.example",
    "officer_saraburi": "officer.saraburi@civ.example",
    "coordinator_scg": "coordinator@civ.example",
    "mentor_scg": "mentor@civ.example",
    "leader_maejaem": "leader.maejaem@civ.example",
    "member_maejaem": "member.maejaem@civ.example",
    "member_paentai": "member.paentai@civ.example",
}


@pytest.fixture
def world():
    """The seeded programme plus what lies outside it.

    Another company with a mentor and a coordinator, and a Saraburi community.
    """
    other_company = Organisation.objects.create(
        kind=Organisation.Kind.COMPANY, name_th="บริษัท อื่น จำกัด"
    )
    make_user(Role.MENTOR, email="mentor.other@civ.example", organisation=other_company)
    make_user(Role.COORDINATOR, email="coordinator.other@civ.example", organisation=other_company)
    saraburi_officer = User.objects.get(email=DEMO["officer_saraburi"])
    saraburi = register_community(
        saraburi_officer,
        name_th="ชุมชนทดสอบสระบุรี",
        subdistrict=Subdistrict.objects.filter(district__province_id="19").first(),
    )
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    return {
        "mae_jaem": mae_jaem,
        "saraburi": saraburi,
        "mou": MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)"),
        "lime_powder": Product.objects.get(name_th="มะนาวผง"),
        "coffee": Product.objects.get(name_th="กาแฟคั่วโอ่ง"),
    }


EMAILS = {
    **DEMO,
    "mentor_other": "mentor.other@civ.example",
    "coordinator_other": "coordinator.other@civ.example",
}

MATRIX = [
    # Lampang community (บ้านแม่แจ๋ม): detail and edit
    (
        "community_detail",
        "mae_jaem",
        {
            "staff": 200,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 200,
            "mentor_scg": 200,
            "mentor_other": 404,
            "coordinator_other": 404,
            "leader_maejaem": 200,
            "member_maejaem": 200,
            "member_paentai": 404,
            None: 302,
        },
    ),
    (
        "community_edit",
        "mae_jaem",
        {
            "staff": 200,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 403,
            "mentor_scg": 403,
            "mentor_other": 404,
            "leader_maejaem": 200,
            "member_maejaem": 403,
            "member_paentai": 404,
            None: 302,
        },
    ),
    # A Saraburi community is not Lampang's
    (
        "community_detail",
        "saraburi",
        {
            "staff": 200,
            "officer_saraburi": 200,
            "officer_lampang": 404,
            "coordinator_scg": 404,
            "mentor_scg": 404,
            "member_maejaem": 404,
        },
    ),
    ("community_edit", "saraburi", {"officer_saraburi": 200, "officer_lampang": 404}),
    # The SCG–Lampang MOU
    (
        "mou_detail",
        "mou",
        {
            "staff": 200,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 200,
            "coordinator_other": 404,
            "mentor_scg": 200,
            "mentor_other": 404,
            "member_maejaem": 200,
            None: 302,
        },
    ),
    (
        "mou_edit",
        "mou",
        {
            "staff": 200,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 200,
            "coordinator_other": 404,
            "mentor_scg": 403,
            "mentor_other": 404,
            "leader_maejaem": 403,
        },
    ),
    # บ้านแป้นใต้'s lime powder
    (
        "product_detail",
        "lime_powder",
        {
            "member_paentai": 200,
            "member_maejaem": 404,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "mentor_scg": 404,
            "staff": 200,
            None: 302,
        },
    ),
    (
        "product_edit",
        "lime_powder",
        {
            "member_paentai": 200,
            "member_maejaem": 404,
            "leader_maejaem": 404,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 403,
            "mentor_scg": 404,
            "staff": 200,
        },
    ),
    ("product_edit", "coffee", {"member_maejaem": 200, "member_paentai": 404, "mentor_scg": 403}),
    # The archive confirmation page (restore's and withdraw's follow the same checks).
    (
        "product_archive",
        "lime_powder",
        {
            "member_paentai": 200,
            "member_maejaem": 404,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 403,
            "mentor_scg": 404,
        },
    ),
    # บ้านแม่แจ๋ม's people and invitations: its leader and Lampang's officers manage them
    (
        "community_people",
        "mae_jaem",
        {
            "staff": 200,
            "officer_lampang": 200,
            "officer_saraburi": 404,
            "coordinator_scg": 403,
            "mentor_scg": 403,
            "mentor_other": 404,
            "leader_maejaem": 200,
            "member_maejaem": 403,
            "member_paentai": 404,
            None: 302,
        },
    ),
    ("community_people", "saraburi", {"officer_saraburi": 200, "leader_maejaem": 404}),
]

CASES = [
    pytest.param(url_name, target, who, status, id=f"{url_name}-{target}-{who or 'anonymous'}")
    for url_name, target, expectations in MATRIX
    for who, status in expectations.items()
]


@pytest.mark.parametrize(("url_name", "target", "who", "status"), CASES)
def test_scope(client, world, url_name, target, who, status):
    if who:
        assert client.login(email=EMAILS[who], password=_password_for(EMAILS[who]))
    response = client.get(reverse(url_name, args=[world[target].pk]))
    assert response.status_code == status
    if status in (403, 404):
        assert str(world[target]).encode() not in response.content


def _password_for(email):
    from communities.management.commands.seed_demo import demo_password

    return demo_password() if email in DEMO.values() else PASSWORD


@pytest.mark.parametrize("who", ["officer_saraburi", "member_paentai", "mentor_scg"])
def test_posting_an_edit_out_of_scope_changes_nothing(client, world, who):
    client.login(email=EMAILS[who], password=_password_for(EMAILS[who]))
    mae_jaem = world["mae_jaem"]
    response = client.post(
        reverse("community_edit", args=[mae_jaem.pk]), {"name_th": "ถูกแก้", "members_count": 1}
    )
    assert response.status_code in (403, 404)
    mae_jaem.refresh_from_db()
    assert mae_jaem.name_th != "ถูกแก้"


# --- Scopes follow MOU status ---------------------------------------------------------------


@pytest.fixture
def company_b(settings, tmp_path):
    """Company B with a coordinator and a mentor: MOU B1 covers บ้านแม่แจ๋ม and บ้านแป้นใต้
    (the mentor assigned to บ้านแม่แจ๋ม), MOU B2 covers บ้านแป้นใต้ only."""
    from datetime import date

    from mentorship.models import MentoringArea
    from mentorship.services import assign_mentor
    from tests.factories import active_mou, make_company

    settings.MEDIA_ROOT = tmp_path
    company = make_company("บริษัท พี่เลี้ยงบี จำกัด")
    # Signed in with force_login: no password to hash.
    coordinator = User.objects.create(
        email="coordinator.b@civ.example", role=Role.COORDINATOR, organisation=company
    )
    enrol_totp(coordinator)  # coordinators must have a second factor
    mentor = User.objects.create(
        email="mentor.b@civ.example", role=Role.MENTOR, organisation=company
    )
    mae_jaem = Community.objects.get(subdistrict__code="521304")
    paentai = Product.objects.get(name_th="มะนาวผง").community
    b1 = active_mou(company, [mae_jaem, paentai], title_th="MOU บี 1")
    active_mou(company, [paentai], title_th="MOU บี 2")
    assign_mentor(
        coordinator,
        b1,
        mentor=mentor,
        community=mae_jaem,
        areas=MentoringArea.objects.filter(code="marketing"),
        starts_on=date(2025, 10, 1),
    )
    return {
        "b1": b1,
        "coordinator": coordinator,
        "mentor": mentor,
        "mae_jaem": mae_jaem,
        "paentai": paentai,
        "coffee": Product.objects.get(name_th="กาแฟคั่วโอ่ง"),  # บ้านแม่แจ๋ม's
    }


def _new_visit_photo(community):
    from django.utils import timezone

    from communities.services import log_visit
    from tests.communities.helpers import png

    officer = User.objects.get(email=DEMO["officer_lampang"])
    visit = log_visit(
        officer, community, visited_on=timezone.localdate(), summary="ลงพื้นที่", photos=[png()]
    )
    return visit.photos.get()


def _pages_of_mae_jaem(world_b):
    return {
        "community": reverse("community_detail", args=[world_b["mae_jaem"].pk]),
        "listing": reverse("product_detail", args=[world_b["coffee"].pk]),
        "photo": reverse("visit_photo", args=[_new_visit_photo(world_b["mae_jaem"]).pk]),
    }


def test_company_b_reaches_the_communities_of_its_active_mous(client, company_b):
    pages = _pages_of_mae_jaem(company_b)
    for who in ("coordinator", "mentor"):
        client.force_login(company_b[who])
        for page, url in pages.items():
            assert client.get(url).status_code == 200, (who, page)


@pytest.mark.parametrize("ending", [MOU.Status.TERMINATED, MOU.Status.EXPIRED])
def test_company_b_loses_a_community_when_its_only_mou_there_ends(client, company_b, ending):
    from mentorship.services import change_mou_status

    change_mou_status(User.objects.get(email=DEMO["staff"]), company_b["b1"], ending)
    pages = _pages_of_mae_jaem(company_b)  # the visit and its photo come after the end

    for who in ("coordinator", "mentor"):
        client.force_login(company_b[who])
        for page, url in pages.items():
            response = client.get(url)
            assert response.status_code == 404, (who, page)
            assert company_b["mae_jaem"].name_th.encode() not in response.content
    # บ้านแป้นใต้ is still covered by MOU B2, which is active.
    client.force_login(company_b["coordinator"])
    assert (
        client.get(reverse("community_detail", args=[company_b["paentai"].pk])).status_code == 200
    )

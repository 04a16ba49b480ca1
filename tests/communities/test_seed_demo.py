from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Role, User
from communities.models import Cohort, Community, Province, Stage
from mentorship.models import MOU, MentorAssignment
from products.models import Product

pytestmark = pytest.mark.django_db

LAMPANG = {
    "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม": "521304",
    "ชุมชนบ้านแจ้คอน": "520606",
    "ชุมชนบ้านแป้นใต้": "520602",
}
PROJECT_APPS = {"accounts", "communities", "mentorship", "products", "account"}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # The demo creates a dozen users; the default hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows per table of the project's apps, history tables and allauth addresses included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS
    }


@pytest.fixture
def seeded() -> str:
    return seed()


def test_loads_geography_into_an_empty_database(seeded):
    assert Province.objects.count() == 77


def test_lampang_communities_sit_at_their_official_subdistricts(seeded):
    found = dict(
        Community.objects.filter(name_th__in=LAMPANG).values_list("name_th", "subdistrict_id")
    )

    assert found == LAMPANG
    assert set(
        Community.objects.filter(name_th__in=LAMPANG).values_list("province_id", "stage")
    ) == {("52", Stage.DEVELOPING)}


def test_lampang_mou_is_active_with_all_ten_areas_and_the_three_communities(seeded):
    mou = MOU.objects.get()

    assert mou.status == MOU.Status.ACTIVE
    assert mou.government_office.name_th == "สำนักงานอุตสาหกรรมจังหวัดลำปาง"
    assert mou.company.name_th == "บริษัท ปูนซิเมนต์ไทย (ลำปาง) จำกัด"
    assert mou.areas.count() == 10
    assert set(mou.communities.values_list("name_th", flat=True)) == set(LAMPANG)
    assert mou.signatories.count() == 3


def test_mentor_is_assigned_to_mae_jaem(seeded):
    assignment = MentorAssignment.objects.get(mentor__email="mentor@civ.example")

    assert assignment.community.name_th == "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"
    assert set(assignment.areas.values_list("code", flat=True)) == {
        "online_marketing",
        "marketing",
        "product_design",
    }


def test_seven_named_civ_villages_reached_stage_civ_through_developing(seeded):
    villages = Community.objects.filter(cohort__start_year=2016)

    assert villages.count() == 7
    assert set(villages.values_list("stage", flat=True)) == {Stage.CIV}
    for village in villages:
        moves = village.stage_changes.order_by("changed_at").values_list("to_stage", flat=True)
        assert list(moves) == [Stage.DEVELOPING, Stage.CIV]


def test_civ_cohort_has_163_targets_and_27_villages(seeded):
    cohort = Cohort.objects.get(start_year=2016, end_year=2018)

    assert (cohort.target_communities, cohort.civ_villages) == (163, 27)


def test_products_are_published_for_the_lampang_communities(seeded):
    products = Product.objects.filter(community__name_th__in=LAMPANG)

    assert products.count() == 6
    assert set(products.values_list("status", flat=True)) == {Product.Status.PUBLISHED}
    assert not products.exclude(fda_number="").exists()


def test_every_role_has_a_demo_user_who_can_sign_in(seeded):
    for role in Role.values:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert authenticate(email=user.email, password="civ-demo-2568") == user
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()


def test_prints_the_demo_logins(seeded):
    assert "Demo logins" in seeded
    for user in User.objects.all():
        assert user.email in seeded
    assert seeded.count("civ-demo-2568") == User.objects.count()


def test_running_twice_changes_nothing(seeded):
    before = row_counts()

    seed()

    assert row_counts() == before


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")

    out = seed()

    assert "another-demo-pass" in out
    assert authenticate(email="staff@civ.example", password="another-demo-pass") is not None

"""The dashboard answers "what needs me now" from the person's own scope."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.management.commands.seed_demo import demo_password
from mentorship.models import MOU, MentoringArea
from mentorship.services import schedule_session, update_mou
from products.models import Product
from products.services import update_product

pytestmark = pytest.mark.django_db


def dashboard_for(client, email):
    assert client.login(email=email, password=demo_password())
    return client.get(reverse("dashboard"))


def test_officer_sees_submitted_listings_and_an_mou_ending_soon(client):
    member = User.objects.get(email="member.paentai@civ.example")
    lime = Product.objects.get(name_th="มะนาวผง")
    update_product(member, lime, price=lime.price + 10)  # a change waiting for review
    mou = MOU.objects.get(status=MOU.Status.ACTIVE)
    officer = User.objects.get(email="officer.lampang@civ.example")
    update_mou(officer, mou, ends_on=timezone.localdate() + timedelta(days=45))

    response = dashboard_for(client, "officer.lampang@civ.example")

    assert list(response.context["to_review"]) == [lime]
    assert list(response.context["expiring_mous"]) == [mou]
    assert reverse("product_detail", args=[lime.pk]) in response.text
    assert reverse("mou_detail", args=[mou.pk]) in response.text


def test_another_provinces_officer_sees_neither(client):
    lime = Product.objects.get(name_th="มะนาวผง")
    update_product(
        User.objects.get(email="member.paentai@civ.example"), lime, price=lime.price + 10
    )
    mou = MOU.objects.get(status=MOU.Status.ACTIVE)
    update_mou(
        User.objects.get(email="officer.lampang@civ.example"),
        mou,
        ends_on=timezone.localdate() + timedelta(days=45),
    )

    response = dashboard_for(client, "officer.saraburi@civ.example")

    assert list(response.context["to_review"]) == []
    assert list(response.context["expiring_mous"]) == []


def test_an_mou_ending_later_than_60_days_is_not_listed(client):
    mou = MOU.objects.get(status=MOU.Status.ACTIVE)
    update_mou(
        User.objects.get(email="officer.lampang@civ.example"),
        mou,
        ends_on=timezone.localdate() + timedelta(days=61),
    )
    response = dashboard_for(client, "officer.lampang@civ.example")
    assert list(response.context["expiring_mous"]) == []


def test_a_session_this_week_links_to_its_page(client):
    mentor = User.objects.get(email="mentor@civ.example")
    mae_jaem = mentor.assignments.get().community
    tomorrow = timezone.localdate() + timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(tomorrow, time(10, 0)))
    session = schedule_session(
        mentor,
        MOU.objects.get(status=MOU.Status.ACTIVE),
        area=MentoringArea.objects.get(code="online_marketing"),
        title="ขายของออนไลน์",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        communities=[mae_jaem],
        mentors=[mentor],
        online_url="https://meet.example/civ",
    )
    response = dashboard_for(client, "mentor@civ.example")
    assert reverse("session_detail", args=[session.pk]) in response.text


def test_officer_sees_the_reporting_rate_and_the_late_values_of_their_province_only(client):
    lampang = dashboard_for(client, "officer.lampang@civ.example")
    client.logout()
    saraburi = dashboard_for(client, "officer.saraburi@civ.example")

    # The demo: แจ้คอน misses the latest month (and its quarter), แป้นใต้ was late once.
    result = lampang.context["completeness"]
    names = {gap.community_name for gap in result.gaps}
    assert any(gap.missing for gap in result.gaps) and any(not g.missing for g in result.gaps)
    assert names <= {"ชุมชนบ้านแจ้คอน", "ชุมชนบ้านแป้นใต้", "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"}
    assert "late-values" in lampang.text and "ชุมชนบ้านแจ้คอน" in lampang.text
    assert not saraburi.context["completeness"].gaps
    assert "ชุมชนบ้านแจ้คอน" not in saraburi.text


def test_programme_staff_see_reporting_rates_by_province(client):
    response = dashboard_for(client, "staff@civ.example")

    provinces = dict(response.context["completeness"].provinces())
    assert provinces["ลำปาง"].due > provinces["ลำปาง"].on_time
    assert "completeness-table" in response.text


def test_the_latest_visits_are_the_officers_provinces_and_a_new_one_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    from communities.models import Community, ProgressVisit
    from communities.services import log_visit

    dashboard_for(client, "officer.lampang@civ.example")  # the figures are kept from here
    officer = User.objects.get(email="officer.lampang@civ.example")
    community = Community.objects.filter(province_id="52").order_by("pk").last()
    with django_capture_on_commit_callbacks(execute=True):
        visit = log_visit(
            officer, community, visited_on=timezone.localdate(), summary="ติดตามการคั่วกาแฟ"
        )

    latest = list(dashboard_for(client, "officer.lampang@civ.example").context["latest_visits"])

    assert latest[0] == visit
    lampang = ProgressVisit.objects.filter(community__province_id="52")
    assert latest == list(lampang.order_by("-visited_on", "-id")[:10])
    nakhon = dashboard_for(client, "officer.nakhon@civ.example").context["latest_visits"]
    assert visit not in nakhon and all(v.community.province_id == "80" for v in nakhon)


def test_a_dashboard_list_cut_at_its_rows_links_to_the_rest(client, monkeypatch):
    from civportal import views

    monkeypatch.setattr(views, "DASHBOARD_ROWS", 1)  # the demo holds more than one of each
    page = dashboard_for(client, "officer.lampang@civ.example")

    assert len(page.context["mous"]) == len(page.context["communities"]) == 1
    assert reverse("mou_list") in page.text and "ดูบันทึกข้อตกลงทั้งหมด" in page.text
    assert reverse("community_list") in page.text and reverse("product_list") in page.text


def test_the_kept_lists_show_a_change_at_once_and_cost_no_queries_until_then(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """The lists' first rows are kept rendered per scope; every change they show renews
    them: a listing sent for review, a renamed community, an MOU ending soon."""
    from communities.models import Community
    from communities.services import update_community

    first = dashboard_for(client, "officer.lampang@civ.example")
    assert "ชุมชนบ้านแจ้คอน" in first.text
    # Kept: the lists' six queries (communities, MOUs, listings, to review, ending soon)
    # are not run again; the rest of the page (session, user, provinces, organisation,
    # this week's sessions) is.
    with django_assert_max_num_queries(5):
        assert client.get(reverse("dashboard")).status_code == 200

    member = User.objects.get(email="member.paentai@civ.example")
    lime = Product.objects.get(name_th="มะนาวผง")
    officer = User.objects.get(email="officer.lampang@civ.example")
    jae_khon = Community.objects.get(name_th="ชุมชนบ้านแจ้คอน")
    mou = MOU.objects.get(status=MOU.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        update_product(member, lime, price=lime.price + 10)
        update_community(officer, jae_khon, name_th="ชุมชนข้าวกล้องบ้านแจ้คอน")
        update_mou(officer, mou, ends_on=timezone.localdate() + timedelta(days=45))

    page = client.get(reverse("dashboard")).content.decode()
    to_review = page.split('class="card to-review"')[1].split("</div>")[0]
    ending = page.split('class="card expiring-mous"')[1].split("</div>")[0]
    assert reverse("product_detail", args=[lime.pk]) in to_review
    assert reverse("mou_detail", args=[mou.pk]) in ending
    assert "ชุมชนข้าวกล้องบ้านแจ้คอน" in page


def test_the_kept_lists_are_kept_per_scope_and_language(client):
    lampang = dashboard_for(client, "officer.lampang@civ.example")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("dashboard")).content.decode()
    client.logout()
    saraburi = dashboard_for(client, "officer.saraburi@civ.example")

    assert "ชุมชนบ้านแจ้คอน" in lampang.text and "ชุมชนบ้านแจ้คอน" not in saraburi.text
    assert "Communities in your provinces" in english and "Ban Jae Khon Community" in english
    assert "ชุมชนในจังหวัดที่ท่านรับผิดชอบ" not in english


def test_an_officers_kept_provinces_follow_every_change(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Kept between requests (no query for them on the next page), read afresh after a
    province is added from either side, renamed or taken away."""
    from communities.models import Province

    officer = User.objects.get(email="officer.saraburi@civ.example")
    assert "ชุมชนบ้านแจ้คอน" not in dashboard_for(client, officer.email).text
    lampang = Province.objects.get(code="52")

    with django_capture_on_commit_callbacks(execute=True):
        lampang.officers.add(officer)  # from the province's side
    page = client.get(reverse("dashboard"))
    assert "ชุมชนบ้านแจ้คอน" in page.text
    assert [p.code for p in page.context["provinces"]] == sorted(["19", "52"])

    with django_capture_on_commit_callbacks(execute=True):
        lampang.name_th = "นครลำปาง"
        lampang.save()
    assert "นครลำปาง" in client.get(reverse("dashboard")).text

    with django_capture_on_commit_callbacks(execute=True):
        officer.provinces.remove(lampang)  # from the officer's side
    page = client.get(reverse("dashboard"))
    assert "ชุมชนบ้านแจ้คอน" not in page.text
    assert [p.code for p in page.context["provinces"]] == ["19"]

    with django_capture_on_commit_callbacks(execute=True):
        lampang.officers.add(officer)
        lampang.officers.clear()
    assert "ชุมชนบ้านแจ้คอน" not in client.get(reverse("dashboard")).text

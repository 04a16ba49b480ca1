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

"""Members' and leaders' home: their listings, enquiries and sessions, no menus they cannot use."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.management.commands.seed_demo import demo_password
from mentorship.models import MOU, MentoringArea
from mentorship.services import register_for_session, schedule_session
from products.models import Product
from products.services import create_product, send_enquiry

pytestmark = pytest.mark.django_db


def home_for(client, email):
    assert client.login(email=email, password=demo_password())
    return client.get(reverse("dashboard"))


def a_session(days_ahead: int, hour: int = 10, title="ขายของออนไลน์"):
    mentor = User.objects.get(email="mentor@civ.example")
    mae_jaem = mentor.assignments.get().community
    day = timezone.localdate() + timedelta(days=days_ahead)
    starts = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return schedule_session(
        mentor,
        MOU.objects.get(status=MOU.Status.ACTIVE),
        area=MentoringArea.objects.get(code="online_marketing"),
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        communities=[mae_jaem],
        mentors=[mentor],
        online_url="https://meet.example/civ",
    )


def test_member_home_lists_the_communitys_listings_with_status_and_edit_links(client):
    member = User.objects.get(email="member.paentai@civ.example")
    response = home_for(client, member.email)
    listings = list(Product.objects.filter(community=member.community))
    assert listings
    assert {p.pk for p in response.context["listings"]} == {p.pk for p in listings}
    for product in listings:
        if product.status != Product.Status.ARCHIVED:
            assert reverse("product_edit", args=[product.pk]) in response.text
    other = Product.objects.exclude(community=member.community).first()
    assert reverse("product_detail", args=[other.pk]) not in response.text


def test_member_home_shows_latest_enquiries_and_links_to_the_enquiries_page(client):
    member = User.objects.get(email="member.paentai@civ.example")
    product = Product.objects.filter(
        community=member.community, status=Product.Status.PUBLISHED
    ).first()
    send_enquiry(
        product,
        client_address="203.0.113.9",
        name="คุณสมศรี ผู้ซื้อ",
        contact="081-234-5678",
        message="ขอซื้อ 20 ถุง",
    )
    response = home_for(client, member.email)
    assert "คุณสมศรี ผู้ซื้อ" in response.text
    assert reverse("enquiry_list") in response.text
    assert response.context["new_enquiry_count"] >= 1


def test_member_registers_and_cancels_from_home(client):
    session = a_session(3)
    response = home_for(client, "member.maejaem@civ.example")
    register = reverse("session_register", args=[session.pk])
    assert register in response.text

    register_for_session(User.objects.get(email="member.maejaem@civ.example"), session)
    response = client.get(reverse("dashboard"))
    row = session.attendance.get()
    assert register not in response.text
    assert reverse("registration_remove", args=[row.pk]) in response.text


def test_member_menu_has_no_mou_or_registry_and_the_registry_leads_to_their_community(client):
    member = User.objects.get(email="member.maejaem@civ.example")
    response = home_for(client, member.email)
    assert reverse("mou_list") not in response.text
    assert f'href="{reverse("community_list")}"' not in response.text
    assert reverse("community_detail", args=[member.community_id]) in response.text
    registry = client.get(reverse("community_list") + "?export=csv")
    assert registry.status_code == 302
    assert registry.url == reverse("community_detail", args=[member.community_id])


def test_officer_menu_keeps_the_registry_and_mous(client):
    response = home_for(client, "officer.lampang@civ.example")
    assert reverse("mou_list") in response.text
    assert f'href="{reverse("community_list")}"' in response.text


def _count_home_queries(client) -> int:
    # A new notification drops the kept unread count: the first page after it counts
    # again, the next ones do not. Measured once it is kept.
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_listings_or_sessions(client):
    member = User.objects.get(email="member.maejaem@civ.example")
    register_for_session(member, a_session(1, title="การอบรมแรก"))
    assert client.login(email=member.email, password=demo_password())
    client.get(reverse("dashboard"))  # warm caches (language, session)
    before = _count_home_queries(client)

    for n in range(6):
        create_product(
            member,
            member.community,
            name_th=f"ผ้าทอลาย {n}",
            category=Product.Category.FOOD,
            price=Decimal("120"),
            unit="ผืน",
        )
    for n in range(4):
        session = a_session(2 + n, title=f"การอบรม {n}")
        if n % 2:
            register_for_session(member, session)

    assert _count_home_queries(client) == before

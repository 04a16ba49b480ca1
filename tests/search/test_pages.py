"""The search as readers meet it: the catalogue, the public communities list, the registry."""

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_typo_on_the_catalogue_shows_close_matches_and_offers_the_correction(client):
    page = client.get(reverse("public_catalogue"), {"q": "กาแฝ"}).content.decode()
    assert "กาแฟคั่วโอ่ง" in page
    assert "ไม่พบผลที่ตรงกับ “กาแฝ” ทุกตัวอักษร" in page
    assert "ท่านหมายถึง" in page and "?q=%E0%B8%81%E0%B8%B2%E0%B9%81%E0%B8%9F" in page


def test_the_correction_reads_in_english_on_english_pages(client):
    client.get(reverse("public_set_language", args=["en"]))
    page = client.get(reverse("public_catalogue"), {"q": "cofee"}).content.decode()
    assert "Jar-roasted coffee" in page
    assert "Did you mean" in page and "<strong>coffee</strong>" in page


def test_an_exact_hit_shows_no_correction(client):
    page = client.get(reverse("public_catalogue"), {"q": "กาแฟ"}).content.decode()
    assert "กาแฟคั่วโอ่ง" in page and "ท่านหมายถึง" not in page


def test_nothing_found_suggests_categories_and_provinces_instead(client):
    page = client.get(reverse("public_catalogue"), {"q": "ทุเรียนกวน"}).content.decode()
    assert "เลือกดูจากหมวดหมู่หรือจังหวัดแทน" in page
    assert "?category=drink" in page and "?province=52" in page and "ลำปาง" in page


def test_the_public_communities_list_finds_a_province(client):
    page = client.get(reverse("public_communities"), {"q": "จังหวัดกระบี่"}).content.decode()
    assert "ชุมชนบ้านนาตีน" in page and "ชุมชนบ้านแจ้คอน" not in page


def test_an_officer_finds_a_community_by_a_product_word_in_the_registry(client):
    client.force_login(User.objects.get(email="officer.lampang@civ.example"))
    page = client.get(reverse("community_list"), {"q": "ข้าวกล้อง"}).content.decode()
    assert "ชุมชนบ้านแจ้คอน" in page and "ชุมชนบ้านแป้นใต้" not in page


def test_a_broad_word_says_more_than_the_cap_instead_of_counting_every_hit(client, monkeypatch):
    monkeypatch.setattr("search.query.COUNT_CAP", 2)
    response = client.get(reverse("public_catalogue"), {"q": "ลำปาง"})
    assert response.context["found"].capped and response.context["page"].paginator.count == 2
    assert "พบผลิตภัณฑ์มากกว่า 2 รายการ" in response.content.decode()

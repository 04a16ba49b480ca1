"""Error pages: Thai first with English, a way back, never Django's bare defaults.

An unreachable database is a 503 that asks to try again, not a 500.
"""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.communities.helpers import officer
from tests.notifications.helpers import demo_user

THAI = {
    400: "คำขอไม่ถูกต้อง",
    403: "ท่านไม่มีสิทธิ์ทำรายการนี้",
    404: "ไม่พบหน้าที่ท่านต้องการ",
    500: "ขออภัย ระบบขัดข้อง",
    503: "ระบบไม่พร้อมให้บริการชั่วคราว",
}
ENGLISH = {
    400: "The request could not be understood",
    403: "You may not do this",
    404: "Page not found",
    500: "Sorry, something went wrong",
    503: "The service is briefly unavailable",
}


def assert_error_page(response, status):
    assert response.status_code == status
    page = response.content.decode()
    assert THAI[status] in page and ENGLISH[status] in page
    assert page.index(THAI[status]) < page.index(ENGLISH[status])  # Thai first
    assert 'href="/dashboard/"' in page and 'href="/"' in page  # a way back
    assert "ไปที่หน้าหลักของท่าน" in page


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_a_missing_page_is_a_thai_404_with_a_way_back(client):
    assert_error_page(client.get("/no-such-page/"), 404)


@pytest.mark.django_db
def test_a_forbidden_action_is_a_thai_403_with_a_way_back(client):
    client.force_login(demo_user("member.maejaem@civ.example"))

    assert_error_page(client.get(reverse("community_import")), 403)


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_a_thai_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer())

    response = client.post(reverse("community_import"), {"kind": "communities"})

    assert response.status_code == 403
    assert "ส่งแบบฟอร์มไม่สำเร็จ" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.civportal.error_urls")
def test_a_bug_is_a_thai_500_with_a_way_back():
    client = Client(raise_request_exception=False)

    assert_error_page(client.get("/test-broken/"), 500)


@pytest.mark.django_db
@pytest.mark.urls("tests.civportal.error_urls")
def test_a_lost_database_is_a_503_asking_to_try_again():
    client = Client(raise_request_exception=False)

    response = client.get("/test-database-down/")

    assert_error_page(response, 503)
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("template", "status"), [("500.html", 500), ("503.html", 503)])
def test_the_500_and_503_pages_need_no_request_and_no_database(template, status):
    # No django_db mark: any query would fail this test.
    page = render_to_string(template)

    assert THAI[status] in page and ENGLISH[status] in page
    assert 'href="/dashboard/"' in page and 'href="/"' in page

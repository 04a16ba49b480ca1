"""The same create form posted twice — one after the other, or at the same moment — makes
one row, and the second POST is led to what the first made."""

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from civportal.models import FormSubmission
from communities.models import Community, ProgressVisit
from mentorship.models import MOU, TrainingSession
from products.models import Enquiry, Product
from reports.models import ReportJob
from tests.conftest import seed_programme
from tests.formdata import form_data


@dataclass
class Case:
    email: str | None  # None: an anonymous buyer on the public site
    url: object  # () -> the form's URL
    fill: dict  # what the person types
    rows: object  # () -> queryset of what the form creates


def mae_jaem():
    return Community.objects.get(subdistrict_id="521304")


def scg_mou():
    return MOU.objects.get(company__name_th__startswith="บริษัท ปูนซิเมนต์ไทย (ลำปาง)")


def lime_powder():
    return Product.objects.get(name_th="มะนาวผง")


CASES = {
    "visit": Case(
        "officer.lampang@civ.example",
        lambda: reverse("visit_create", args=[mae_jaem().pk]),
        {"summary": "ติดตามการคั่วกาแฟรอบใหม่", "next_steps": "ถ่ายภาพสินค้า"},
        lambda: ProgressVisit.objects.filter(summary="ติดตามการคั่วกาแฟรอบใหม่"),
    ),
    "enquiry": Case(
        None,
        lambda: reverse("public_enquiry", args=[lime_powder().pk]),
        {"name": "ร้านของฝากลำปาง", "contact": "buyer@shop.example", "message": "ขอ 50 ถุง"},
        lambda: Enquiry.objects.filter(contact="buyer@shop.example"),
    ),
    "product": Case(
        "member.paentai@civ.example",
        lambda: reverse("product_create"),
        {"name_th": "มะนาวดองน้ำผึ้ง", "category": "food", "price": "85", "unit": "ขวด"},
        lambda: Product.objects.filter(name_th="มะนาวดองน้ำผึ้ง"),
    ),
    "report": Case(
        "officer.lampang@civ.example",
        lambda: reverse("report_list"),
        {"kind": "province_pdf", "province": "52"},
        lambda: ReportJob.objects.filter(requested_by__email="officer.lampang@civ.example"),
    ),
    "session": Case(
        "mentor@civ.example",
        lambda: reverse("session_new", args=[scg_mou().pk]),
        # With the area, times and community of session_fill(), which reads the database.
        {"title": "ถ่ายภาพสินค้าด้วยมือถือ", "online_url": "https://meet.example/civ"},
        lambda: TrainingSession.objects.filter(title="ถ่ายภาพสินค้าด้วยมือถือ"),
    ),
    "invitation": Case(
        "coordinator@civ.example",
        lambda: reverse("invite_mentor"),
        {"email": "new.mentor@scg.example", "full_name": "พี่เลี้ยงคนใหม่"},
        lambda: Invitation.objects.filter(email="new.mentor@scg.example"),
    ),
    # A link invitation has no address to be unique on: only the form's token stops a twin.
    "member_invitation": Case(
        "leader.maejaem@civ.example",
        lambda: reverse("community_people", args=[mae_jaem().pk]),
        {"how": "link", "full_name": "สมาชิกคนใหม่", "email": "", "role": "member"},
        lambda: Invitation.objects.filter(full_name="สมาชิกคนใหม่"),
    ),
}
# The four the fault report found doubled, also sent at the same moment.
AT_ONCE = ["visit", "enquiry", "product", "report"]


def session_fill() -> dict:
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    return {
        "area": scg_mou().areas.get(code="online_marketing").pk,
        "starts_at_date": day,
        "starts_at_time": "13:00",
        "ends_at_date": day,
        "ends_at_time": "15:00",
        "communities": [mae_jaem().pk],
    }


def client_for(case: Case) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.77")
    if case.email:
        client.force_login(User.objects.get(email=case.email))
    return client


def filled_form(case: Case) -> dict:
    """The form as the page rendered it (with its one-time token), filled in."""
    form = client_for(case).get(case.url()).context["form"]
    extra = session_fill() if case is CASES["session"] else {}
    return form_data(form, **case.fill, **extra)


@pytest.fixture(autouse=True)
def no_enquiry_limit(settings):
    settings.ENQUIRY_RATE_LIMIT = 100
    cache.delete("enquiry-rate:203.0.113.77")


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_the_same_post_twice_in_a_row_creates_one_and_leads_to_it(name):
    case = CASES[name]
    data = filled_form(case)
    client = client_for(case)

    first = client.post(case.url(), data)
    second = client.post(case.url(), data, follow=True)

    assert case.rows().count() == 1
    assert first.status_code == 302
    assert second.redirect_chain == [(first.url, 302)]
    messages = [str(m) for m in second.context["messages"]]
    assert "ระบบได้รับแบบฟอร์มนี้แล้วและบันทึกไว้เพียงครั้งเดียว" in " ".join(messages)


@pytest.mark.django_db
def test_a_form_the_service_refuses_keeps_its_token_and_the_corrected_post_goes_through():
    case = CASES["visit"]
    data = filled_form(case)
    client = client_for(case)
    tomorrow = timezone.localdate() + timedelta(days=1)

    refused = client.post(case.url(), {**data, "visited_on": tomorrow.isoformat()})

    # log_visit refused the date after the token was recorded: both rolled back together.
    assert refused.status_code == 200 and not case.rows().exists()
    assert not FormSubmission.objects.filter(key=data["form_token"]).exists()
    assert refused.context["form"]["form_token"].value() == data["form_token"]

    saved = client.post(case.url(), data)

    assert saved.status_code == 302 and case.rows().count() == 1


@pytest.mark.django_db
def test_another_persons_token_is_not_a_way_to_their_result():
    case = CASES["report"]
    data = filled_form(case)
    client_for(case).post(case.url(), data)
    staff = Client()
    staff.force_login(User.objects.get(email="staff@civ.example"))

    response = staff.post(case.url(), data)

    assert response.status_code == 200
    assert "แบบฟอร์มนี้ถูกใช้ไปแล้ว" in response.content.decode()
    assert response.context["form"]["form_token"].value() != data["form_token"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", AT_ONCE)
def test_the_same_post_twice_at_once_creates_one(name, celery_queue):
    """Two requests on two connections: the second arrives while the first's transaction
    is still open, waits for it at the token's unique key, then is led to its result."""
    seed_programme()
    case = CASES[name]
    data = filled_form(case)
    url = case.url()
    token_recorded = threading.Event()
    outcome = {}

    def hold_after_token(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if 'INSERT INTO "civportal_formsubmission"' in sql and not token_recorded.is_set():
            token_recorded.set()
            time.sleep(1.5)  # the first transaction stays open with its token row
        return result

    def first():
        try:
            with connection.execute_wrapper(hold_after_token):
                outcome["first"] = client_for(case).post(url, data)
            outcome["first_done"] = time.monotonic()
        finally:
            connection.close()

    def second():
        try:
            token_recorded.wait(20)
            outcome["second_started"] = time.monotonic()
            outcome["second"] = client_for(case).post(url, data)
            outcome["second_done"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert outcome["second_started"] < outcome["first_done"]
    assert outcome["second_done"] - outcome["second_started"] > 1.0  # it waited for the first
    assert case.rows().count() == 1
    assert outcome["first"].status_code == outcome["second"].status_code == 302
    assert outcome["second"].url == outcome["first"].url

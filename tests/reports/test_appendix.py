"""A large province's report: a summary with a table by district, and an appendix listing
every community, queued together so two workers build them at the same time."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, Province
from reports import services
from reports.documents import build
from reports.forms import ReportRequestForm
from reports.models import ReportJob
from tests.notifications.helpers import demo_user

from .test_documents import need
from .test_documents import pdf_text as document_text

pytestmark = pytest.mark.django_db

LAMPANG = "officer.lampang@civ.example"


@pytest.fixture
def large(settings):
    """Lampang counts as a large province: its demo communities reach the threshold."""
    settings.REPORT_APPENDIX_FROM = Community.objects.filter(province_id="52").count()
    return settings


def ask(client, django_capture_on_commit_callbacks):
    client.force_login(demo_user(LAMPANG))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("report_list"), {"kind": "province_pdf", "province": "52"})
    return response, callbacks


def test_a_large_provinces_report_is_a_summary_and_an_appendix_queued_together(
    client, django_capture_on_commit_callbacks, celery_queue, large
):
    response, callbacks = ask(client, django_capture_on_commit_callbacks)

    summary = ReportJob.objects.get(kind=ReportJob.Kind.PROVINCE_PDF)
    appendix = ReportJob.objects.get(kind=ReportJob.Kind.PROVINCE_APPENDIX)
    assert response.url == reverse("report_detail", args=[summary.pk])
    assert summary.parameters == {"province": "52", "appendix": appendix.pk}
    assert appendix.parameters == {"province": "52", "summary": summary.pk}
    assert appendix.requested_by == summary.requested_by
    assert len(callbacks) == 2  # both handed to the broker once committed
    assert summary.dispatched_at and appendix.dispatched_at

    page = client.get(reverse("report_detail", args=[summary.pk])).content.decode()
    assert reverse("report_detail", args=[appendix.pk]) in page
    assert "ภาคผนวก" in page
    page = client.get(reverse("report_detail", args=[appendix.pk])).content.decode()
    assert reverse("report_detail", args=[summary.pk]) in page
    assert "ภาคผนวกรายงานรายจังหวัด: รายชื่อชุมชน (PDF)" in page


def test_a_smaller_province_keeps_one_report_with_its_communities(
    client, django_capture_on_commit_callbacks, celery_queue, settings
):
    settings.REPORT_APPENDIX_FROM = Community.objects.filter(province_id="52").count() + 1

    ask(client, django_capture_on_commit_callbacks)

    assert list(ReportJob.objects.values_list("kind", "parameters")) == [
        ("province_pdf", {"province": "52"})
    ]


def test_the_appendix_cannot_be_asked_for_alone():
    form = ReportRequestForm(demo_user(LAMPANG))
    assert "province_appendix" not in dict(form.fields["kind"].choices)
    assert "province_pdf" in dict(form.fields["kind"].choices)

    form = ReportRequestForm(demo_user(LAMPANG), {"kind": "province_appendix", "province": "52"})
    assert not form.is_valid() and "kind" in form.errors


def test_the_monthly_beat_makes_a_large_provinces_appendix_once(large):
    month = date(2026, 12, 1)

    services.queue_monthly_province_reports(month)
    services.queue_monthly_province_reports(month)

    lampang = ReportJob.objects.filter(requested_by__email=LAMPANG)
    summary = lampang.get(kind=ReportJob.Kind.PROVINCE_PDF)
    appendix = lampang.get(kind=ReportJob.Kind.PROVINCE_APPENDIX)
    assert appendix.schedule_key == f"{summary.schedule_key}:appendix"
    assert appendix.parameters == {"province": "52", "month": "2026-12", "summary": summary.pk}


# Thai marks written above or below a letter, า and ำ (the text layer may read one for the
# other, see test_documents) and spaces: pdftotext sets some marks apart from their letter
# (ทัง ้) in a table cell or a wrapped line, so texts are compared on what is left.
MARKS = re.compile("[\u0e31-\u0e3a\u0e47-\u0e4e\\s]")


def letters(text: str) -> str:
    return MARKS.sub("", text)


def pdf_text(tmp_path, name, content) -> str:
    return letters(document_text(tmp_path, name, content))


def built(job: ReportJob) -> tuple[str, bytes, int]:
    steps = []
    with CaptureQueriesContext(connection) as queries:
        name, content = build(job, steps.append)
    assert steps == sorted(steps) and steps[-1] <= 99
    return name, content, len(queries)


def test_the_summary_counts_by_district_and_the_appendix_lists_every_community(tmp_path, large):
    need("pdftotext")
    call_command("seed_scale", "--province", "52", "--communities", "40", stdout=StringIO())
    summary = services.request_report(
        demo_user(LAMPANG), kind="province_pdf", province=Province.objects.get(pk="52")
    )
    appendix = ReportJob.objects.get(pk=summary.parameters["appendix"])
    lampang = Community.objects.filter(province_id="52").select_related("subdistrict__district")

    name, content, _queries = built(summary)
    text = pdf_text(tmp_path, name, content)
    assert letters(f"{lampang.count()} แห่ง") in text and letters("อยู่ในภาคผนวก") in text
    for community in lampang:  # counted under its district, not listed
        assert letters(community.name_th) not in text
        assert letters(community.subdistrict.district.name_th) in text

    name, content, _queries = built(appendix)
    assert name.endswith("-appendix.pdf")
    text = pdf_text(tmp_path, name, content)
    assert letters("ภาคผนวก: รายชื่อชุมชนจังหวัดลำปาง") in text
    for community in lampang:  # every one, under its district
        assert letters(community.name_th) in text
        assert letters(f"อำเภอ {community.subdistrict.district.name_th}") in text

    few = built(appendix)[2]  # after the first build's one-off reads
    call_command("seed_scale", "--province", "52", "--communities", "80", stdout=StringIO())
    many = built(appendix)[2]
    assert many == few  # the same queries for twice the communities

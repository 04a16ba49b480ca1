from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from communities.models import Province
from notifications.models import Kind, Notification
from reports import services
from reports.models import ReportJob
from tests.notifications.helpers import demo_user, lampang_mou

pytestmark = pytest.mark.django_db

LAMPANG = "officer.lampang@civ.example"
SARABURI = "officer.saraburi@civ.example"


def finished_province_report(email=LAMPANG) -> ReportJob:
    job = services.request_report(
        demo_user(email), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    started = services.start_job(job.pk)
    return services.finish_job(job.pk, started.attempts, "province-52.pdf", b"%PDF-1.7 test")


def test_an_officer_asks_for_a_province_report_and_the_job_is_queued_after_commit(
    client, django_capture_on_commit_callbacks, celery_queue
):
    client.force_login(demo_user(LAMPANG))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("report_list"), {"kind": "province_pdf", "province": "52"})

    job = ReportJob.objects.get(requested_by__email=LAMPANG)
    assert response.status_code == 302 and response.url == reverse("report_detail", args=[job.pk])
    assert (job.kind, job.parameters, job.status) == ("province_pdf", {"province": "52"}, "queued")
    assert len(callbacks) == 1  # run_report_job handed to the broker, only once committed
    assert job.dispatched_at is not None  # the broker took it


def test_an_officer_cannot_ask_for_another_provinces_report(client):
    officer = demo_user(SARABURI)
    client.force_login(officer)

    response = client.post(reverse("report_list"), {"kind": "province_pdf", "province": "52"})

    assert response.status_code == 200  # the form again, with the error
    assert "province" in response.context["form"].errors
    assert not ReportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        services.request_report(
            officer, kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
        )


def test_the_province_report_needs_a_province(client):
    client.force_login(demo_user(LAMPANG))

    response = client.post(reverse("report_list"), {"kind": "province_pdf"})

    assert response.status_code == 200
    assert response.context["form"].errors["province"]
    assert not ReportJob.objects.exists()


def test_a_coordinator_gets_the_attendance_of_their_mou_only():
    coordinator = demo_user("coordinator@civ.example")
    job = services.request_report(
        coordinator, kind=ReportJob.Kind.ATTENDANCE_CSV, mou=lampang_mou()
    )
    assert job.parameters == {"mou": lampang_mou().pk}
    with pytest.raises(PermissionDenied):
        services.request_report(
            coordinator,
            kind=ReportJob.Kind.PROVINCE_PDF,
            province=Province.objects.get(pk="52"),
        )


@pytest.mark.parametrize("name", ["report_detail", "report_status", "report_download"])
def test_an_officer_of_another_province_gets_404_for_the_report(client, media, name):
    job = finished_province_report()
    client.force_login(demo_user(SARABURI))

    assert client.get(reverse(name, args=[job.pk])).status_code == 404


@pytest.mark.parametrize("email", [LAMPANG, "staff@civ.example"])
def test_people_in_scope_download_the_finished_report(client, media, email):
    job = finished_province_report()
    client.force_login(demo_user(email))

    response = client.get(reverse("report_download", args=[job.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert "province-52.pdf" in response["Content-Disposition"]


def test_a_report_still_running_cannot_be_downloaded_and_its_page_keeps_polling(client):
    job = services.request_report(
        demo_user(LAMPANG), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    services.start_job(job.pk)
    services.record_progress(job.pk, 40)
    client.force_login(demo_user(LAMPANG))

    page = client.get(reverse("report_detail", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page
    assert client.get(reverse("report_download", args=[job.pk])).status_code == 404


def test_the_finished_job_page_stops_polling_and_links_the_download(client, media):
    job = finished_province_report()
    client.force_login(demo_user(LAMPANG))

    block = client.get(reverse("report_status", args=[job.pk])).content.decode()

    assert "hx-trigger" not in block
    assert reverse("report_download", args=[job.pk]) in block


def test_finishing_a_job_twice_keeps_one_file_and_one_ready_notification(media):
    job = finished_province_report()
    first_name = job.file.name

    again = services.finish_job(job.pk, job.attempts, "province-52.pdf", b"%PDF-1.7 second run")

    assert again.file.name == first_name
    files = list((media / "reports" / str(job.pk)).iterdir())
    assert [path.name for path in files] == ["province-52.pdf"]
    assert files[0].read_bytes() == b"%PDF-1.7 test"
    ready = Notification.objects.filter(kind=Kind.REPORT_READY, event_key=f"report:{job.pk}:ready")
    assert ready.count() == 1 and ready.get().recipient.email == LAMPANG


def test_a_job_restarted_after_its_worker_died_replaces_the_half_written_file(media):
    job = services.request_report(
        demo_user(LAMPANG), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    services.start_job(job.pk)
    # The dead worker got as far as writing the file but not as far as committing.
    leftover = media / "reports" / str(job.pk) / "province-52.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    # Its lease ran out: nobody renews it any more.
    ReportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())

    restarted = services.start_job(job.pk)
    done = services.finish_job(job.pk, restarted.attempts, "province-52.pdf", b"%PDF-1.7 whole")

    assert restarted.attempts == 2
    assert [path.name for path in leftover.parent.iterdir()] == ["province-52.pdf"]
    assert done.file.read() == b"%PDF-1.7 whole"


def test_the_monthly_beat_queues_one_province_report_per_officer_and_province_once():
    month = date(2026, 12, 1)

    first = services.queue_monthly_province_reports(month)
    second = services.queue_monthly_province_reports(month)

    jobs = ReportJob.objects.filter(schedule_key__startswith="monthly:")
    assert first == jobs.count() >= 3 and second == 0
    lampang = jobs.get(requested_by__email=LAMPANG)
    assert lampang.parameters == {"province": "52", "month": "2026-12"}


def test_a_failed_job_records_a_readable_reason_and_is_not_run_again():
    job = services.request_report(
        demo_user(LAMPANG), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )

    services.fail_job(job.pk, "DoesNotExist: Province matching query does not exist.")

    job.refresh_from_db()
    assert job.status == "failed"
    reason = "DoesNotExist: Province matching query does not exist."
    with translation.override("th"):  # recorded in the portal's language
        expected = gettext(
            "The report could not be built: %(reason)s. Ask for it again; if it fails "
            "again, tell programme staff."
        ) % {"reason": reason}
    assert job.error == expected
    assert services.start_job(job.pk) is None


def test_a_finished_pdf_report_is_shown_inline_by_the_door_and_a_workbook_downloaded(client, media):
    from tests.samples import plain_pdf

    job = services.request_report(
        demo_user(LAMPANG), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    started = services.start_job(job.pk)
    services.finish_job(job.pk, started.attempts, "province-52.pdf", plain_pdf())
    client.force_login(demo_user(LAMPANG))
    response = client.get(reverse("report_download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="province-52.pdf"'
    assert response["Cache-Control"] == "private, no-store"

    workbook = services.request_report(demo_user("staff@civ.example"), kind="programme_xlsx")
    started = services.start_job(workbook.pk)
    services.finish_job(workbook.pk, started.attempts, "programme.xlsx", b"PK\x03\x04 workbook")
    client.force_login(demo_user("staff@civ.example"))
    response = client.get(reverse("report_download", args=[workbook.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="programme.xlsx"'


def test_a_report_that_cannot_be_stored_fails_in_words_without_server_paths(media, caplog):
    from civportal.files import FileNotSaved
    from reports.tasks import ReportTask
    from tests.storage import files_under

    job = services.request_report(
        demo_user(LAMPANG), kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    started = services.start_job(job.pk)
    media.mkdir(parents=True, exist_ok=True)
    (media / "reports").mkdir()
    (media / "reports" / str(job.pk)).write_bytes(b"")  # a file where the job's folder goes
    with pytest.raises(FileNotSaved) as caught:
        services.finish_job(job.pk, started.attempts, "province-52.pdf", b"%PDF-1.7 test")
    ReportTask().on_failure(caught.value, "task-id", (job.pk,), {}, None)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and not job.file
    assert "could not be saved" in job.error or "บันทึกไฟล์ไม่ได้" in job.error
    assert str(media) not in job.error and str(media) in caplog.text
    assert files_under(media) == [f"reports/{job.pk}"]


def test_the_report_pages_name_the_province_not_its_code(client):
    job = finished_province_report()
    client.force_login(demo_user(LAMPANG))

    listing = client.get(reverse("report_list")).content.decode()
    detail = client.get(reverse("report_detail", args=[job.pk])).content.decode()

    assert "ลำปาง" in listing.split("<tbody>")[1] and "· 52<" not in listing
    assert "<dd>ลำปาง</dd>" in detail and "<dd>52</dd>" not in detail


def test_the_province_report_covers_the_chosen_fiscal_year_quarter_or_month(client):
    from civportal.fiscal import Frequency, fiscal_year, period_containing

    officer = demo_user(LAMPANG)
    client.force_login(officer)
    today = timezone.localdate()
    quarter = period_containing(today, Frequency.QUARTER)
    fy = fiscal_year(today)

    for value, expected in [
        (f"quarter:{quarter.start.isoformat()}", {"quarter": quarter.start.isoformat()}),
        (f"month:{today:%Y-%m}", {"month": f"{today:%Y-%m}"}),
        (f"fy:{fy - 1}", {"fy": fy - 1}),
        ("", {}),  # this fiscal year to date
    ]:
        ReportJob.objects.all().delete()
        response = client.post(
            reverse("report_list"), {"kind": "province_pdf", "province": "52", "period": value}
        )
        assert response.status_code == 302, response.context["form"].errors
        job = ReportJob.objects.get()
        assert job.parameters == {"province": "52", **expected}

    # A period not offered (one that has not begun) is refused on the form.
    ReportJob.objects.all().delete()
    response = client.post(
        reverse("report_list"),
        {"kind": "province_pdf", "province": "52", "period": f"fy:{fy + 1}"},
    )
    assert response.status_code == 200 and response.context["form"].errors["period"]
    assert not ReportJob.objects.exists()


def test_the_period_choices_are_labelled_by_the_fiscal_module_in_thai_and_english():
    from civportal.fiscal import Frequency, fiscal_year, period_containing
    from reports.forms import ReportRequestForm

    today = timezone.localdate()
    quarter = period_containing(today, Frequency.QUARTER)
    month = period_containing(today, Frequency.MONTH)
    fy = fiscal_year(today)
    for language, year_label, quarter_label in [
        ("th", f"ปีงบประมาณ พ.ศ. {fy + 543}", f"ไตรมาส {quarter.quarter}/{fy + 543}"),
        ("en", f"FY {fy} (Oct {fy - 1} – Sep {fy})", f"Q{quarter.quarter} FY{fy}"),
    ]:
        with translation.override(language):
            form = ReportRequestForm(demo_user(LAMPANG))
            groups = dict(form.fields["period"].choices[1:])
            this_year = dict(groups[year_label])
            assert this_year[f"fy:{fy}"] == year_label
            assert this_year[f"quarter:{quarter.start.isoformat()}"] == quarter_label
            assert this_year[f"month:{today:%Y-%m}"] == month.label(language)
            # Nothing that has not begun yet is offered.
            assert all(value <= f"month:{today:%Y-%m}" for value in this_year if "month" in value)
            # The fiscal year before, as its own group.
            assert f"fy:{fy - 1}" in dict(list(groups.values())[1])


UNREADABLE = ("Choose a fiscal year, a quarter or a month from the list.", "โปรดเลือกปีงบประมาณ")


@pytest.mark.parametrize(
    ("value", "english", "thai"),
    [
        ("week:12", *UNREADABLE),
        ("quarter:2025-11-01", *UNREADABLE),  # not the first day of a quarter
        ("month:2025-13", *UNREADABLE),
        ("fy:2199", "FY 2199 (Oct 2198 – Sep 2199) has not begun yet", "พ.ศ. 2742 ยังไม่เริ่มต้น"),
        ("month:2012-01", "January 2012 is before the programme began", "มกราคม 2555 อยู่ก่อน"),
    ],
)
def test_the_service_refuses_a_period_it_cannot_read_in_words(value, english, thai):
    from django.core.exceptions import ValidationError

    for language, message in (("en", english), ("th", thai)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            services.request_report(
                demo_user(LAMPANG),
                kind=ReportJob.Kind.PROVINCE_PDF,
                province=Province.objects.get(pk="52"),
                period=value,
            )
        assert message in refused.value.message_dict["period"][0]
    assert not ReportJob.objects.exists()


def test_the_workbook_keeps_its_fiscal_year_and_ignores_a_period():
    job = services.request_report(
        demo_user("staff@civ.example"),
        kind=ReportJob.Kind.PROGRAMME_XLSX,
        fy=2025,
        period="month:2025-01",
    )
    assert job.parameters == {"fy": 2025}

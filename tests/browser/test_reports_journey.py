"""An officer asks for the province report, watches it build and downloads it."""

import pytest

from tests.browser.helpers import sign_in
from tests.conftest import WorkerProcess

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def report_worker(page, settings, tmp_path, celery_queue):
    """A real worker writing report files where this live server reads them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = WorkerProcess(
        tmp_path,
        celery_queue,
        # Slow enough that the page is seen polling before the file is ready.
        extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT), "REPORT_STEP_DELAY": "0.5"},
    ).start()
    yield worker
    worker.stop()


def test_an_officer_builds_the_province_report_and_downloads_the_pdf(page, report_worker):
    sign_in(page, "officer.lampang@civ.example")
    page.click("nav >> text=รายงาน")  # "Reports" in the header

    page.select_option("select[name=kind]", "province_pdf")
    page.select_option("select[name=province]", "52")
    page.click("main form [type=submit]")

    page.wait_for_url("**/reports/*/")
    assert page.locator("#report-progress").count() == 1  # live progress while it builds
    download_link = page.locator("#report-status a[href$='/download/']")
    download_link.wait_for(timeout=90_000)  # htmx polling swaps the block in place
    with page.expect_download() as download:
        download_link.click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("province-52-")
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

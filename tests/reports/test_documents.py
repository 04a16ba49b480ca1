import csv
import io
import shutil
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from civportal.templatetags.thaidate import format_date
from communities.management.commands.seed_demo import DELIVERED_SESSIONS
from communities.models import Community
from mentorship.services import record_attendance
from products.models import Product
from reports.documents import build
from reports.models import ReportJob
from tests.notifications.helpers import demo_user, lampang_mou, schedule

pytestmark = pytest.mark.django_db


def built(kind, **parameters):
    job = ReportJob(
        kind=kind, parameters=parameters, requested_by=demo_user("officer.lampang@civ.example")
    )
    steps = []
    name, content = build(job, steps.append)
    assert steps == sorted(steps) and steps[-1] <= 99
    return name, content


def need(tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} is missing: apt-get install poppler-utils (.ci/run installs it)")


def test_the_province_pdf_shows_thai_in_an_embedded_thai_font_and_the_be_year(tmp_path):
    for tool in ("pdftoppm", "pdffonts", "pdftotext"):
        need(tool)
    name, content = built(ReportJob.Kind.PROVINCE_PDF, province="52")
    pdf = tmp_path / name
    pdf.write_bytes(content)

    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    thai_fonts = [line for line in fonts.splitlines() if "Noto-Sans-Thai" in line]
    assert thai_fonts and all(" yes " in line for line in thai_fonts)  # embedded

    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert str(timezone.localdate().year + 543) in text
    # The PDF's text layer maps the sara aa glyph that Noto Sans Thai shares with sara am
    # (ำ = nikhahit + า) to one code point, so extracted text may read ำ for า; the page
    # itself is drawn right (checked on the PNG). Compare with that folded.
    folded = text.replace("ำ", "า")
    assert "รายได้ต่อเดือน" in folded  # an indicator's Thai name
    assert format_date(timezone.localdate(), "long", "th") in folded  # "26 พฤศจิกายน พ.ศ. 2569"

    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", pdf, tmp_path / "page"])
    page = Image.open(tmp_path / "page-1.png").convert("L")
    inked = sum(page.histogram()[:128])
    assert page.width > 300 and inked > 2000  # text and charts drawn, not a blank page


def test_the_workbook_has_one_sheet_each_for_communities_indicators_sessions_products_results():
    name, content = built(ReportJob.Kind.PROGRAMME_XLSX, province="52")

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert name.endswith(".xlsx")
    # Communities, indicators, sessions, products, and the results of this fiscal year.
    assert len(workbook.sheetnames) == 6
    communities = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert any("แม่แจ๋ม" in str(row[1]) for row in communities[1:])
    assert not any("ลำปาง" not in str(row[3]) for row in communities[1:])  # province only
    products = list(workbook.worksheets[3].iter_rows(values_only=True))
    assert len(products) > 1


def test_the_attendance_csv_is_utf8_with_a_bom_so_excel_reads_thai():
    session = schedule(timedelta(hours=-3), title="อบรมบัญชีครัวเรือน")
    record_attendance(demo_user("coordinator@civ.example"), session, new_walk_ins=["นางสมศรี ใจงาม"])

    _name, content = built(ReportJob.Kind.ATTENDANCE_CSV, mou=lampang_mou().pk)

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    # The demo's delivered sessions are in the register too.
    assert ["อบรมบัญชีครัวเรือน", "นางสมศรี ใจงาม"] in [[row[0], row[3]] for row in rows[1:]]


def test_the_workbook_has_no_formula_cell_whatever_was_typed_and_survives_an_esc():
    community = demo_user("leader.maejaem@civ.example").community
    # Saved before forms refused control characters (or through another door).
    Community.objects.filter(pk=community.pk).update(
        name_th="=1+1\x1bแม่แจ๋ม", name_en='=HYPERLINK("http://x","y")'
    )
    schedule(timedelta(days=2), title="=cmd|' /C calc'!A0")
    product = Product.objects.filter(community=community).first()
    Product.objects.filter(pk=product.pk).update(name_th="@SUM(A1)", unit="+66 81 234 5678")

    _name, content = built(ReportJob.Kind.PROGRAMME_XLSX, province="52")

    workbook = load_workbook(io.BytesIO(content))  # not read-only: data_type is the file's
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    for neutralised in (
        "'=1+1แม่แจ๋ม",
        '\'=HYPERLINK("http://x","y")',
        "'=cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'+66 81 234 5678",
    ):
        assert neutralised in values
    products = workbook.worksheets[3]
    prices = [row[4] for row in products.iter_rows(min_row=2)]
    assert prices and all(cell.data_type == "n" for cell in prices)  # money stays a number


def test_the_attendance_csv_neutralises_typed_walk_in_names_and_titles():
    session = schedule(timedelta(hours=-3), title="-1+1 อบรม")
    record_attendance(
        demo_user("coordinator@civ.example"),
        session,
        new_walk_ins=['=HYPERLINK("http://x","y")', "@SUM(A1)", "นางสมศรี ใจงาม"],
    )

    _name, content = built(ReportJob.Kind.ATTENDANCE_CSV, mou=lampang_mou().pk)

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    demo_titles = {title for _start, _hours, _area, title, _en in DELIVERED_SESSIONS}
    rows = [rows[0], *(row for row in rows[1:] if row[0] not in demo_titles)]
    assert {row[3] for row in rows[1:]} == {
        '\'=HYPERLINK("http://x","y")',
        "'@SUM(A1)",
        "นางสมศรี ใจงาม",
    }
    assert {row[0] for row in rows[1:]} == {"'-1+1 อบรม"}


def test_the_attendance_csv_says_present_or_absent_in_the_glossarys_words():
    session = schedule(timedelta(hours=-3), title="อบรมการตลาดออนไลน์")
    coordinator, leader = (
        demo_user("coordinator@civ.example"),
        demo_user("leader.maejaem@civ.example"),
    )
    record_attendance(
        coordinator, session, present_people=[leader.pk], new_walk_ins=["นายมา ตรงเวลา"]
    )
    walk_in = session.attendance.get(walk_in_name="นายมา ตรงเวลา")
    # Ticked again: the walk-in came, the leader turns out not to have.
    record_attendance(coordinator, session, present_walk_ins=[walk_in.pk])

    _name, content = built(ReportJob.Kind.ATTENDANCE_CSV, mou=lampang_mou().pk)

    rows = {row[3]: row[5] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))}
    assert rows["นายมา ตรงเวลา"] == "มา"
    assert rows[str(leader)] == "ไม่มา"


def test_the_monthly_province_pdf_reports_its_month_with_the_year_to_date(tmp_path):
    need("pdftotext")
    name, content = built(ReportJob.Kind.PROVINCE_PDF, province="52", month="2026-10")
    pdf = tmp_path / name
    pdf.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout.replace("ำ", "า")
    assert "ตุลาคม 2569" in text  # the month reported
    assert "ปีงบประมาณ พ.ศ. 2570" in text  # and its fiscal year to date beside it


def test_the_province_pdf_reads_the_targets_of_its_fiscal_year_and_the_baseline():
    from decimal import Decimal

    from civportal.fiscal import fiscal_year, fy_bounds
    from communities.models import CommunityTarget, Indicator
    from communities.services import set_indicator_targets
    from reports.documents import _indicator_summary

    officer = demo_user("officer.lampang@civ.example")
    income = Indicator.objects.get(code="monthly_revenue")
    lampang = list(Community.objects.filter(province_id="52").order_by("pk"))
    current = fiscal_year(timezone.localdate())
    CommunityTarget.objects.filter(community__province_id="52", indicator=income).delete()
    for n, community in enumerate(lampang):
        set_indicator_targets(
            officer, community, {income: (Decimal(100), Decimal(1000 + n))}, current - 1
        )
        set_indicator_targets(
            officer, community, {income: (Decimal(100), Decimal(5000 + n))}, current
        )

    def row(fy):
        rows = _indicator_summary("52", fy_bounds(fy), fy)
        return next(r for r in rows if r["indicator"] == income)

    size = len(lampang)
    offsets = sum(range(size))
    assert row(current)["target"] == 5000 * size + offsets
    assert row(current - 1)["target"] == 1000 * size + offsets
    assert row(current)["baseline"] == row(current - 1)["baseline"] == 100 * size
    # A fiscal year with no targets set shows none, not the old single target.
    assert row(current - 3)["target"] == 0
    # By default the fiscal year the window starts in.
    assert _indicator_summary("52", fy_bounds(current - 1)) == [
        *_indicator_summary("52", fy_bounds(current - 1), current - 1)
    ]


def pdf_text(tmp_path, name, content) -> str:
    """pdftotext's reading of the PDF, with ำ folded to า (see the embedded-font test)."""
    pdf = tmp_path / name
    pdf.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.replace("ำ", "า")


def test_the_province_pdf_lists_60_communities_in_the_queries_of_10_in_extractable_thai(
    tmp_path,
):
    need("pdftotext")

    def built_with(synthetic: int):
        call_command(
            "seed_scale", "--province", "52", "--communities", str(synthetic), stdout=StringIO()
        )
        with CaptureQueriesContext(connection) as queries:
            name, content = built(ReportJob.Kind.PROVINCE_PDF, province="52")
        return len(queries), name, content

    built(ReportJob.Kind.PROVINCE_PDF, province="52")  # caches of a first build (gettext, ...)
    few, _name, _content = built_with(10)
    many, name, content = built_with(60)

    assert many == few
    text = pdf_text(tmp_path, name, content)
    lampang = Community.objects.filter(province_id="52").select_related("subdistrict__district")
    assert lampang.count() >= 60
    for community in lampang:  # every one, under its district, in Thai a reader can search
        assert community.name_th.replace("ำ", "า") in text
        district = f"อำเภอ {community.subdistrict.district.name_th}".replace("ำ", "า")
        assert district in text

"""The programme results page: roll-ups of one fiscal year by province, cohort and company."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from civportal.fiscal import fiscal_year, fy_bounds
from communities.management.commands.seed_demo import demo_password
from communities.models import Cohort, Stage
from communities.services import move_stage
from mentorship.models import Attendance, MentoringArea, SessionCommunity, TrainingSession
from products.models import Enquiry, Product
from reports.results import cohort_over_years, programme_results
from tests.communities.helpers import officer, register_many
from tests.factories import active_mou, make_company

pytestmark = pytest.mark.django_db

FY = fiscal_year(timezone.localdate())


def staff() -> User:
    return User.objects.get(email="staff@civ.example")


@pytest.fixture
def round_2030():
    """A cohort no seeded community is in, and three Nakhon communities of it: one linked,
    one with only the cohort year, one linked and under two companies' MOUs."""
    cohort = Cohort.objects.create(name_th="รุ่นทดสอบ 2573–2574", start_year=2030, end_year=2031)
    actor = officer()
    linked, by_year, shared = register_many(actor, 3, prefix="ชุมชนรุ่นทดสอบ")
    linked.cohort = shared.cohort = cohort
    by_year.cohort_year = 2030
    for community in (linked, by_year, shared):
        community.save()
    move_stage(actor, linked, Stage.DEVELOPING, "เริ่มพัฒนา")
    move_stage(actor, linked, Stage.CIV, "ผ่านการประเมิน")
    first = active_mou(make_company("บริษัททดสอบ หนึ่ง"), [linked, shared], title_th="หนึ่ง")
    second = active_mou(make_company("บริษัททดสอบ สอง"), [shared], title_th="สอง")
    return cohort, linked, by_year, shared, first, second


def _done_session(mou, community, *, present: int, day: int, hours: int = 2, status="done"):
    """A session on the ``day``-th day of this fiscal year, 09:00 Bangkok time."""
    first = fy_bounds(FY)[0] + timedelta(days=day)
    starts = datetime(first.year, first.month, first.day, 9, tzinfo=ZoneInfo("Asia/Bangkok"))
    session = TrainingSession.objects.create(
        mou=mou,
        area=MentoringArea.objects.get(code="marketing"),
        title="อบรมการตลาด",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        venue="ศาลาประชาคม",
        status=status,
        created_by=mou.created_by,
    )
    SessionCommunity.objects.create(
        session=session, community=community, period=(starts, starts + timedelta(hours=hours))
    )
    for i in range(present):
        Attendance.objects.create(
            session=session, walk_in_name=f"ผู้เข้ารับการอบรม {i}", community=community, present=True
        )
    return session


def test_results_roll_up_by_cohort_company_and_in_the_total_once(round_2030):
    cohort, linked, by_year, shared, first, second = round_2030
    _done_session(first, linked, present=3, day=0)
    _done_session(second, shared, present=1, hours=4, day=1)
    _done_session(second, shared, present=5, status="cancelled", day=2)
    product = Product.objects.create(
        community=linked,
        name_th="กาแฟคั่ว",
        category=Product.Category.FOOD,
        price=Decimal(120),
        unit="ถุง",
        status=Product.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    Enquiry.objects.create(
        product=product, community=linked, name="ผู้ซื้อ", contact="a@b.example", message="สนใจสั่ง"
    )

    found = programme_results(staff(), FY, cohort=cohort.pk)

    total = found.total
    assert total.communities == 3  # the shared community once
    assert total.stages[Stage.CIV] == 1 and total.stages[Stage.TARGET] == 2
    assert total.reached_civ == 1
    assert (total.sessions, total.hours, total.participant_hours) == (2, 6, 10)
    assert (total.listings, total.enquiries) == (1, 1)
    by_company = {row.label: row for row in found.companies}
    assert by_company["บริษัททดสอบ หนึ่ง"].communities == 2
    assert by_company["บริษัททดสอบ สอง"].communities == 1
    assert by_company["บริษัททดสอบ หนึ่ง"].hours == 2
    assert by_company["บริษัททดสอบ สอง"].participant_hours == 4
    # The community with only the cohort year is in the cohort, reconciled.
    assert [(row.key, row.communities) for row in found.cohorts] == [(cohort.pk, 3)]
    assert [(row.key, row.communities) for row in found.provinces] == [("80", 3)]
    hours = next(r for r in found.indicators if r.indicator.code == "training_hours")
    assert (hours.current, hours.reporting) == (6, 2)

    # Filtered by a company: only its communities and its sessions.
    only_second = programme_results(staff(), FY, cohort=cohort.pk, company=second.company_id)
    assert only_second.total.communities == 1 and only_second.total.hours == 4

    # A year before: the communities were not registered yet.
    assert programme_results(staff(), FY - 1, cohort=cohort.pk).total.communities == 0

    # The cohort over the years: the linked community's CIV shows this year only.
    over = dict(cohort_over_years(staff(), cohort, [FY - 1, FY]))
    assert over[FY - 1] == [0, 0, 0, 0]
    assert over[FY] == [2, 0, 1, 0]


def test_stage_at_the_end_of_a_past_year_reads_the_stage_changes(round_2030):
    cohort, linked, *_ = round_2030
    # The moves happened this year: at the end of last year the community was a target.
    from reports.results import results_communities, stage_at

    change = linked.stage_changes.order_by("changed_at").first()
    moment = change.changed_at - timedelta(seconds=1)
    row = stage_at(results_communities(staff(), FY, cohort=cohort.pk), moment).get(pk=linked.pk)
    assert row.stage_at_end == Stage.TARGET


def test_results_page_is_scoped_to_the_officers_provinces(client, round_2030):
    cohort = round_2030[0]
    client.login(username="officer.lampang@civ.example", password=demo_password())
    response = client.get(reverse("results"), {"fy": FY, "cohort": cohort.pk})
    assert response.status_code == 200
    assert response.context["results"].total.communities == 0
    client.login(username="officer.nakhon@civ.example", password=demo_password())
    response = client.get(reverse("results"), {"fy": FY, "cohort": cohort.pk})
    assert response.context["results"].total.communities == 3
    page = response.content.decode()
    assert "<svg" in page and 'id="cohort-over-years"' in page


def test_results_page_refuses_members_and_explains_a_bad_year(client):
    client.login(username="member.maejaem@civ.example", password=demo_password())
    assert client.get(reverse("results")).status_code == 403
    client.login(username="staff@civ.example", password=demo_password())
    response = client.get(reverse("results"), {"fy": "2599x"})
    assert response.status_code == 200
    assert response.context["form"].errors["fy"]


@pytest.mark.parametrize("n", [10, 500])
def test_results_page_queries_do_not_grow_with_communities(client, django_assert_num_queries, n):
    register_many(officer(), n, prefix="ชุมชนนับคำสั่ง")
    client.login(username="staff@civ.example", password=demo_password())
    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(reverse("results"), {"fy": FY})
    assert response.context["results"].total.communities >= n


# Session, user, the officer's provinces and the form's choices aside: the communities with
# their stage at the year's end, the companies' MOUs, the training, the targets, the latest
# values, the indicators and the names of the groups, each one grouped query.
RESULTS_QUERIES = 15


def test_results_page_reads_in_thai_with_fiscal_year_labels(client):
    client.login(username="staff@civ.example", password=demo_password())
    page = client.get(reverse("results"), {"fy": FY}).content.decode()
    assert f"ปีงบประมาณ พ.ศ. {FY + 543}" in page
    assert "ชุมชนที่ได้รับการส่งเสริม" in page and "ตามบริษัทพี่เลี้ยง (Big Brother)" in page


def test_the_workbook_carries_the_results_pages_figures_for_the_chosen_year(round_2030):
    import io

    from openpyxl import load_workbook

    from reports.documents import build
    from reports.models import ReportJob

    cohort, linked, *_ = round_2030
    first = round_2030[4]
    _done_session(first, linked, present=2, day=3, hours=3)
    job = ReportJob(
        kind=ReportJob.Kind.PROGRAMME_XLSX,
        parameters={"province": "80", "fy": FY},
        requested_by=officer(),
    )
    _name, content = build(job, lambda percent: None)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.worksheets[4].iter_rows(values_only=True))
    page = programme_results(officer(), FY, province="80")
    total = rows[-1]
    assert total[3] == page.total.communities
    assert total[-5] == page.total.reached_civ
    assert Decimal(str(total[-4])) == page.total.hours
    assert Decimal(str(total[-3])) == page.total.participant_hours
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name[cohort.name][3] == 3
    assert f"{FY + 543}" in str(total[0])
    indicators = list(workbook.worksheets[5].iter_rows(values_only=True))
    assert len(indicators) == 1 + len(page.indicators)


def test_report_window_reads_a_month_quarter_or_year_with_the_year_to_date_beside():
    from datetime import date

    from django.utils import translation

    from reports.documents import report_window

    with translation.override("th"):
        october = report_window({"month": "2025-10"}, today=date(2025, 11, 1))
        assert october["fy"] == 2026
        assert october["window"] == (date(2025, 10, 1), date(2025, 10, 31))
        assert october["to_date"]["window"] == (date(2025, 10, 1), date(2025, 10, 31))
        september = report_window({"month": "2026-09"})
        assert september["fy"] == 2026 and september["to_date"]["window"][0] == date(2025, 10, 1)
        assert "2569" in september["to_date"]["label"]
        quarter = report_window({"quarter": "2026-01-01"})
        assert quarter["window"] == (date(2026, 1, 1), date(2026, 3, 31))
        assert quarter["label"] == "ไตรมาส 2/2569"
        year = report_window({"fy": 2026})
        assert year["window"] == (date(2025, 10, 1), date(2026, 9, 30)) and not year["to_date"]
        default = report_window({}, today=date(2026, 10, 1))
        assert default["fy"] == 2027 and default["window"] == (date(2026, 10, 1), date(2026, 10, 1))


def test_results_of_a_window_count_only_the_training_held_in_it(round_2030):
    cohort, linked, *_ = round_2030
    first = round_2030[4]
    start, today = fy_bounds(FY)[0], timezone.localdate()
    _done_session(first, linked, present=2, day=(today - start).days, hours=3)
    this_day = programme_results(staff(), FY, cohort=cohort.pk, window=(today, today)).total
    assert (this_day.hours, this_day.participant_hours) == (3, 6)
    before = (start, today - timedelta(days=1))
    assert programme_results(staff(), FY, cohort=cohort.pk, window=before).total.hours == 0
    to_date = programme_results(staff(), FY, cohort=cohort.pk, window=(start, today)).total
    assert to_date.hours == 3 and to_date.communities == 3

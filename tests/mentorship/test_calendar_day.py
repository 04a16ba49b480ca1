"""A busy day: the week shows its first sessions and "+N more", which leads to the day's own
page listing every session of the day, a page at a time."""

from datetime import timedelta

import pytest
from django.urls import reverse

from mentorship import views

from .conftest import bangkok, book, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_day(settings):
    """Thirty half-hour sessions of the demo mentor on one day (06:00–20:30, no clash)."""
    start = bangkok(10, 6)
    return [
        book(starts_at=start + timedelta(minutes=30 * n), hours=0.5, title=f"อบรมรอบที่ {n + 1}")
        for n in range(30)
    ]


def test_the_week_shows_the_first_sessions_of_a_busy_day_and_links_the_rest(client, busy_day):
    client.force_login(person("officer.lampang@civ.example"))
    day = busy_day[0].starts_at.astimezone(bangkok(0, 0).tzinfo).date()

    response = client.get(reverse("calendar_week"), {"date": day.isoformat()})

    (shown, more) = next((s, m) for d, s, m in response.context["days"] if d == day)
    assert shown == busy_day[: views.WEEK_DAY_LIMIT]
    assert more == 30 - views.WEEK_DAY_LIMIT
    day_url = f"{reverse('calendar_day')}?date={day.isoformat()}"
    assert day_url in response.content.decode()
    assert f"ดูอีก {more} รายการ" in response.content.decode()
    month = client.get(reverse("calendar_month"), {"month": day.strftime("%Y-%m")})
    assert day_url in month.content.decode()  # the month's "+N more" leads there too


def test_the_day_lists_every_session_of_the_day_a_page_at_a_time(client, busy_day):
    book(starts_at=bangkok(11, 9), title="วันถัดไป")
    client.force_login(person("officer.lampang@civ.example"))
    day = busy_day[0].starts_at.astimezone(bangkok(0, 0).tzinfo).date()

    first = client.get(reverse("calendar_day"), {"date": day.isoformat()})
    second = client.get(reverse("calendar_day"), {"date": day.isoformat(), "page": 2})

    assert first.status_code == second.status_code == 200
    listed = list(first.context["page"]) + list(second.context["page"])
    assert listed == busy_day  # in time order, none twice, the next day's not among them
    assert len(first.context["page"]) == views.DAY_PAGE_SIZE
    page = first.content.decode()
    assert "การอบรมในวันดังกล่าว 30 รายการ" in page
    assert f"?date={day.isoformat()}&amp;page=2" in page


def test_the_day_keeps_to_the_readers_scope(client, busy_day):
    day = busy_day[0].starts_at.astimezone(bangkok(0, 0).tzinfo).date()
    client.force_login(person("officer.saraburi@civ.example"))

    response = client.get(reverse("calendar_day"), {"date": day.isoformat()})

    assert response.status_code == 200 and not list(response.context["page"])
    assert "อบรมรอบที่" not in response.content.decode()


def test_a_day_that_cannot_be_read_is_today(client):
    client.force_login(person("mentor@civ.example"))
    for value in ("", "2026-13-45", "not-a-date"):
        response = client.get(reverse("calendar_day"), {"date": value})
        assert response.status_code == 200
        assert response.context["day"] == response.context["today"]


def test_the_day_reads_the_same_queries_for_5_and_30_sessions(
    client, busy_day, django_assert_max_num_queries
):
    client.force_login(person("mentor@civ.example"))
    day = busy_day[0].starts_at.astimezone(bangkok(0, 0).tzinfo).date()
    url = reverse("calendar_day")
    client.get(url, {"date": day.isoformat()})  # one-off reads (session, translations)

    with django_assert_max_num_queries(9):
        client.get(url, {"date": day.isoformat()})
    with django_assert_max_num_queries(9):
        client.get(url, {"date": (day + timedelta(days=1)).isoformat()})

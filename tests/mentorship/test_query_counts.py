"""Calendar and MOU pages run the same number of SQL queries for 10 or 200 sessions."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from mentorship import services

from .conftest import BANGKOK, book, person, scg_mou

pytestmark = pytest.mark.django_db


def month_after_next() -> date:
    today = date.today()
    return (today.replace(day=1) + timedelta(days=70)).replace(day=1)


@pytest.fixture(params=[10, 200], ids=["10-sessions", "200-sessions"])
def sessions(request):
    """Sessions every three hours from the first of a coming month, some attended."""
    first = month_after_next()
    start = datetime(first.year, first.month, first.day, 6, tzinfo=BANGKOK)
    mentor, member = person("mentor@civ.example"), person("member.maejaem@civ.example")
    made = [
        book(starts_at=start + timedelta(hours=3 * n), title=f"ครั้งที่ {n}")
        for n in range(request.param)
    ]
    for session in made[::5]:
        services.record_attendance(mentor, session, present_people=[member.pk])
    return made


# (page, who, query string, queries). The budgets are the same at both sizes.
PAGES = [
    # 5: the grids read their communities' names with one query and no mentors.
    ("calendar_month", "mentor@civ.example", "month", 5),
    ("calendar_week", "coordinator@civ.example", "date", 5),
    # 5: the communities' names come with the sessions (mentorship.selectors.with_names).
    ("training_upcoming", "member.maejaem@civ.example", "", 5),
    # 14 on a first visit: one reads the signed PDF's earlier versions from the MOU's
    # history, one the officer's provinces and one the unread count (all three kept in the
    # cache afterwards), one the officer's MOUs, one the hours delivered per area (summed by
    # the database, since the page lists a bounded slice of the sessions; kept afterwards,
    # not counted here). The sessions bring their communities' and mentors' names; which
    # covered communities the officer may open is decided on the rows.
    ("mou_detail", "officer.lampang@civ.example", "", 14),
]


def test_calendar_mou_and_feed_queries_do_not_grow_with_sessions(
    client, django_assert_num_queries, sessions
):
    first = month_after_next()
    queries = {"month": first.strftime("%Y-%m"), "date": first.isoformat()}
    for url_name, email, param, budget in PAGES:
        client.force_login(person(email))
        args = [scg_mou().pk] if url_name == "mou_detail" else []
        with django_assert_num_queries(budget):
            response = client.get(
                reverse(url_name, args=args), {param: queries[param]} if param else {}
            )
        assert response.status_code == 200
        assert "ครั้งที่ 0" in response.content.decode(), url_name

    client.logout()
    token = services.regenerate_feed_token(person("mentor@civ.example"))
    with django_assert_num_queries(2):
        response = client.get(reverse("calendar_feed", args=[token.token]))
    assert response.content.count(b"BEGIN:VEVENT") == len(sessions)

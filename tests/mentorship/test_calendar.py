"""Month and week views, the .ics per session and the private, revocable iCal feed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from mentorship import services

from .conftest import bangkok, book, person

pytestmark = pytest.mark.django_db


def sign_in(client, email):
    client.force_login(person(email))
    return client


def test_month_view_shows_the_session_on_its_bangkok_day(client):
    # 06:30 in Bangkok is still the previous day in UTC: the calendar must use Bangkok's day.
    session = book(starts_at=bangkok(3, 6, 30), hours=1, title="ตลาดเช้ากาแฟ")
    sign_in(client, "member.maejaem@civ.example")
    local = session.starts_at.astimezone(ZoneInfo("Asia/Bangkok"))
    assert session.starts_at.astimezone(ZoneInfo("UTC")).date() != local.date()
    response = client.get(reverse("calendar_month"), {"month": local.strftime("%Y-%m")})
    assert response.status_code == 200
    cell = response.content.decode().split(f'data-date="{local.date().isoformat()}"')[1]
    assert "ตลาดเช้ากาแฟ" in cell.split('role="cell"')[0]


def test_week_view_lists_the_weeks_sessions_only(client):
    book(starts_at=bangkok(3, 10), title="สัปดาห์นี้")
    book(starts_at=bangkok(40, 10), title="อีกเดือน")
    sign_in(client, "mentor@civ.example")
    response = client.get(reverse("calendar_week"), {"date": bangkok(3, 10).date().isoformat()})
    assert "สัปดาห์นี้" in response.content.decode()
    assert "อีกเดือน" not in response.content.decode()


def test_session_ics_carries_bangkok_times(client):
    session = book(starts_at=bangkok(5, 13), hours=3)
    sign_in(client, "member.maejaem@civ.example")
    response = client.get(reverse("session_ics", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert b"DTSTART;TZID=Asia/Bangkok:" in response.content
    assert event.decoded("dtstart") == bangkok(5, 13)
    assert str(event["summary"]) == session.title


def _feed_events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_private_feed_works_without_login_parses_and_stops_after_revoke(client):
    session = book(starts_at=bangkok(6, 9, 30), hours=2, title="ออกแบบฉลากกาแฟ")
    member = person("member.maejaem@civ.example")
    token = services.regenerate_feed_token(member)
    url = reverse("calendar_feed", args=[token.token])

    calendar, events = _feed_events(client, url)  # the client is not signed in
    event = events["ออกแบบฉลากกาแฟ"]
    assert event["DTSTART"].params["TZID"] == "Asia/Bangkok"
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=7)
    assert (start.hour, start.minute) == (9, 30) and start == session.starts_at
    assert event.decoded("dtend") == session.ends_at
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Bangkok"
    assert "ถ่ายภาพ" not in events  # only this user's scope

    services.revoke_feed_token(member)
    assert client.get(url).status_code == 404


def test_regenerating_issues_a_new_address_and_kills_the_old_one(client):
    member = person("member.maejaem@civ.example")
    old = services.regenerate_feed_token(member)
    new = services.regenerate_feed_token(member)
    assert new.token != old.token
    assert client.get(reverse("calendar_feed", args=[old.token])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new.token])).status_code == 200


def test_feed_holds_only_the_users_scope(client):
    book(starts_at=bangkok(7, 9), title="เฉพาะแม่แจ๋ม")
    outsider = person("member.paentai@civ.example")
    token = services.regenerate_feed_token(outsider)
    _calendar, events = _feed_events(client, reverse("calendar_feed", args=[token.token]))
    assert "เฉพาะแม่แจ๋ม" not in events


def test_feed_settings_page_creates_and_revokes_the_address(client):
    sign_in(client, "mentor@civ.example")
    client.post(reverse("calendar_feed_settings"), {"action": "regenerate"})
    page = client.get(reverse("calendar_feed_settings")).content.decode()
    token = services.live_feed_token(person("mentor@civ.example")).token
    assert token in page
    client.post(reverse("calendar_feed_settings"), {"action": "revoke", "confirm": "yes"})
    assert services.live_feed_token(person("mentor@civ.example")) is None
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_member_sees_upcoming_sessions_and_registers_from_the_list(client):
    session = book(starts_at=bangkok(8, 9), title="เปิดร้านออนไลน์", capacity=10)
    sign_in(client, "member.maejaem@civ.example")
    assert "เปิดร้านออนไลน์" in client.get(reverse("training_upcoming")).content.decode()
    client.post(reverse("session_register", args=[session.pk]))
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert session.attendance.filter(person__email="member.maejaem@civ.example").exists()
    assert reverse("session_register", args=[session.pk]) not in page


@pytest.mark.parametrize(("language", "first_weekday"), [("th", 6), ("en", 0)])
def test_weeks_start_on_sunday_in_thai_and_monday_in_english(client, language, first_weekday):
    # Thai wall calendars start the week on Sunday; English pages keep ISO's Monday.
    sign_in(client, "mentor@civ.example")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    wednesday = bangkok(0, 10).date()
    wednesday += timedelta(days=(2 - wednesday.weekday()) % 7)

    week = client.get(reverse("calendar_week"), {"date": wednesday.isoformat()}).context["days"]
    month = client.get(reverse("calendar_month"), {"month": wednesday.strftime("%Y-%m")})

    assert week[0][0].weekday() == first_weekday and week[0][0] <= wednesday <= week[-1][0]
    assert all(row[0][0].weekday() == first_weekday for row in month.context["weeks"])
    head = month.content.decode().split('class="cal-head"')[1].split("</div>")[0]
    first_name = {"th": "อา", "en": "Mon"}[language]
    assert head.split("<span>")[1].startswith(first_name)

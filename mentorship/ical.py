"""iCalendar (RFC 5545) files for sessions: one per session and the private per-user feed."""

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

BANGKOK = ZoneInfo("Asia/Bangkok")
STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "done": "CONFIRMED"}


def build_calendar(sessions, *, name: str, base_url: str) -> bytes:
    """Sessions as VEVENTs with TZID=Asia/Bangkok and the VTIMEZONE calendar apps need."""
    calendar = Calendar()
    calendar.add("prodid", "-//CIV Portal//Training sessions//TH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Bangkok")
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@civportal")
        event.add("summary", session.title)
        event.add("dtstart", session.starts_at.astimezone(BANGKOK))
        event.add("dtend", session.ends_at.astimezone(BANGKOK))
        event.add("dtstamp", session.created_at)
        # Calendar apps replace an event whose SEQUENCE went up: every change bumps revision.
        event.add("sequence", session.revision)
        event.add("status", STATUS.get(session.status, "CANCELLED"))
        url = base_url + reverse("session_detail", args=[session.pk])
        event.add("url", url)
        if session.venue:
            event.add("location", session.venue)
        elif session.online_url:
            event.add("location", session.online_url)
        lines = [session.area.name, session.description]
        if session.online_url:
            lines.append(_("Online: %(url)s") % {"url": session.online_url})
        lines.append(url)
        event.add("description", "\n".join(line for line in lines if line))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

from civportal.jobs import periodic_task

from . import reminders


@periodic_task
def send_session_reminders() -> int:
    """Every ~15 minutes: remind people of sessions starting within 24 h (once per session)."""
    return reminders.send_session_reminders()


@periodic_task
def send_mou_expiry_warnings() -> int:
    """Daily: warn about active MOUs ending within 60 and 30 days (once per threshold)."""
    return reminders.send_mou_expiry_warnings()


@periodic_task
def send_weekly_digests() -> int:
    """Weekly: one digest per person of the week's notifications (once per ISO week)."""
    return reminders.send_weekly_digests()

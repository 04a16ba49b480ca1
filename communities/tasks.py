from civportal.jobs import periodic_task

from . import reminders


@periodic_task
def send_results_reminders() -> int:
    """Daily: remind responsible officers before a reporting period closes and escalate to
    the provincial head and programme staff after its grace period (once each)."""
    return reminders.send_results_reminders()

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from civportal.jobs import MAIL_ERRORS, periodic_task

from . import reminders
from .models import Notification, Preference

CLAIM_TIMEOUT = timedelta(minutes=10)


def wants_email(user, kind: str) -> bool:
    preference = Preference.objects.filter(user=user, kind=kind).first()
    return preference.email if preference else True


@shared_task(
    acks_late=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification once, if its recipient wants e-mail for that kind.

    Each row is claimed with a conditional UPDATE before sending (no lock held while
    talking to SMTP) and marked sent after, so running the task twice sends nothing twice.
    """
    sent = 0
    for notification_id in notification_ids:
        now = timezone.now()
        claimed = Notification.objects.filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT),
            pk=notification_id,
            emailed_at__isnull=True,
        ).update(email_claimed_at=now)
        if not claimed:
            continue
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        if not wants_email(notification.recipient, notification.kind):
            continue
        link = settings.CIV_SITE_URL.rstrip("/") + notification.url if notification.url else ""
        try:
            send_mail(
                f"[CIV Portal] {notification.title}",
                f"{notification.body}\n\n{link}".strip(),
                None,
                [notification.recipient.email],
            )
        except Exception:
            Notification.objects.filter(pk=notification_id, email_claimed_at=now).update(
                email_claimed_at=None
            )
            raise
        Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
        sent += 1
    return sent


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

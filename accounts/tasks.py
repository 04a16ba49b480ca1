from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from civportal.jobs import MAIL_ERRORS

from .models import Invitation

# A claim older than this is taken to belong to a worker that died before sending.
CLAIM_TIMEOUT = timedelta(minutes=10)


@shared_task(
    acks_late=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_invitation_email(invitation_id: int) -> str:
    """Send the welcome e-mail for one invitation, at most once.

    The row is claimed with a conditional UPDATE (no lock held while talking to
    SMTP); a second run finds it claimed or sent and returns. A claim left by a
    worker that died is taken over after CLAIM_TIMEOUT.
    """
    now = timezone.now()
    claimed = Invitation.objects.filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT),
        pk=invitation_id,
        email_sent_at__isnull=True,
        accepted_at__isnull=True,
    ).update(email_claimed_at=now)
    if not claimed:
        return "skipped"
    invitation = Invitation.objects.select_related("invited_by", "organisation", "community").get(
        pk=invitation_id
    )
    link = settings.CIV_SITE_URL.rstrip("/") + reverse("accept_invitation", args=[invitation.token])
    context = {"invitation": invitation, "link": link}
    try:
        with translation.override("th"):
            subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
            body = render_to_string("accounts/email/invitation_message.txt", context)
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        # Release the claim so the retry (or a later run) may send it.
        Invitation.objects.filter(pk=invitation_id, email_claimed_at=now).update(
            email_claimed_at=None
        )
        raise
    Invitation.objects.filter(pk=invitation_id).update(email_sent_at=timezone.now())
    return "sent"

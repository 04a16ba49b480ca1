"""Senders, one per channel: each sends a claimed chunk and records every outcome."""

from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from civportal.jobs import MAIL_ERRORS

from . import services
from .line import send_line
from .models import Channel, Delivery


def message_id(delivery: Delivery) -> str:
    domain = urlsplit(settings.CIV_SITE_URL).hostname or "civportal.local"
    return f"<delivery.{delivery.pk}@{domain}>"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _refused_permanently(error: SMTPRecipientsRefused) -> bool:
    """5xx for every recipient: the address itself is refused; retrying will not help."""
    return all(code >= 500 for code, _message in error.recipients.values())


def _send_one_email(connection, delivery: Delivery) -> bool:
    message = EmailMessage(
        delivery.subject,
        delivery.body,
        None,
        [delivery.to],
        headers={"Message-ID": message_id(delivery)},
    )
    try:
        connection.send_messages([message])
    except SMTPRecipientsRefused as error:
        if not _refused_permanently(error):
            raise
        services.mark_failed([delivery], _describe(error), permanent=True)
        return False
    return True


def send_email(deliveries: list[Delivery]) -> int:
    """Send a chunk over one mail connection; returns how many were sent.

    A refused address fails only its own row; a mail server that is down or hangs fails
    the rest of the chunk, which is retried later with back-off.
    """
    return services.send_chunk(deliveries, lambda: mailers.default, _send_one_email, MAIL_ERRORS)


SENDERS = {Channel.EMAIL: send_email, Channel.LINE: send_line}

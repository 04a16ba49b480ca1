"""Senders, one per channel: each sends a claimed chunk and records every outcome."""

import logging
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from civportal.jobs import MAIL_ERRORS

from . import services
from .line import send_line
from .models import Channel, Delivery

logger = logging.getLogger(__name__)

# Rows are marked sent in small batches: a worker killed mid-chunk re-sends at most this
# many (with the same Message-ID, which mail programs use to drop the repeat).
MARK_SENT_EVERY = 10


def message_id(delivery: Delivery) -> str:
    domain = urlsplit(settings.CIV_SITE_URL).hostname or "civportal.local"
    return f"<delivery.{delivery.pk}@{domain}>"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _refused_permanently(error: SMTPRecipientsRefused) -> bool:
    """5xx for every recipient: the address itself is refused; retrying will not help."""
    return all(code >= 500 for code, _message in error.recipients.values())


def send_email(deliveries: list[Delivery]) -> int:
    """Send a chunk over one mail connection; returns how many were sent.

    A refused address fails only its own row; a mail server that is down or hangs fails
    the rest of the chunk, which is retried later with back-off.
    """
    settled: set[int] = set()
    batch: list[Delivery] = []
    sent = 0
    try:
        with mailers.default as connection:
            for delivery in deliveries:
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
                    settled.add(delivery.pk)
                    continue
                batch.append(delivery)
                settled.add(delivery.pk)
                sent += 1
                if len(batch) >= MARK_SENT_EVERY:
                    services.mark_sent(batch)
                    batch = []
    except MAIL_ERRORS as error:
        logger.warning("e-mail chunk interrupted after %d sent: %r", sent, error)
        services.mark_sent(batch)
        services.mark_failed([d for d in deliveries if d.pk not in settled], _describe(error))
        return sent
    services.mark_sent(batch)
    return sent


SENDERS = {Channel.EMAIL: send_email, Channel.LINE: send_line}

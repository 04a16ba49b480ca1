from celery import shared_task

from civportal.jobs import TRANSIENT_ERRORS, periodic_task

from . import services
from .channels import SENDERS


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def send_deliveries(delivery_ids: list[int]) -> int:
    """Claim the due deliveries among ``delivery_ids`` and send them, one connection per channel.

    Safe to run twice or concurrently: each row is claimed by one worker only, and a
    sent row is never claimed again. Failed sends are not retried here but rescheduled
    on their rows (back-off for hours), where ``sweep_deliveries`` finds them.
    """
    claimed = services.claim(delivery_ids)
    sent = 0
    for channel, send in SENDERS.items():
        chunk = [delivery for delivery in claimed if delivery.channel == channel]
        if chunk:
            sent += send(chunk)
    return sent


@periodic_task
def sweep_deliveries() -> int:
    """Every minute: hand the broker again whatever is due and was lost or never handed over."""
    return services.sweep()

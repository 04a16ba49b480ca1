from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LINE = "line", _("LINE")


class Delivery(models.Model):
    """One message to one person about one event over one channel: the outbox row.

    Written in the same transaction as the change that causes it, so a saved change
    always has its message waiting. ``key`` names the event for this recipient
    ("notification:<id>", "invitation:<id>"); with the channel it is unique, so the
    recipient gets each event once per channel however often the work is retried.
    Sending is at least once: a worker claims a chunk of rows for a while
    (``claimed_until``), sends them over one connection and marks them sent; a row whose
    claim ran out (its worker died) or whose retry is due is claimed again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Not delivered")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    key = models.CharField(max_length=200)
    notification = models.ForeignKey(
        "notifications.Notification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # The address used: an e-mail address (an invitee has no account yet), or for LINE
    # the recipient's LINE user id (from their connected LINE Login account).
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # When it was last handed to the broker; the sweeper hands over again what waits too long.
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("channel", "key", name="delivery_once_per_channel"),
            models.CheckConstraint(
                name="delivery_sent_has_time",
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_pending_due",
            ),
            models.Index(fields=["-created_at"], condition=Q(status="dead"), name="delivery_dead"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.to}: {self.subject}"

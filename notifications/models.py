from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    SESSION_SCHEDULED = "session_scheduled", _("Session scheduled")
    SESSION_CHANGED = "session_changed", _("Session changed")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    SESSION_REMINDER = "session_reminder", _("Session reminder")
    MOU_EXPIRING = "mou_expiring", _("MOU expiring")
    LISTING_SUBMITTED = "listing_submitted", _("Listing submitted")
    LISTING_APPROVED = "listing_approved", _("Listing approved")
    LISTING_RETURNED = "listing_returned", _("Listing returned")
    ENQUIRY_RECEIVED = "enquiry_received", _("Enquiry received")
    PROGRESS_LOGGED = "progress_logged", _("Progress visit logged")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest")
    REPORT_READY = "report_ready", _("Report ready")
    REPORT_DELAYED = "report_delayed", _("Report delayed")
    ACCOUNT_SECURITY = "account_security", _("Sign-in and account security")
    RESULTS_DUE = "results_due", _("Results due")
    RESULTS_OVERDUE = "results_overdue", _("Results overdue")


class Notification(models.Model):
    """One message to one person about one event; the event key makes repeats impossible."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    event_key = models.CharField(max_length=200)
    # Rendered in both languages when the event happens, so each reader sees the one the
    # page is in (``title_in``); rows from before kept one language only, in ``title``.
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Its e-mail and LINE message, if any, are outbox deliveries (outbox.models.Delivery,
    # "notification:<id>", one per channel).

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "recipient", "kind", "event_key", name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return self.title

    def text_in(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in ``language`` (the active one by default), Thai if no English."""
        if (language or get_language() or "th").startswith("en") and self.title_en:
            return self.title_en, self.body_en
        return self.title, self.body

    @property
    def shown_title(self) -> str:
        return self.text_in()[0]

    @property
    def shown_body(self) -> str:
        return self.text_in()[1]


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    email = models.BooleanField(_("send e-mail"), default=True)
    # Off until chosen: LINE reaches only members who connected LINE (selectors.line_ids).
    line = models.BooleanField(_("send on LINE"), default=False)
    in_digest = models.BooleanField(_("include in weekly digest"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint("user", "kind", name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.kind}"

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """A create form that was sent: its one-time token, who sent it, where its result is.

    Written in the same transaction as the rows the form creates (civportal.forms
    ``save_once``), so the unique key lets exactly one of two identical POSTs create
    anything; the other is sent to ``result_url``.
    """

    key = models.CharField(max_length=64, unique=True)
    # Null for the public site's anonymous buyers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.key} → {self.result_url}"

"""``Idempotency-Key`` on API creates: the same store as the create forms' one-time tokens.

A create sent twice with one key (a retry after a lost answer, a sync client run twice)
makes one row; the second answer is the first one's row, with ``Idempotent-Replayed:
true``. The key is recorded in civportal's FormSubmission in the same transaction as what
the service creates (as civportal.forms.save_once does), so two concurrent requests with
the same key meet at its unique index: exactly one creates.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.urls import resolve
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from civportal.models import FormSubmission

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def _stored_key(user, key: str) -> str:
    # One person's key never meets another's: the user is part of what is stored.
    return "api:" + hashlib.sha256(f"{user.pk}:{key}".encode()).hexdigest()[:60]


def create_once(request, create, *, result_url):
    """Run ``create()`` once per (user, Idempotency-Key).

    Returns ``(result, None)`` when this request created it, or ``(None, first_pk)`` when
    the key had already created a row (the pk read back from its ``result_url``). Without
    the header, creates every time.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return create(), None
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {
                HEADER: _("An Idempotency-Key may be at most %(n)d characters.")
                % {"n": MAX_KEY_LENGTH}
            }
        )
    stored = _stored_key(request.user, key)
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(key=stored, user=request.user)
        except IntegrityError:
            first = FormSubmission.objects.get(key=stored)
            return None, resolve(first.result_url).kwargs["pk"]
        result = create()
        submission.result_url = result_url(result)
        submission.save(update_fields=["result_url"])
    return result, None

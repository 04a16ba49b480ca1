"""Notifications: one in-app message per (recipient, kind, event); e-mail and LINE messages
through the outbox.

Feature code calls ``notify`` inside its own transaction; the database's unique
constraint makes a repeated or retried call a no-op for recipients already told.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from civportal.cache import forget
from outbox.line import message_text
from outbox.models import Channel, Delivery
from outbox.services import record_deliveries

from .models import Kind, Notification, Preference
from .selectors import emailed_recipients, line_recipients


def render_message(template: str, context: dict, language: str) -> tuple[str, str]:
    """Render ``<template>_title.txt`` and ``<template>_body.txt`` in one language."""
    with translation.override(language):
        title = render_to_string(f"{template}_title.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context).strip()
    return title, body


def link_for(notification: Notification) -> str:
    """The notification's page as an absolute address, for messages read outside the portal."""
    return settings.CIV_SITE_URL.rstrip("/") + notification.url if notification.url else ""


def language_of(user) -> str:
    return user.preferred_language or "th"


def email_text(notification: Notification, language: str) -> tuple[str, str]:
    """The subject and body of the e-mail that carries a notification, in ``language``:
    its title, body and a link back."""
    title, body = notification.text_in(language)
    return f"[CIV Portal] {title}"[:300], f"{body}\n\n{link_for(notification)}".strip()


def line_text(notification: Notification, language: str) -> tuple[str, str]:
    """The subject and text of the LINE message that carries a notification, in
    ``language``: title and body cut to fit a phone screen, and the link back, whole."""
    title, body = notification.text_in(language)
    with translation.override(language):
        more = gettext("Read it all on the portal:")
    return title[:300], message_text(title, body, link_for(notification), more)


def email_for(notification: Notification, text: tuple[str, str] | None = None) -> Delivery:
    """The e-mail that carries an in-app notification, in the recipient's language.

    ``text``: its ``email_text``, when the caller made it once for many recipients.
    """
    subject, body = text or email_text(notification, language_of(notification.recipient))
    return Delivery(
        channel=Channel.EMAIL,
        key=f"notification:{notification.pk}",
        notification=notification,
        recipient_id=notification.recipient_id,
        to=notification.recipient.email,
        subject=subject,
        body=body,
    )


def line_message_for(
    notification: Notification, line_id: str, text: tuple[str, str] | None = None
) -> Delivery:
    """The LINE message that carries an in-app notification, in the recipient's language.

    ``text``: its ``line_text``, when the caller made it once for many recipients.
    """
    subject, body = text or line_text(notification, language_of(notification.recipient))
    return Delivery(
        channel=Channel.LINE,
        key=f"notification:{notification.pk}",
        notification=notification,
        recipient_id=notification.recipient_id,
        to=line_id,
        subject=subject,
        body=body,
    )


@transaction.atomic
def notify(
    recipients: Iterable, *, kind: Kind, event_key: str, template: str, context: dict, url: str = ""
) -> list[int]:
    """Tell each recipient about one event, once; returns the ids of the new notifications.

    The message is rendered in Thai and English, so the inbox follows the language a
    reader is using; the e-mail and LINE message go in the recipient's own language. They
    (where the recipient's preferences allow, and for LINE where LINE is connected) are
    recorded as outbox deliveries in this same transaction and handed to the workers after
    it commits.
    """
    recipients = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not recipients:
        return []
    already = set(
        Notification.objects.filter(
            recipient_id__in=recipients, kind=kind, event_key=event_key
        ).values_list("recipient_id", flat=True)
    )
    if not set(recipients) - already:
        return []
    title, body = render_message(template, context, "th")
    title_en, body_en = render_message(template, context, "en")
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            event_key=event_key,
            title=title[:300],
            body=body,
            title_en=title_en[:300],
            body_en=body_en,
            url=url,
        )
        for user in recipients.values()
        if user.pk not in already
    ]
    # ignore_conflicts: a concurrent run that got there first wins; nobody is told twice.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = dict(
        Notification.objects.filter(
            recipient_id__in=[row.recipient_id for row in rows], kind=kind, event_key=event_key
        ).values_list("recipient_id", "pk")
    )
    # The rows as inserted, with the ids the database gave them (a concurrent run's row
    # for the same event says the same).
    created = []
    for row in rows:
        row.pk = ids.get(row.recipient_id)
        if row.pk is not None:
            created.append(row)
    forget_unread(row.recipient_id for row in created)
    told = [n.recipient for n in created]
    by_email = emailed_recipients(told, kind)
    by_line = line_recipients(told, kind)
    # Every recipient of one event reads the same words in their language: each message
    # text is made once per language, not once per recipient.
    emails, lines, texts = [], [], {}
    for notification in created:
        language = language_of(notification.recipient)
        if notification.recipient_id in by_email:
            if (Channel.EMAIL, language) not in texts:
                texts[Channel.EMAIL, language] = email_text(notification, language)
            emails.append(email_for(notification, texts[Channel.EMAIL, language]))
        if notification.recipient_id in by_line:
            if (Channel.LINE, language) not in texts:
                texts[Channel.LINE, language] = line_text(notification, language)
            line_id = by_line[notification.recipient_id]
            lines.append(line_message_for(notification, line_id, texts[Channel.LINE, language]))
    record_deliveries(emails + lines)
    return [notification.pk for notification in created]


# The header's unread count is kept in the cache per person (every signed-in page shows
# it) and dropped by each change to their inbox made here or through a model save; a
# change made otherwise (a shell's QuerySet.update) shows within UNREAD_SECONDS.
UNREAD_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"notifications-unread:{user_id}"


def unread_count(user) -> int:
    return cache.get_or_set(
        _unread_key(user.pk),
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        UNREAD_SECONDS,
    )


def forget_unread(user_ids: Iterable[int]) -> None:
    """Drop these people's kept unread counts now, and again once the transaction commits
    (a page read meanwhile may have kept the count of before)."""
    forget(_unread_key(pk) for pk in user_ids)


def mark_read(actor, notification_id: int) -> bool:
    """Mark one of the actor's own notifications read; False if not theirs or already read."""
    changed = Notification.objects.filter(
        pk=notification_id, recipient=actor, read_at__isnull=True
    ).update(read_at=timezone.now())
    forget_unread([actor.pk])
    return bool(changed)


def mark_all_read(actor) -> int:
    """Mark everything in the actor's inbox read; returns how many changed."""
    changed = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread([actor.pk])
    return changed


@transaction.atomic
def settle(kind: Kind, event_key_prefix: str) -> int:
    """The event these notifications asked someone to act on is dealt with (a listing
    reviewed, say): mark them read for every recipient, so no inbox keeps a stale call
    to act. Returns how many changed."""
    unread = Notification.objects.filter(
        kind=kind, event_key__startswith=event_key_prefix, read_at__isnull=True
    )
    recipients = set(unread.values_list("recipient_id", flat=True))
    changed = unread.update(read_at=timezone.now())
    forget_unread(recipients)
    return changed


@transaction.atomic
def set_preferences(actor, choices: dict[str, dict[str, bool]]) -> None:
    """Save the actor's e-mail / LINE / digest choice per kind (in-app is always on).

    A choice without "line" (LINE not offered to the actor) keeps the saved LINE choice.
    """
    valid = {kind.value for kind in Kind}
    for kind, choice in choices.items():
        if kind not in valid:
            raise ValueError(f"unknown kind: {kind}")
        defaults = {"email": bool(choice["email"]), "in_digest": bool(choice["in_digest"])}
        if "line" in choice:
            defaults["line"] = bool(choice["line"])
        Preference.objects.update_or_create(user=actor, kind=kind, defaults=defaults)

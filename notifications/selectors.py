"""Reads of a person's own notifications and preferences; nobody reads another's inbox."""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db.models import QuerySet

from civportal.access import get_in_scope_or_404

from .models import Kind, Notification, Preference

# Invitations go to people who have no account yet, so there is nothing to choose for them.
CONFIGURABLE_KINDS = [kind for kind in Kind if kind != Kind.INVITATION]


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def get_notification_for(user, pk) -> Notification:
    return get_in_scope_or_404(inbox_for(user), pk=pk)


def saved_preferences_for(user) -> QuerySet[Preference]:
    """The choices this person has saved (kinds never touched have no row)."""
    return Preference.objects.filter(user=user)


def preferences_for(user) -> list[dict]:
    """One row per kind with the person's choice, or the defaults (e-mail on, in digest,
    LINE off)."""
    saved = {preference.kind: preference for preference in saved_preferences_for(user)}
    rows = []
    for kind in CONFIGURABLE_KINDS:
        preference = saved.get(kind)
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "email": preference.email if preference else True,
                "in_digest": preference.in_digest if preference else True,
                "line": preference.line if preference else False,
            }
        )
    return rows


def emailed_recipients(users, kind: str) -> set[int]:
    """Ids of the users who get e-mail for this kind: an address and e-mail not switched off."""
    users = [user for user in users if user.email]
    declined = set(
        Preference.objects.filter(
            user_id__in=[user.pk for user in users], kind=kind, email=False
        ).values_list("user_id", flat=True)
    )
    return {user.pk for user in users if user.pk not in declined}


def line_ids(users) -> dict[int, str]:
    """The LINE user id of each of ``users`` who connected a LINE account (LINE Login).

    The Messaging API channel sits under the same LINE provider as the Login channel, so
    the id allauth stored at sign-in is the one a push is addressed to. Someone who
    connected two LINE accounts is reached on the latest.
    """
    return dict(
        SocialAccount.objects.filter(provider="line", user_id__in=[user.pk for user in users])
        .order_by("pk")
        .values_list("user_id", "uid")
    )


def line_recipients(users, kind: str) -> dict[int, str]:
    """LINE user id per user who gets this kind on LINE: chosen, and LINE connected.

    Empty while the portal has no Messaging API channel (no access token).
    """
    if not settings.LINE_MESSAGING_ENABLED:
        return {}
    chosen = set(
        Preference.objects.filter(
            user_id__in=[user.pk for user in users], kind=kind, line=True
        ).values_list("user_id", flat=True)
    )
    return line_ids([user for user in users if user.pk in chosen])

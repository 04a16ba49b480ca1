"""LINE messages: pushes through the LINE Messaging API, one HTTP session per chunk.

Every push carries ``X-Line-Retry-Key``, a UUID fixed for its delivery, so a push that is
retried after a timeout or a 5xx (LINE may have accepted it anyway) is delivered once:
LINE answers 409 to a retry key it already accepted, which counts as sent. A 4xx other
than 409/429 (a blocked or unknown user id, a bad token) fails only its own row, for
good; 429, 5xx and network errors stop the chunk and leave it to the outbox's back-off.
"""

import unicodedata
import uuid

import requests
from django.conf import settings

from . import services
from .models import Delivery

PUSH_PATH = "/v2/bot/message/push"
# LINE takes up to 5,000 characters in a text message; a notification is read on a phone,
# so its text is kept well under that, with the link back to the portal always whole.
TEXT_LIMIT = 1000
ELLIPSIS = "…"
# Thai vowels written before their consonant: a text cut just after one would end on a
# vowel with nothing to carry it.
LEADING_VOWELS = "เแโใไ"
RETRY_KEY_NAMESPACE = uuid.UUID("6c3c8f0e-4f51-4f0e-9a55-3b8d1c2a7e10")


class LineUnavailable(Exception):
    """LINE did not take the push now (rate limit, server error, network); try later."""


def retry_key(delivery: Delivery) -> str:
    """The delivery's own X-Line-Retry-Key: the same on every attempt, different per site."""
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{settings.CIV_SITE_URL}/delivery/{delivery.pk}"))


def _cut(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters (ellipsis included), cut at a
    space near the end if there is one, and never between a Thai letter and its marks."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= len(cut) * 4 // 5:
        cut = cut[:space]
    else:
        # Drop a letter whose vowel or tone mark would be cut off, and a dangling leading vowel.
        while cut and unicodedata.category(text[len(cut)]) == "Mn":
            cut = cut[:-1]
        cut = cut.rstrip(LEADING_VOWELS)
    return cut.rstrip() + ELLIPSIS


def message_text(title: str, body: str, link: str = "", more: str = "") -> str:
    """A notification as one LINE text message: title, body, and the link back, whole.

    When the text had to be cut, ``more`` (e.g. "Read it all on the portal:") is put
    before the link.
    """
    whole = f"{title}\n\n{body}".strip()
    if not link:
        return _cut(whole, TEXT_LIMIT)
    if len(whole) + len(link) + 2 <= TEXT_LIMIT:
        return f"{whole}\n\n{link}"
    ending = f"\n\n{more}\n{link}" if more else f"\n\n{link}"
    return _cut(whole, TEXT_LIMIT - len(ending)) + ending


def _describe(response: requests.Response) -> str:
    return f"LINE {response.status_code}: {response.text[:300]}"


def _push(session: requests.Session, delivery: Delivery) -> bool:
    """Push one message; True if LINE has it, False if it refused it for good."""
    try:
        response = session.post(
            settings.LINE_MESSAGING_API_URL + PUSH_PATH,
            json={"to": delivery.to, "messages": [{"type": "text", "text": delivery.body}]},
            headers={"X-Line-Retry-Key": retry_key(delivery)},
            timeout=settings.LINE_TIMEOUT,
        )
    except requests.RequestException as error:
        raise LineUnavailable(f"{type(error).__name__}: {error}") from error
    if response.ok or response.status_code == 409:  # 409: this retry key was accepted before
        return True
    if response.status_code == 429 or response.status_code >= 500:
        raise LineUnavailable(_describe(response))
    services.mark_failed([delivery], _describe(response), permanent=True)
    return False


def _bearer_session() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"
    return session


def send_line(deliveries: list[Delivery]) -> int:
    """Push a chunk over one HTTP session; returns how many LINE accepted."""
    if not settings.LINE_CHANNEL_ACCESS_TOKEN:
        # The token was removed after these were recorded: keep them for when it is back.
        services.mark_failed(deliveries, "LINE_CHANNEL_ACCESS_TOKEN is not set")
        return 0
    return services.send_chunk(deliveries, _bearer_session, _push, (LineUnavailable,))

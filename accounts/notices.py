"""Notices about one's own account: a sign-in, a new or reset password, a second factor
added, removed or renewed. Each goes through the portal's notifications (in the inbox,
and e-mailed through the outbox where the person has an address), so it is recorded with
the change, sent once and never lost; someone who did not do it can act on it."""

from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify

TEMPLATE = "notifications/account_security"


def _tell(user, event: str, event_key: str, request=None, **context) -> None:
    if user is None or not user.pk:
        return
    from allauth.account.adapter import get_adapter

    notify(
        [user],
        kind=Kind.ACCOUNT_SECURITY,
        event_key=event_key,
        template=TEMPLATE,
        context={
            "event": event,
            "when": timezone.now(),
            "ip": get_adapter().get_client_ip(request) if request is not None else "",
            "device": (request.META.get("HTTP_USER_AGENT", "") if request else "")[:120],
            **context,
        },
        url=reverse("profile"),
    )


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%dT%H%M%S%f")


def on_signed_in(sender, request, user, **kwargs):
    """allauth's user_logged_in: a real sign-in (password, code, LINE), once per session."""
    session_key = getattr(getattr(request, "session", None), "session_key", None) or _stamp()
    _tell(user, "signed_in", f"signed-in:{session_key}", request)


def on_password_changed(sender, request, user, **kwargs):
    _tell(user, "password", f"password:{_stamp()}", request)


def _on_authenticator(event):
    def receiver(sender, request, user, authenticator, **kwargs):
        if event == "mfa_added" and authenticator.type == authenticator.Type.RECOVERY_CODES:
            return  # made together with the authenticator app, which has its own notice
        kind = authenticator.get_type_display() if authenticator is not None else ""
        pk = authenticator.pk if authenticator is not None else ""
        _tell(user, event, f"mfa-{event}:{pk}:{_stamp()}", request, authenticator=kind)

    return receiver


on_authenticator_added = _on_authenticator("mfa_added")
on_authenticator_removed = _on_authenticator("mfa_removed")
on_authenticator_reset = _on_authenticator("mfa_reset")


def connect() -> None:
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa

    account.user_logged_in.connect(on_signed_in, dispatch_uid="accounts.notice_signed_in")
    for signal in (account.password_changed, account.password_set, account.password_reset):
        signal.connect(on_password_changed, dispatch_uid=f"accounts.notice_password.{id(signal)}")
    mfa.authenticator_added.connect(on_authenticator_added, dispatch_uid="accounts.notice_mfa+")
    mfa.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="accounts.notice_mfa-")
    mfa.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="accounts.notice_mfa=")

from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread_notifications(request):
    """The header's unread count, counted only when a template actually shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(user))}

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _notification_changed(sender, instance, **kwargs):
    """A notification saved or deleted one by one (the admin): drop its reader's count."""
    from .services import forget_unread

    forget_unread([instance.recipient_id])


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notification

        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                _notification_changed, sender=Notification, dispatch_uid=f"unread-count:{name}"
            )

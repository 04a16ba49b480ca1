from django.contrib import admin

from civportal.admin import ScopedAdmin

from .models import Notification, Preference
from .selectors import inbox_for, saved_preferences_for

# Nobody reads another person's inbox or settings, in the admin either (superusers aside).


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin, admin.ModelAdmin):
    selector = inbox_for
    list_display = ["recipient", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "title", "event_key"]
    readonly_fields = ["event_key", "created_at"]

    def has_add_permission(self, request):
        # Notifications come from notifications.services.notify: one per recipient, kind and
        # event, rendered in the recipient's language, e-mailed after commit.
        return False


@admin.register(Preference)
class PreferenceAdmin(ScopedAdmin, admin.ModelAdmin):
    selector = saved_preferences_for
    list_display = ["user", "kind", "email", "line", "in_digest"]
    list_filter = ["kind", "email", "line", "in_digest"]
    list_select_related = ["user"]

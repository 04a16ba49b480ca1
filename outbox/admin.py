from django.contrib import admin

from civportal.admin import ScopedAdmin

from .models import Delivery
from .selectors import deliveries_for


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin, admin.ModelAdmin):
    """Read-only: deliveries are written by the services and the workers."""

    selector = deliveries_for
    list_display = ["channel", "to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["recipient"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

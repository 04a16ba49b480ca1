from django.contrib import admin

from civportal.admin import ScopedAdmin

from .models import ReportJob
from .selectors import reports_for


@admin.register(ReportJob)
class ReportJobAdmin(ScopedAdmin, admin.ModelAdmin):
    """Read-only: jobs are created by people and the beat, and changed only by workers."""

    selector = reports_for
    list_display = ["kind", "requested_by", "status", "progress", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["requested_by"]
    readonly_fields = [field.name for field in ReportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

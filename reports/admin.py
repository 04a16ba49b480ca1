from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "requested_by", "status", "progress", "created_at"]
    list_filter = ["kind", "status"]

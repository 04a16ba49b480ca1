from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from civportal.admin import ScopedAdmin

from .models import MOU, MentorAssignment, MentoringArea, MOUSignatory, TrainingSession
from .permissions import can_edit_mou
from .selectors import mous_for, sessions_for


@admin.register(MentoringArea)
class MentoringAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "position"]


class SignatoryInline(admin.TabularInline):
    model = MOUSignatory
    extra = 0


@admin.register(MOU)
class MOUAdmin(ScopedAdmin, SimpleHistoryAdmin):
    selector = mous_for
    can_edit = can_edit_mou
    list_display = ["title_th", "government_office", "company", "signed_on", "status"]
    list_filter = ["status"]
    filter_horizontal = ["areas", "communities"]
    readonly_fields = ["status"]
    inlines = [SignatoryInline]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["mentor", "community", "mou", "starts_on", "ends_on"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedAdmin, SimpleHistoryAdmin):
    selector = sessions_for
    list_display = ["title", "mou", "area", "starts_at", "status"]
    list_filter = ["status", "area"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from civportal.admin import ReferenceAdmin, ScopedAdmin

from .models import (
    MOU,
    Attendance,
    MentorAssignment,
    MentoringArea,
    MOUSignatory,
    SessionCommunity,
    SessionMentor,
    TrainingSession,
)
from .permissions import can_change_assignment, can_edit_mou
from .selectors import assignments_for, mous_for, sessions_for


@admin.register(MentoringArea)
class MentoringAreaAdmin(ReferenceAdmin, admin.ModelAdmin):
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
class MentorAssignmentAdmin(ScopedAdmin, admin.ModelAdmin):
    selector = assignments_for
    can_edit = can_change_assignment
    list_display = ["mentor", "community", "mou", "starts_on", "ends_on"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SessionMentorInline(ReadOnlyInline):
    model = SessionMentor


class SessionCommunityInline(ReadOnlyInline):
    model = SessionCommunity


class AttendanceInline(ReadOnlyInline):
    model = Attendance


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """Read-only here: scheduling, moving and cancelling go through the services on the
    session pages, which keep the double-booking rows in step and tell participants."""

    selector = sessions_for
    list_display = ["title", "mou", "area", "starts_at", "status"]
    list_filter = ["status", "area"]
    inlines = [SessionMentorInline, SessionCommunityInline, AttendanceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

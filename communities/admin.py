from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from civportal.admin import ReferenceAdmin, ScopedAdmin

from .models import (
    Cohort,
    Community,
    District,
    Indicator,
    Organisation,
    ProgressVisit,
    Province,
    StageChange,
    Subdistrict,
)
from .permissions import can_edit_community, can_edit_visit, can_manage_indicators
from .selectors import communities_for, stage_changes_for, visits_for


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin, admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(ReferenceAdmin, admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province"]


@admin.register(Subdistrict)
class SubdistrictAdmin(ReferenceAdmin, admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "district"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["district"]


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin, admin.ModelAdmin):
    list_display = ["name_th", "name_en", "kind", "province"]
    list_filter = ["kind"]
    search_fields = ["name_th", "name_en"]


@admin.register(Cohort)
class CohortAdmin(ReferenceAdmin, admin.ModelAdmin):
    list_display = ["name_th", "start_year", "end_year", "target_communities", "civ_villages"]


@admin.register(Indicator)
class IndicatorAdmin(ReferenceAdmin, admin.ModelAdmin):
    """The indicator catalogue: programme staff only (officers set per-community targets)."""

    can_manage = can_manage_indicators
    list_display = [
        "code",
        "name_th",
        "name_en",
        "unit",
        "unit_en",
        "direction",
        "frequency",
        "active",
        "position",
    ]
    list_editable = ["frequency", "active", "position"]
    list_filter = ["frequency", "active"]
    search_fields = ["code", "name_th", "name_en"]

    def has_module_permission(self, request):
        return can_manage_indicators(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_manage_indicators(request.user) and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # values point at indicators; retire one with "in use" instead


@admin.register(Community)
class CommunityAdmin(ScopedAdmin, SimpleHistoryAdmin):
    selector = communities_for
    can_edit = can_edit_community
    list_display = ["name_th", "name_en", "province", "stage", "cohort_year"]
    list_filter = ["stage", "province"]
    search_fields = ["name_th", "name_en"]
    autocomplete_fields = ["subdistrict"]
    readonly_fields = ["stage"]


@admin.register(StageChange)
class StageChangeAdmin(ScopedAdmin, admin.ModelAdmin):
    selector = stage_changes_for
    list_display = ["community", "from_stage", "to_stage", "changed_by", "changed_at"]
    readonly_fields = [f.name for f in StageChange._meta.fields]

    def has_add_permission(self, request):
        return False  # stages move only through communities.services.move_stage

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who moved a stage, when and why is kept


@admin.register(ProgressVisit)
class ProgressVisitAdmin(ScopedAdmin, SimpleHistoryAdmin):
    selector = visits_for
    can_edit = can_edit_visit
    list_display = ["community", "visited_on", "officer"]
    list_select_related = ["community", "officer"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from civportal.admin import ScopedAdmin

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
from .permissions import can_edit_community, can_manage_indicators
from .selectors import communities_for


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province"]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "district"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["district"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_th", "name_en", "kind", "province"]
    list_filter = ["kind"]
    search_fields = ["name_th", "name_en"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name_th", "start_year", "end_year", "target_communities", "civ_villages"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The indicator catalogue: programme staff only (officers set per-community targets)."""

    list_display = ["code", "name_th", "name_en", "unit", "direction", "active", "position"]
    list_editable = ["active", "position"]
    search_fields = ["code", "name_th", "name_en"]

    def has_module_permission(self, request):
        return can_manage_indicators(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_indicators(request.user)

    def has_add_permission(self, request):
        return can_manage_indicators(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_indicators(request.user)

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
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["community", "from_stage", "to_stage", "changed_by", "changed_at"]
    readonly_fields = [f.name for f in StageChange._meta.fields]

    def has_add_permission(self, request):
        return False  # stages move only through communities.services.move_stage


@admin.register(ProgressVisit)
class ProgressVisitAdmin(SimpleHistoryAdmin):
    list_display = ["community", "visited_on", "officer"]
    list_select_related = ["community", "officer"]

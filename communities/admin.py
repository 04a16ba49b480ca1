from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Role, User
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
from .permissions import (
    can_assign_reporting_officers,
    can_edit_community,
    can_edit_visit,
    can_manage_indicators,
)
from .selectors import communities_for, stage_changes_for, visits_for


class HeadOfficerForm(forms.ModelForm):
    class Meta:
        model = Province
        fields = ["code", "name_th", "name_en", "head_officer"]

    def clean_head_officer(self):
        head = self.cleaned_data.get("head_officer")
        if head is not None and not head.provinces.filter(pk=self.instance.pk).exists():
            raise ValidationError(
                _("The head of the office must be an officer of this province."), code="scope"
            )
        return head


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin, admin.ModelAdmin):
    """Geography is loaded, not typed: programme staff set only the head of each provincial
    office (to whom late results are escalated)."""

    can_manage = can_assign_reporting_officers
    form = HeadOfficerForm
    list_display = ["code", "name_th", "name_en", "head_officer"]
    list_select_related = ["head_officer"]
    search_fields = ["code", "name_th", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["code", "name_th", "name_en"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "head_officer":
            kwargs["queryset"] = User.objects.filter(role=Role.OFFICER, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


class CommunityAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        officer = cleaned.get("responsible_officer")
        subdistrict = cleaned.get("subdistrict") or getattr(self.instance, "subdistrict", None)
        if officer is not None and subdistrict is not None:
            province = subdistrict.district.province_id
            if not officer.provinces.filter(pk=province).exists():
                self.add_error(
                    "responsible_officer",
                    _("The responsible officer must be an officer of the community's province."),
                )
        return cleaned


@admin.register(Community)
class CommunityAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = CommunityAdminForm
    selector = communities_for
    can_edit = can_edit_community
    list_display = ["name_th", "name_en", "province", "stage", "cohort_year", "responsible_officer"]
    list_filter = ["stage", "province"]
    search_fields = ["name_th", "name_en"]
    autocomplete_fields = ["subdistrict"]
    readonly_fields = ["stage"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_assign_reporting_officers(request.user):
            fields.append("responsible_officer")  # programme staff hand communities on
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "responsible_officer" in form.base_fields:
            form.base_fields["responsible_officer"].queryset = User.objects.filter(
                role=Role.OFFICER, is_active=True
            )
        return form


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

"""Filters of the list endpoints (django-filter): narrow what the scoped selector gave."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters

from civportal.fiscal import fy_bounds
from communities.models import Community, CommunityTarget, Stage, StageChange
from mentorship.models import TrainingSession
from products.models import Product

from .models import Tombstone


class SinceFilter(django_filters.IsoDateTimeFilter):
    """``field >= moment``, the moment sent to the database in UTC: PostgreSQL refuses
    offsets beyond ±15:59, which ISO 8601 allows (``+23:00``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, lookup_expr="gte", **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        try:
            value = value.astimezone(UTC)
        except OverflowError:  # past the last moment a datetime holds: nothing is newer
            return qs if value.year < 2 else qs.none()
        return super().filter(qs, value)


class FiscalYearFilter(django_filters.NumberFilter):
    """Rows whose date (or moment, in Thai time) falls in a Thai fiscal year: 1 October to
    30 September, named by the year it ends in, given in BE (2569) or CE (2026)."""

    def __init__(self, *args, moment=False, year=False, **kwargs):
        # ``year``: the field holds the fiscal year itself (CE), not a date in it.
        self.moment, self.year = moment, year
        kwargs.setdefault(
            "help_text",
            "Thai fiscal year (1 Oct – 30 Sep) by the year it ends in, BE (2569) or CE (2026) / "
            "ปีงบประมาณ (1 ต.ค. – 30 ก.ย.) เป็น พ.ศ. (2569) หรือ ค.ศ. (2026)",
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        year = int(value)
        year = year - 543 if year >= 2400 else year
        if not 1900 <= year <= 2500:  # no fiscal year of the programme: nothing
            return qs.none()
        if self.year:
            return qs.filter(**{self.field_name: year})
        first, last = fy_bounds(year)
        if not self.moment:
            return qs.filter(**{f"{self.field_name}__range": (first, last)})
        bangkok = ZoneInfo("Asia/Bangkok")
        start = datetime.combine(first, time.min, bangkok)
        end = datetime.combine(last + timedelta(days=1), time.min, bangkok)
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


# Bilingual as written: the schema is the same document in every language.
UPDATED_SINCE_HELP = (
    "Only rows changed at or after this moment (ISO 8601), for incremental sync / "
    "เฉพาะรายการที่เปลี่ยนแปลงตั้งแต่เวลานี้ (ISO 8601) สำหรับการซิงก์ข้อมูลเพิ่มเติม"
)


class CommunityFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        field_name="province_id", help_text="Province code / รหัสจังหวัด"
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    cohort = django_filters.NumberFilter(field_name="cohort_id")
    updated_since = SinceFilter(field_name="updated_at", help_text=UPDATED_SINCE_HELP)

    class Meta:
        model = Community
        fields = ["province", "stage", "cohort", "updated_since"]


def by_community(model, prefix="community", **extra_filters):
    """A FilterSet over ``model`` by its community (reached through ``prefix``), the
    community's province, stage and cohort, plus ``extra_filters``."""
    filters = {
        "community": django_filters.NumberFilter(field_name=f"{prefix}_id"),
        "province": django_filters.CharFilter(field_name=f"{prefix}__province_id"),
        "stage": django_filters.ChoiceFilter(field_name=f"{prefix}__stage", choices=Stage.choices),
        "cohort": django_filters.NumberFilter(field_name=f"{prefix}__cohort_id"),
        **extra_filters,
    }
    meta = type("Meta", (), {"model": model, "fields": list(filters)})
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), {**filters, "Meta": meta})


StageChangeFilter = by_community(
    StageChange,
    updated_since=SinceFilter(field_name="changed_at", help_text=UPDATED_SINCE_HELP),
    fiscal_year=FiscalYearFilter(field_name="changed_at", moment=True),
)

FiscalYearTargetFilter = by_community(
    CommunityTarget, fiscal_year=FiscalYearFilter(field_name="fiscal_year", year=True)
)


class ProductFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(field_name="community_id")
    province = django_filters.CharFilter(field_name="community__province_id")
    category = django_filters.ChoiceFilter(choices=Product.Category.choices)
    status = django_filters.ChoiceFilter(choices=Product.Status.choices)
    updated_since = SinceFilter(field_name="updated_at", help_text=UPDATED_SINCE_HELP)

    class Meta:
        model = Product
        fields = ["community", "province", "category", "status", "updated_since"]


class OpenProductFilter(ProductFilter):
    class Meta:
        model = Product
        fields = ["community", "province", "category", "updated_since"]


class RemovedFilter(django_filters.FilterSet):
    since = SinceFilter(
        field_name="removed_at",
        help_text="Removed at or after this moment (ISO 8601) / ลบหรือเลิกเผยแพร่ตั้งแต่เวลานี้",
    )

    class Meta:
        model = Tombstone
        fields = ["since"]


class TrainingSessionFilter(django_filters.FilterSet):
    fiscal_year = FiscalYearFilter(field_name="starts_at", moment=True)

    class Meta:
        model = TrainingSession
        fields = ["mou", "status", "fiscal_year"]

"""What the API shows of each row: plain fields, codes for geography, ids for links.

Thin on purpose: every row comes from a scoped selector and every write goes through a
service; nothing here decides who may see or change what.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.models import (
    Community,
    CommunityIndicator,
    CommunityTarget,
    Indicator,
    IndicatorValue,
    ProgressVisit,
    StageChange,
)
from mentorship.models import MOU, MentorAssignment, TrainingSession
from notifications.models import Notification
from products.models import REVISION_FIELDS, Enquiry, Product, ProductRevision

from .models import Tombstone


class CommunityPlace(serializers.ModelSerializer):
    """Where a community is: the official geography codes (geothai), village and position."""

    province = serializers.CharField(source="province_id", help_text="Province code (รหัสจังหวัด)")
    district = serializers.CharField(
        source="subdistrict.district_id", help_text="District code (รหัสอำเภอ)"
    )
    subdistrict = serializers.CharField(
        source="subdistrict_id", help_text="Subdistrict code (รหัสตำบล)"
    )

    PLACE_FIELDS = [
        "id",
        "name_th",
        "name_en",
        "province",
        "district",
        "subdistrict",
        "village_number",
        "latitude",
        "longitude",
        "stage",
    ]


class CommunitySerializer(CommunityPlace):
    class Meta:
        model = Community
        fields = [
            *CommunityPlace.PLACE_FIELDS,
            "cohort",
            "cohort_year",
            "activity",
            "members_count",
            "created_at",
            "updated_at",
            "version",
        ]


class CommunityUpdateSerializer(serializers.Serializer):
    """The parts of a community's profile the API may change (the rest: the portal's form)."""

    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    identity_story = serializers.CharField(required=False, allow_blank=True)
    main_activities = serializers.CharField(required=False, allow_blank=True)
    members_count = serializers.IntegerField(min_value=0, required=False)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["id", "community", "from_stage", "to_stage", "reason", "changed_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name_th", "name_en", "unit", "unit_en", "direction", "active"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    community = serializers.IntegerField(source="visit.community_id", read_only=True)
    visited_on = serializers.DateField(source="visit.visited_on", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "visit",
            "community",
            "visited_on",
            "indicator",
            "value",
            "period_start",
            "period_end",
        ]


class IndicatorTargetSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CommunityIndicator
        fields = ["id", "community", "indicator", "baseline", "target"]
        extra_kwargs = {
            "target": {
                "help_text": (
                    "This fiscal year's target; every year's is in /api/v1/fiscal-year-targets/"
                    " / ค่าเป้าหมายของปีงบประมาณนี้ ค่าเป้าหมายทุกปีอยู่ที่ "
                    "/api/v1/fiscal-year-targets/"
                )
            }
        }


class FiscalYearTargetSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    fiscal_year = serializers.IntegerField(
        read_only=True,
        help_text="Thai fiscal year (1 Oct – 30 Sep) by the year it ends in, CE / "
        "ปีงบประมาณ เป็น ค.ศ.",
    )
    fiscal_year_be = serializers.SerializerMethodField(
        help_text="The same fiscal year in BE / ปีงบประมาณ เป็น พ.ศ."
    )

    class Meta:
        model = CommunityTarget
        fields = ["id", "community", "indicator", "fiscal_year", "fiscal_year_be", "target"]

    def get_fiscal_year_be(self, row) -> int:
        return row.fiscal_year + 543


class VisitSerializer(serializers.ModelSerializer):
    values = serializers.SerializerMethodField(
        help_text="Indicator values by indicator code (ค่าตัวชี้วัด ตามรหัสตัวชี้วัด)"
    )

    class Meta:
        model = ProgressVisit
        fields = ["id", "community", "officer", "visited_on", "summary", "next_steps", "values"]

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string", "format": "decimal"}}
    )
    def get_values(self, visit) -> dict:
        return {row.indicator.code: str(row.value) for row in visit.values.all()}


class VisitCreateSerializer(serializers.Serializer):
    """A progress visit to log (การลงพื้นที่ติดตามผล): what the visit form asks, without photos."""

    community = serializers.IntegerField(min_value=1)
    visited_on = serializers.DateField()
    summary = serializers.CharField(max_length=10000)
    next_steps = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        required=False,
        help_text='Indicator values by indicator code, e.g. {"monthly_revenue": "12000"}',
    )

    def validate_values(self, values):
        # A code with a NUL character is unknown; the database refuses to compare with it.
        codes = [code for code in values if "\x00" not in code]
        indicators = Indicator.objects.filter(code__in=codes, active=True).in_bulk(
            field_name="code"
        )
        unknown = sorted(set(values) - set(indicators))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown indicator codes: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return {indicators[code]: value for code, value in values.items()}


class MOUSerializer(serializers.ModelSerializer):
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = MOU
        fields = [
            "id",
            "title_th",
            "title_en",
            "government_office",
            "company",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "areas",
            "communities",
            "version",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = MentorAssignment
        fields = ["id", "mou", "mentor", "community", "areas", "starts_on", "ends_on"]


class TrainingSessionSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    registered_count = serializers.IntegerField(
        read_only=True, help_text="People registered (ผู้ลงทะเบียน)"
    )
    present_count = serializers.IntegerField(read_only=True, help_text="People present (มา)")

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "mou",
            "area",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "capacity",
            "is_public",
            "status",
            "communities",
            "mentors",
            "registered_count",
            "present_count",
            "revision",
        ]


PRODUCT_FIELDS = [
    "id",
    "community",
    "name_th",
    "name_en",
    "category",
    "story",
    "price",
    "unit",
    "minimum_order",
    "made_to_order",
    "lead_time_days",
    "availability",
    "otop_stars",
    "fda_number",
    "community_standard",
    "gap_certified",
    "organic_thailand",
    "published_at",
    "updated_at",
]


class ProductSerializer(serializers.ModelSerializer):
    """A listing in the reader's scope, whatever its status (members see their drafts)."""

    class Meta:
        model = Product
        fields = [*PRODUCT_FIELDS, "status", "stock", "version"]


class ProductRevisionSerializer(serializers.ModelSerializer):
    """A published listing's change waiting for (or returned from) an officer's review."""

    class Meta:
        model = ProductRevision
        fields = ["product", "status", *REVISION_FIELDS, "review_comment", "submitted_at"]


class EnquirySerializer(serializers.ModelSerializer):
    class Meta:
        model = Enquiry
        fields = [
            "id",
            "product",
            "community",
            "name",
            "contact",
            "quantity",
            "message",
            "status",
            "created_at",
            "answered_at",
        ]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "title_en",
            "body_en",
            "url",
            "created_at",
            "read_at",
        ]


class TombstoneSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="object_id", help_text="The removed row's id")

    class Meta:
        model = Tombstone
        fields = ["id", "reason", "removed_at"]


# --- Open data ------------------------------------------------------------------------
class OpenProductSerializer(serializers.ModelSerializer):
    """A published listing, as the public catalogue shows it."""

    province = serializers.CharField(source="community.province_id")
    community_name_th = serializers.CharField(source="community.name_th")
    community_name_en = serializers.CharField(source="community.name_en")
    page = serializers.SerializerMethodField(help_text="The listing's public page")

    class Meta:
        model = Product
        fields = [*PRODUCT_FIELDS, "community_name_th", "community_name_en", "province", "page"]

    def get_page(self, product) -> str:
        return reverse("public_product", args=[product.pk])


class OpenCommunitySerializer(CommunityPlace):
    """A community as its public page shows it."""

    published_count = serializers.IntegerField(
        read_only=True, help_text="Published listings (ข้อมูลผลิตภัณฑ์ที่เผยแพร่)"
    )
    page = serializers.SerializerMethodField(help_text="The community's public page")

    class Meta:
        model = Community
        fields = [
            *CommunityPlace.PLACE_FIELDS,
            "cohort_year",
            "activity",
            "identity_story",
            "main_activities",
            "published_count",
            "updated_at",
            "page",
        ]

    def get_page(self, community) -> str:
        return reverse("public_community", args=[community.pk])
